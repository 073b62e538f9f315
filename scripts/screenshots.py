"""``make screenshots``: the real QGIS (Debian's, under Xvfb) with the plugin, the demo county
and the demo case store, in English and in Chinese; the main window grabbed to docs/."""

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
    plugins["redline_approval"].stats.raise_()
    QApplication.processEvents()
    plugins["redline_approval"].stats.grab().save(OUT.replace(".png", "_stats.png"))
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
    locale = "zh_CN" if lang == "zh_CN" else "en_US"
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
    subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis",
                    "--profiles-path", str(profiles), "--nologo", "--noversioncheck",
                    "--lang", locale, "--code", str(code)], env=env, timeout=180, check=False)
    shutil.rmtree(profiles, ignore_errors=True)
    if not out.exists():
        raise SystemExit(f"no screenshot written for {lang}")
    print(out)


def main() -> int:
    # not under /tmp: QGIS calls layers there "temporary" and asks before closing
    work = ROOT / "build" / "screenshots"
    shutil.rmtree(work, ignore_errors=True)
    files = build_county(work / "county")
    for lang in ("en", "zh_CN"):
        store = work / f"cases_{lang}.gpkg"
        build_store(store, files["redlines"]).close()
        shoot(lang, work / "county", store, files["profile"],
              ROOT / "docs" / f"screenshot_dock_{lang}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
