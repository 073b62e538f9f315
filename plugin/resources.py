"""Paths of the files the plugin ships (icons, styles, translations)."""

from __future__ import annotations

from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent.parent


def icon_path(name: str) -> str:
    return str(PLUGIN_DIR / "icons" / name)

