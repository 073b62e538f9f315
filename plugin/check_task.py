"""The compliance check of a case as a background ``QgsTask``: QGIS stays responsive and the
officer can cancel; results come back as one styled layer per case (replaced on a rerun), the
reports beside the store, and a summary the dock shows with buttons to open them."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsMessageLog, QgsProject, QgsTask

from ..core.check.profile import load_profile
from ..core.check.report_html import write_html
from ..core.check.report_text import texts
from ..core.check.report_xlsx import write_workbook
from ..core.check.results import write_json
from ..core.check.run import check_parcels, check_with_profile
from ..core.errors import InvalidRedlineError
from ..core.redline.model import parcel_from_polygon
from .i18n import plugin_language

LOG = "RedLine Approval"


class CheckTask(QgsTask):
    def __init__(self, store, numbers: list[str], profile_path: str, out_dir: str,
                 on_done=None, lang: str | None = None):
        super().__init__(f"RedLine compliance check ({', '.join(numbers)[:60]})",
                         QgsTask.CanCancel)
        self.numbers = numbers
        self.profile_path = profile_path
        self.out_dir = Path(out_dir)
        self.on_done = on_done
        self.lang = lang or plugin_language()
        self.result = None
        self.error = None
        self.findings = []  # why the red line was refused, for the dock and the map
        self.store = store
        # read on the main thread: the store's connection belongs to it
        self.parcels, self.ids = [], []
        for n in numbers:
            use = (((store.get_case(n) or {}).get("forms") or {}).get("application") or {}) \
                .get("intended_use")
            for p in store.parcels(n):
                self.parcels.append(parcel_from_polygon(p.number, p.name, p.geometry,
                                                        {"use": p.use or use}))
                self.ids.append(f"{n}/{p.number}")
        self.crs = store.crs

    def run(self) -> bool:
        try:
            parcels, crs = check_parcels(self.parcels, self.crs, ids=self.ids)
            self.result = check_with_profile(parcels, crs, load_profile(self.profile_path),
                                             progress=lambda pct, _w: self.setProgress(pct),
                                             is_canceled=self.isCanceled)
            if self.isCanceled():
                return False
            self.out_dir.mkdir(parents=True, exist_ok=True)
            write_json(self.result, self.out_dir / "check.json")
            write_html(self.result, self.out_dir / "check.html", self.lang)
            write_workbook(self.result, self.out_dir / "check.xlsx")
            return True
        except InvalidRedlineError as exc:
            self.findings = exc.findings
            self.error = exc.args[0].splitlines()[0]
            self.result = None
            return False
        except Exception as exc:  # failures shown in finished(), never a crash
            self.error = str(exc)
            self.result = None
            return False

    def layer_name(self) -> str:
        return f"{self.numbers[0]} {texts(self.lang)['check_results']}"

    def finished(self, ok: bool) -> None:
        if ok and self.result is not None:
            from ..processing_algorithms.report_pdf import write_pdf
            from ..processing_algorithms.result_layers import redline_layers

            try:
                write_pdf(self.result, self.profile_path, self.out_dir / "check.pdf", self.lang)
            except Exception as exc:  # the JSON, HTML and workbook are written; say what failed
                self.error = f"PDF: {exc}"
            _red, _pts, overlaps = redline_layers(self.result, self.lang)
            overlaps.setName(self.layer_name())
            project = QgsProject.instance()
            for old in project.mapLayersByName(self.layer_name()):  # one per case
                project.removeMapLayer(old.id())
            project.addMapLayer(overlaps)
            worst = max((p.status for p in self.result.parcels),
                        key=["pass", "warning", "conflict"].index, default="pass")
            for number in self.numbers:
                self.store.set_state(f"check:{number}", {
                    "status": worst, "checked_at": self.result.checked_at,
                    "pdf": str(self.out_dir / "check.pdf"),
                    "xlsx": str(self.out_dir / "check.xlsx"),
                    "conflicts": sum(v.status == "conflict" for p in self.result.parcels
                                     for v in p.verdicts)})
        elif self.error:
            QgsMessageLog.logMessage(self.error, LOG)
        if self.on_done:
            self.on_done(self)
