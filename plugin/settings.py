"""The plugin's settings in QGIS's own settings (never secrets: those go to the auth manager)."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication, QgsSettings

PREFIX = "redline_approval/"


def get(key: str, default: str = "") -> str:
    return QgsSettings().value(PREFIX + key, default, type=str)


def put(key: str, value: str) -> None:
    QgsSettings().setValue(PREFIX + key, value)


def default_store_path() -> str:
    return str(Path(QgsApplication.qgisSettingsDirPath()) / "redline_approval" / "cases.gpkg")
