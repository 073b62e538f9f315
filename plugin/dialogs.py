"""Small dialogs: a new case, and the side-by-side conflict resolution."""

from __future__ import annotations

import json

from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
)

from ..core.approval.business_types import DEFAULT_BUSINESS_TYPES


def tr(text: str) -> str:
    return QCoreApplication.translate("@default", text)  # pylupdate5 files module-level tr() there


class NewCaseDialog(QDialog):
    def __init__(self, business_types=None, district: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("New case"))
        form = QFormLayout(self)
        self.business = QComboBox()
        for b in business_types or DEFAULT_BUSINESS_TYPES:
            self.business.addItem(f"{b['code']} {b['name']}", b["code"])
        self.district = QLineEdit(district)
        self.district.setInputMask(">AA")
        self.applicant = QLineEdit()
        self.location = QLineEdit()
        form.addRow(tr("Business type"), self.business)
        form.addRow(tr("District code"), self.district)
        form.addRow(tr("Applicant"), self.applicant)
        form.addRow(tr("Location"), self.location)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b71c1c")
        form.addRow(self.error)

    def _accept(self) -> None:
        if len(self.district.text()) != 2 or not self.applicant.text().strip():
            self.error.setText(tr("A two-letter district code and the applicant are needed."))
            return
        self.accept()

    def values(self) -> dict:
        return {"business_code": self.business.currentData(), "district": self.district.text(),
                "applicant": self.applicant.text().strip(), "location": self.location.text()}


class ConflictDialog(QDialog):
    """Local and server values side by side; per field: keep mine or take theirs."""

    def __init__(self, view: dict, parent=None):
        super().__init__(parent)
        self.view = view
        self.setWindowTitle(tr("Resolve conflict — {number}").format(number=view["number"]))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("The case changed on the server while you edited it. Choose "
                                   "per field which value to keep; nothing is lost until you "
                                   "confirm.")))
        grid = QGridLayout()
        for col, text in enumerate((tr("Field"), tr("Mine (local)"), tr("Theirs (server)"))):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, col)
        self.groups: dict[str, QButtonGroup] = {}
        row = 1
        for f in view["fields"]:
            if not f["differs"]:
                continue
            group = QButtonGroup(self)
            mine = QRadioButton(_show(f["mine"]))
            theirs = QRadioButton(_show(f["theirs"]))
            mine.setObjectName(f"mine_{f['field']}")
            theirs.setObjectName(f"theirs_{f['field']}")
            theirs.setChecked(True)
            group.addButton(mine, 0)
            group.addButton(theirs, 1)
            grid.addWidget(QLabel(f["field"]), row, 0)
            grid.addWidget(mine, row, 1)
            grid.addWidget(theirs, row, 2)
            self.groups[f["field"]] = group
            row += 1
        self.geometry_group = None
        if view.get("mine_parcels"):
            self.geometry_group = QButtonGroup(self)
            mine = QRadioButton(tr("my red line ({n} parcel(s))").format(
                n=len(view["mine_parcels"])))
            theirs = QRadioButton(tr("server's red line ({n} parcel(s))").format(
                n=len(view.get("theirs_parcels") or [])))
            mine.setObjectName("mine_geometry")
            mine.setChecked(True)
            self.geometry_group.addButton(mine, 0)
            self.geometry_group.addButton(theirs, 1)
            grid.addWidget(QLabel(tr("red line")), row, 0)
            grid.addWidget(mine, row, 1)
            grid.addWidget(theirs, row, 2)
        layout.addLayout(grid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choices(self) -> tuple[dict, str]:
        fields = {name: "mine" if g.checkedId() == 0 else "theirs"
                  for name, g in self.groups.items()}
        geometry = "mine" if self.geometry_group and self.geometry_group.checkedId() == 0 \
            else "theirs"
        return fields, geometry


def _show(value) -> str:
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = "" if value is None else str(value)
    return text if len(text) < 80 else text[:77] + "…"
