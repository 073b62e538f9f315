"""A minimal QgisInterface over a real main window: toolbars, plugin menu and docks are real."""

from __future__ import annotations

from qgis.gui import QgsMapCanvas, QgsMessageBar
from qgis.PyQt.QtWidgets import QMainWindow, QMenu, QToolBar


class MainWindowIface:
    def __init__(self) -> None:
        self.window = QMainWindow()
        self.canvas = QgsMapCanvas(self.window)
        self.window.setCentralWidget(self.canvas)
        self.plugin_menu = QMenu("&Plugins", self.window)
        self.window.menuBar().addMenu(self.plugin_menu)
        self.bar = QgsMessageBar(self.window)
        self.opened_layouts = []

    def mainWindow(self):  # noqa: N802
        return self.window

    def mapCanvas(self):  # noqa: N802
        return self.canvas

    def addToolBar(self, name: str) -> QToolBar:  # noqa: N802
        return self.window.addToolBar(name)

    def _submenu(self, name: str, create: bool) -> QMenu | None:
        for action in self.plugin_menu.actions():
            if action.menu() is not None and action.text() == name:
                return action.menu()
        return self.plugin_menu.addMenu(name) if create else None

    def addPluginToMenu(self, name: str, action) -> None:  # noqa: N802
        self._submenu(name, True).addAction(action)

    def removePluginMenu(self, name: str, action) -> None:  # noqa: N802
        menu = self._submenu(name, False)
        if menu is None:
            return
        menu.removeAction(action)
        if not menu.actions():
            self.plugin_menu.removeAction(menu.menuAction())
            menu.deleteLater()

    def addDockWidget(self, area, dock) -> None:  # noqa: N802
        self.window.addDockWidget(area, dock)

    def removeDockWidget(self, dock) -> None:  # noqa: N802
        self.window.removeDockWidget(dock)

    def messageBar(self):  # noqa: N802
        return self.bar

    def openLayoutDesigner(self, layout):  # noqa: N802
        self.opened_layouts.append(layout)

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()

