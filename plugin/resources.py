"""Paths of the files the plugin ships (icons, styles, translations)."""

from __future__ import annotations

from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent.parent


def icon_path(name: str) -> str:
    return str(PLUGIN_DIR / "icons" / name)



def scrollable(body):
    """A dock's content in a scroll area: on a 1366×768 screen docks scroll instead of making
    the main window taller than the screen."""
    from qgis.PyQt.QtWidgets import QScrollArea

    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(body)
    scroll.setMinimumHeight(120)
    return scroll
