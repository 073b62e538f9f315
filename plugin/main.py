"""The plugin object QGIS creates through ``classFactory``: toolbar, menu, dock, provider."""

from __future__ import annotations

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from ..processing_algorithms.provider import RedlineProvider
from .case_dock import CaseDock
from .i18n import install_translator, remove_translator
from .resources import icon_path

MENU = "&RedLine Approval"


class RedlineApprovalPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.actions: list[QAction] = []
        self.toolbar = None
        self.dock: CaseDock | None = None
        self.provider: RedlineProvider | None = None
        self.translator = None

    @staticmethod
    def tr(text: str) -> str:
        return QCoreApplication.translate("RedlineApprovalPlugin", text)

    def initProcessing(self) -> None:  # noqa: N802 - QGIS calls this name
        self.provider = RedlineProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802
        self.translator = install_translator()
        self.initProcessing()
        self.toolbar = self.iface.addToolBar(self.tr("RedLine Approval"))
        self.toolbar.setObjectName("RedlineApprovalToolbar")

        self.dock = CaseDock(self.iface.mainWindow())
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()

        dock_action = self.dock.toggleViewAction()
        dock_action.setIcon(QIcon(icon_path("icon.png")))
        dock_action.setText(self.tr("Cases"))
        self._add(dock_action)

        convert = QAction(QIcon(icon_path("convert.svg")), self.tr("Convert coordinates…"),
                          self.iface.mainWindow())
        convert.triggered.connect(self.show_conversion_dialog)
        self._add(convert)

        for text, algorithm in ((self.tr("Compliance check…"), "compliancecheck"),
                                (self.tr("Fit transformation parameters…"), "fitparameters"),
                                (self.tr("Import red line…"), "importredline"),
                                (self.tr("Validate red line…"), "validateredline")):
            action = QAction(text, self.iface.mainWindow())
            action.triggered.connect(lambda _=False, a=algorithm: self.open_algorithm(a))
            self.iface.addPluginToMenu(MENU, action)
            self.actions.append(action)

    def _add(self, action: QAction) -> None:
        self.toolbar.addAction(action)
        self.iface.addPluginToMenu(MENU, action)
        self.actions.append(action)

    def show_conversion_dialog(self) -> None:
        # QGIS's own algorithm dialog: progress, cancel, batch mode over a folder, history
        import processing

        processing.execAlgorithmDialog("redline:convertcoordinates", {})

    def open_algorithm(self, name: str) -> None:
        import processing

        processing.execAlgorithmDialog(f"redline:{name}", {})

    def unload(self) -> None:
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
        self.actions.clear()
        if self.toolbar is not None:
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.dock is not None:
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator(self.translator)
        self.translator = None
