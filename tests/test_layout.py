"""The package layout: core imports without QGIS, the root imports nothing from QGIS."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BLOCK_QGIS = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in ('qgis', 'PyQt5', 'PyQt6', 'sip'):
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
sys.path = [p for p in sys.path if 'qgis' not in p]
import pkgutil, importlib
import redline_approval, redline_approval.core as core, redline_approval.cli.main
for m in pkgutil.walk_packages(core.__path__, 'redline_approval.core.'):
    importlib.import_module(m.name)
bad = [m for m in sys.modules if m.split('.')[0] in ('qgis', 'PyQt5', 'PyQt6')]
assert not bad, bad
print('ok', len([m for m in sys.modules if m.startswith('redline_approval.core')]))
"""


def test_core_and_cli_import_without_qgis():
    out = subprocess.run([sys.executable, "-c", BLOCK_QGIS], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")


def test_core_sources_never_name_qt_or_qgis():
    for path in (ROOT / "core").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert "qgis" not in stripped and "PyQt" not in stripped, f"{path}: {line}"


def test_metadata_is_complete():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "metadata.txt", encoding="utf-8")
    general = cfg["general"]
    for key in ("name", "qgisMinimumVersion", "description", "about", "version", "author",
                "email", "tracker", "repository", "homepage", "tags", "category", "icon",
                "experimental", "hasProcessingProvider", "supportsQt6"):
        assert general.get(key), key
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["hasProcessingProvider"] == "yes"
    assert (ROOT / general["icon"]).exists()
    import redline_approval

    assert general["version"] == redline_approval.__version__


def test_cli_help_and_version():
    exe = Path(sys.executable).parent / "redline"
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True)
    for command in ("transform", "fit", "crs-guess", "txt2gis", "gis2txt", "validate", "area"):
        assert command in out.stdout
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert "0.1.0" in out.stdout
