"""The compliance check as a Processing algorithm: red-line layer + profile -> overlap layer,
JSON, HTML, workbook and PDF report. The overlay runs in the background task; the PDF (QtWebKit, print
layout) is made in postProcessAlgorithm, on the main thread."""

from __future__ import annotations

from pyproj import CRS
from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..core.check.profile import load_profile
from ..core.check.report_html import write_html
from ..core.check.report_xlsx import write_workbook
from ..core.check.results import write_json
from ..core.check.run import check_parcels, check_with_profile
from .base import RedlineAlgorithm, crs_text, report_language
from .qgis_bridge import from_qgs, to_qgs
from .qgis_sources import QgsLayerSource, layer_for


def result_fields() -> QgsFields:
    fields = QgsFields()
    for name, kind in (("parcel", QVariant.String), ("layer", QVariant.String),
                       ("role", QVariant.String), ("overlap_m2", QVariant.Double),
                       ("net_m2", QVariant.Double), ("share", QVariant.Double), ("status", QVariant.String),
                       ("reasons", QVariant.String)):
        fields.append(QgsField(name, kind))
    return fields


def _text(feature, field: str | None) -> str:
    """A field's value as text, '' for no field, NULL or empty."""
    value = feature[field] if field else None
    return "" if value is None or str(value) in ("", "NULL") else str(value).strip()


class ComplianceCheck(RedlineAlgorithm):
    GROUP = "check"

    def name(self) -> str:
        return "compliancecheck"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Compliance check (red lines against control layers)")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Overlays each red-line parcel with the control layers of a check profile (planning, "
            "ecological protection red line, permanent basic farmland, urban development "
            "boundary, forest land, approved red lines) in the parcels' CGCS2000 zone, and gives "
            "overlap areas per layer and class and a verdict per rule. Writes the overlaps as a "
            "layer and optionally JSON, an Excel workbook (汇总 and one sheet per layer), HTML and PDF "
            "reports. Invalid red lines are refused with what is wrong and where.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource(
            "PARCELS", self.tr("Red-line parcels"), [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField(
            "ID_FIELD", self.tr("Parcel number field"), parentLayerParameterName="PARCELS",
            optional=True))
        self.addParameter(QgsProcessingParameterField(
            "NAME_FIELD", self.tr("Parcel name field"), parentLayerParameterName="PARCELS",
            optional=True))
        self.addParameter(QgsProcessingParameterField(
            "USE_FIELD", self.tr("Intended use field"), parentLayerParameterName="PARCELS",
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            "USE", self.tr("Intended use for all parcels (e.g. 工业用地)"), optional=True))
        self.addParameter(QgsProcessingParameterFile(
            "PROFILE", self.tr("Check profile (TOML or JSON)")))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", self.tr("Overlaps"), QgsProcessing.TypeVectorPolygon))
        for key, label, filt in (("JSON", self.tr("Result (JSON)"), "JSON (*.json)"),
                                 ("HTML", self.tr("Report (HTML)"), "HTML (*.html)"),
                                 ("XLSX", self.tr("Workbook (XLSX)"), "Excel (*.xlsx)"),
                                 ("PDF", self.tr("Report (PDF)"), "PDF (*.pdf)")):
            self.addParameter(QgsProcessingParameterFileDestination(
                key, label, filt, optional=True, createByDefault=False))

    def read_parcels(self, parameters, context) -> tuple[list, object]:
        """The layer's features as red-line parcels (number, name and use from the chosen
        fields, or from the column map's names when none is chosen)."""
        from ..core.redline.columns import NAME, NUMBER, USE, find_column
        from ..core.redline.model import parcel_from_polygon

        source = self.parameterAsSource(parameters, "PARCELS", context)
        names = [f.name() for f in source.fields()]
        fields = [self.parameterAsString(parameters, key, context) or find_column(names, std)
                  for key, std in (("ID_FIELD", NUMBER), ("NAME_FIELD", NAME),
                                   ("USE_FIELD", USE))]
        parcels = []
        for i, f in enumerate(source.getFeatures(), start=1):
            if not f.hasGeometry():
                continue
            number, name, use = (_text(f, field) for field in fields)
            parcels.append(parcel_from_polygon(number or str(i), name, from_qgs(f.geometry()),
                                               attributes={"use": use or None}))
        return parcels, source.sourceCrs()

    def run_core(self, parameters, context, feedback) -> dict:
        parcels, qcrs = self.read_parcels(parameters, context)
        use_all = self.parameterAsString(parameters, "USE", context) or None
        profile_path = self.parameterAsFile(parameters, "PROFILE", context)
        profile = load_profile(profile_path)
        crs_in = crs_text(qcrs)
        checked, crs = check_parcels(parcels, CRS.from_user_input(crs_in) if crs_in else None,
                                     use_all)
        result = check_with_profile(checked, crs, profile,
                                    progress=lambda pct, _what: feedback.setProgress(pct),
                                    is_canceled=feedback.isCanceled,
                                    open_layer=lambda spec: QgsLayerSource(spec, layer_for(spec)))
        language = report_language()
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, result_fields(),
                                          QgsWkbTypes.MultiPolygon, qcrs)
        for p in result.parcels:
            for layer in p.layers:
                if layer.geometry is None or layer.geometry.is_empty:
                    continue
                verdicts = [v for v in p.verdicts if v.rule.endswith(f":{layer.name}")]
                status = max((v.status for v in verdicts),
                             key=["pass", "warning", "conflict"].index, default="pass")
                feat = QgsFeature(result_fields())
                feat.setGeometry(to_qgs(layer.geometry))
                d = layer.to_dict()
                feat.setAttributes([p.id, layer.name, layer.role, d["overlap_m2"],
                                    d.get("net_overlap_m2"),
                                    layer.share, status,
                                    "; ".join(v.text(language) for v in verdicts)])
                sink.addFeature(feat, QgsFeatureSink.FastInsert)
            feedback.pushInfo(f"{p.id}: {p.status}")
            for v in p.verdicts:
                if v.status != "pass":
                    feedback.pushInfo(f"  {v.status}: {v.text(language)}")
            for layer in p.layers:
                for finding in layer.findings:
                    feedback.pushWarning(f"  {layer.name}: {finding}")
        out = {"OUTPUT": dest, "CONFLICTS": sum(p.status == "conflict" for p in result.parcels)}
        json_path = self.parameterAsFileOutput(parameters, "JSON", context)
        if json_path:
            write_json(result, json_path)
            out["JSON"] = json_path
        html_path = self.parameterAsFileOutput(parameters, "HTML", context)
        if html_path:
            write_html(result, html_path, language)
            out["HTML"] = html_path
        xlsx_path = self.parameterAsFileOutput(parameters, "XLSX", context)
        if xlsx_path:
            write_workbook(result, xlsx_path)
            out["XLSX"] = xlsx_path
        self._pdf = (self.parameterAsFileOutput(parameters, "PDF", context), result, profile_path,
                     out, language)
        return out

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802
        pdf, result, profile_path, out, language = getattr(self, "_pdf",
                                                           (None, None, None, {}, None))
        if not pdf:
            return {}  # an empty map keeps processAlgorithm's results
        from .report_pdf import write_pdf

        write_pdf(result, profile_path, pdf, language)
        feedback.pushInfo(self.tr("PDF report: {path}").format(path=pdf))
        return {**out, "PDF": pdf}  # a non-empty map replaces processAlgorithm's results
