"""The case dock. This release shows the local demo data's red lines; the case list and form
come with the plugin issue (#7)."""

from __future__ import annotations

from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QLabel, QVBoxLayout, QWidget


class CaseDock(QgsDockWidget):
    def __init__(self, parent=None):
        super().__init__(self.tr("RedLine Approval — Cases"), parent)
        self.setObjectName("RedlineApprovalCaseDock")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.status = QLabel(self.tr("No case store opened yet."), body)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.setWidget(body)

    def tr(self, text: str) -> str:  # noqa: D401 - Qt's name
        return QCoreApplication.translate("CaseDock", text)
