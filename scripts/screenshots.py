"""``make screenshots``: the real QGIS (Debian's, under Xvfb at 1366×768) with the plugin, the
demo county and the demo case store, in Chinese set the way QGIS's options dialog sets it
(``zh-Hans``) and in English; the main window, the statistics dock and the case's print layout
grabbed to docs/, and page 2 of the check report (PDF, Chinese) rendered to PNG."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .demo_store import build as build_store
from .sample_county import build as build_county

ROOT = Path(__file__).resolve().parent.parent

CODE = r'''
import os
import traceback
from qgis.core import QgsProject, QgsVectorLayer, QgsCoordinateReferenceSystem
from qgis.utils import iface, plugins
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication

DATA, OUT = os.environ["SHOT_DATA"], os.environ["SHOT_OUT"]

def guarded(fn):
    def run():
        try:
            fn()
        except Exception:
            with open(OUT + ".log", "w") as fh:
                fh.write(traceback.format_exc())
            os._exit(3)
    return run

@guarded
def setup():
    project = QgsProject.instance()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:4526"))
    from redline_approval.processing_algorithms.result_layers import apply_style
    for name, style in (("forest", "forest"), ("farmland", "farmland"), ("ecology", "ecology"),
                        ("urban_boundary", "urban_boundary"), ("planning", "planning")):
        layer = QgsVectorLayer(f"{DATA}/{name}.gpkg", name, "ogr")
        apply_style(layer, style)
        layer.setOpacity(0.75)
        project.addMapLayer(layer, False)
        project.layerTreeRoot().addLayer(layer)  # below the cases' red lines
    plugin = plugins["redline_approval"]
    plugin.dock.show()
    plugin.stats.show()
    iface.mainWindow().tabifyDockWidget(plugin.dock, plugin.stats)
    plugin.dock.raise_()
    plugin.workspace.select_case("JAGD20260002")
    plugin.dock.tabs.setCurrentIndex(3)
    QTimer.singleShot(6000, shoot)

@guarded
def shoot():
    iface.mapCanvas().refreshAllLayers()
    QApplication.processEvents()
    iface.mainWindow().grab().save(OUT)
    plugin = plugins["redline_approval"]
    plugin.stats.raise_()
    QApplication.processEvents()
    plugin.stats.grab().save(OUT.replace(".png", "_stats.png"))
    from qgis.core import QgsLayoutExporter
    from qgis.PyQt.QtCore import QSize
    from redline_approval.plugin.layout_tool import case_layout
    ws = plugin.workspace
    number = "JAGD20260002"
    layers = [ws.parcels_layer] + [l for l in iface.mapCanvas().layers()
                                   if l is not ws.parcels_layer]
    layout = case_layout(QgsProject.instance(), ws.store.get_case(number),
                         ws.store.parcels(number), ws.crs(), layers)
    image = QgsLayoutExporter(layout).renderPageToImage(0, QSize(), 110)
    image.save(OUT.replace("screenshot_dock", "screenshot_layout"))
    os._exit(0)  # no "save the project?" prompt on the way out

QTimer.singleShot(4000, setup)
'''


def shoot(lang: str, data: Path, store: Path, profile_toml: Path, out: Path) -> None:
    profiles = Path(tempfile.mkdtemp(prefix="redline-shot-"))
    plugins = profiles / "profiles" / "default" / "python" / "plugins"
    plugins.mkdir(parents=True)
    (plugins / "redline_approval").symlink_to(ROOT)
    ini = profiles / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    locale = "zh-Hans" if lang == "zh-Hans" else "en_US"
    ini.write_text(
        "[PythonPlugins]\nredline_approval=true\n"
        f"[locale]\noverrideFlag=true\nuserLocale={locale}\n"
        f"[redline_approval]\nstore_path={store}\nprofile={profile_toml}\n"
        "[qgis]\ncheckVersion=false\nshowTips=false\n", encoding="utf-8")
    code = profiles / "shot.py"
    code.write_text(CODE, encoding="utf-8")
    env = dict(os.environ, SHOT_DATA=str(data), SHOT_OUT=str(out),
               PYTHONPATH=os.pathsep.join([p for p in sys.path if "site-packages" in p]))
    env.pop("QT_QPA_PLATFORM", None)
    subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", "qgis",
                    "--profiles-path", str(profiles), "--nologo", "--noversioncheck",
                    "--code", str(code)], env=env, timeout=180, check=False)
    shutil.rmtree(profiles, ignore_errors=True)
    if not out.exists():
        raise SystemExit(f"no screenshot written for {lang}")
    print(out)


def main() -> int:
    # not under /tmp: QGIS calls layers there "temporary" and asks before closing
    work = ROOT / "build" / "screenshots"
    shutil.rmtree(work, ignore_errors=True)
    files = build_county(work / "county")
    for lang in ("en", "zh-Hans"):
        store = work / f"cases_{lang}.gpkg"
        build_store(store, files["redlines"]).close()
        shoot(lang, work / "county", store, files["profile"],
              ROOT / "docs" / f"screenshot_dock_{lang}.png")
    report = work / "report.pdf"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([str(Path(sys.executable).parent / "redline"), "check", "--parcels",
                    str(files["redlines"]), "--profile", str(files["profile"]), "--report",
                    str(report), "--lang", "zh_CN"], env=env, check=False)
    subprocess.run(["pdftoppm", "-r", "90", "-png", "-f", "2", "-l", "2", "-singlefile",
                    str(report), str(ROOT / "docs" / "report_zh-Hans")], check=True)
    for old in ("screenshot_dock_zh_CN.png", "screenshot_dock_zh_CN_stats.png"):
        (ROOT / "docs" / old).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
