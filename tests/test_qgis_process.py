"""The algorithms run from ``qgis_process`` (Debian's wrapper passes a bad option: use .bin),
with the plugin installed in a throw-away QGIS profile."""

from __future__ import annotations

import os
import site
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QGIS_PROCESS = Path("/usr/bin/qgis_process.bin")


@pytest.fixture()
def profile(tmp_path):
    plugins = tmp_path / "profiles" / "default" / "python" / "plugins"
    plugins.mkdir(parents=True)
    (plugins / "redline_approval").symlink_to(ROOT)
    ini = tmp_path / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[PythonPlugins]\nredline_approval=true\n", encoding="utf-8")
    env = dict(os.environ, QGIS_CUSTOM_CONFIG_PATH=str(tmp_path), QT_QPA_PLATFORM="offscreen",
               # QGIS's own Python must see the venv's shapely 2 (Debian 12 ships 1.8)
               PYTHONPATH=os.pathsep.join(site.getsitepackages()))
    return env


@pytest.mark.skipif(not QGIS_PROCESS.exists(), reason="qgis_process.bin not installed")
def test_qgis_process_runs_import(profile, county, tmp_path):
    listing = subprocess.run([str(QGIS_PROCESS), "list"], env=profile, capture_output=True,
                             text=True, timeout=300, check=False)
    assert "redline:importredline" in listing.stdout, listing.stderr[-2000:]
    out = tmp_path / "rl.gpkg"
    run = subprocess.run([str(QGIS_PROCESS), "run", "redline:importredline", "--",
                          f"INPUT={county['redlines']}", f"OUTPUT={out}"],
                         env=profile, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert out.exists()
    import fiona

    with fiona.open(out) as f:
        assert len(f) == 3
