"""The plugin loads into QGIS, registers its provider, and leaves nothing behind on unload."""

from __future__ import annotations

import redline_approval
from qgis.core import QgsApplication
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtWidgets import QApplication, QToolBar


def _process_deletes() -> None:
    from qgis.PyQt.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def test_load_and_unload_leaves_nothing(main_window_iface):
    registry = QgsApplication.processingRegistry()
    plugin = redline_approval.classFactory(main_window_iface)
    plugin.initGui()
    window = main_window_iface.window

    toolbars = [t for t in window.findChildren(QToolBar) if t.objectName() == "RedlineApprovalToolbar"]
    assert len(toolbars) == 1 and len(toolbars[0].actions()) >= 2
    assert window.findChildren(QgsDockWidget, "RedlineApprovalCaseDock")
    menu_titles = [a.text() for a in main_window_iface.plugin_menu.actions()]
    assert "&RedLine Approval" in menu_titles
    provider = registry.providerById("redline")
    assert provider is not None
    ids = {a.id() for a in provider.algorithms()}
    assert {"redline:convertcoordinates", "redline:fitparameters", "redline:importredline",
            "redline:exportcoordinatefile", "redline:validateredline"} <= ids

    plugin.unload()
    _process_deletes()
    assert registry.providerById("redline") is None
    assert not [t for t in window.findChildren(QToolBar)
                if t.objectName() == "RedlineApprovalToolbar"]
    assert not window.findChildren(QgsDockWidget, "RedlineApprovalCaseDock")
    assert "&RedLine Approval" not in [a.text() for a in main_window_iface.plugin_menu.actions()]


def test_load_twice_after_unload(main_window_iface):
    """QGIS reloads plugins (Plugin Reloader); a second load must work after an unload."""
    for _ in range(2):
        plugin = redline_approval.classFactory(main_window_iface)
        plugin.initGui()
        assert QgsApplication.processingRegistry().providerById("redline") is not None
        plugin.unload()
        _process_deletes()
    assert QgsApplication.processingRegistry().providerById("redline") is None


def test_missing_dependencies_are_named_not_a_traceback(main_window_iface, monkeypatch):
    monkeypatch.setattr(redline_approval, "missing_dependencies",
                        lambda: ["shapely>=2 (found 1.8.5)"])
    plugin = redline_approval.classFactory(main_window_iface)
    plugin.initGui()
    items = main_window_iface.bar.items()
    assert items and "shapely>=2" in items[-1].text() and "pip install" in items[-1].text()
    plugin.unload()
    assert QgsApplication.processingRegistry().providerById("redline") is None
