"""Shared fixtures: a real QGIS (pytest-qgis), a QGIS-like main window, the sample county."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, "/usr/share/qgis/python/plugins")  # QGIS's Processing framework


@pytest.fixture(scope="session")
def county(tmp_path_factory) -> dict[str, Path]:
    from redline_approval.scripts.sample_county import build

    return build(tmp_path_factory.mktemp("county"))


@pytest.fixture()
def main_window_iface(qgis_app):
    """An iface over a real QMainWindow, so the plugin's toolbars, menus and docks are real
    widgets whose removal a test can check (pytest-qgis's stub keeps none of them)."""
    from tests.qgis_iface import MainWindowIface

    iface = MainWindowIface()
    yield iface
    iface.close()
