"""Small dialogs: a new case, and the side-by-side conflict resolution."""

from __future__ import annotations

import json

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
from .i18n import tr


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
    """The fields changed both here and on the server since the common base: base, mine and
    theirs side by side; the officer picks one per field (and for the red line when both
    changed it). Nothing is preselected: OK stays disabled until every choice is made, so no
    default throws an edit away. One-sided changes were merged already and are not asked."""

    def __init__(self, view: dict, parent=None):
        super().__init__(parent)
        self.view = view
        self.setWindowTitle(tr("Resolve conflict — {number}").format(number=view["number"]))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("The same fields changed on the server while you edited "
                                   "them. Choose per field which value to keep; changes made on "
                                   "one side only are already merged. Nothing is lost until you "
                                   "confirm.")))
        grid = QGridLayout()
        for col, text in enumerate((tr("Field"), tr("Before (common base)"), tr("Mine (local)"),
                                    tr("Theirs (server)"))):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, col)
        self.groups: dict[str, QButtonGroup] = {}
        row = 1
        for f in view["fields"]:
            group = QButtonGroup(self)
            mine = QRadioButton(_show(f["mine"]))
            theirs = QRadioButton(_show(f["theirs"]))
            mine.setObjectName(f"mine_{f['field']}")
            theirs.setObjectName(f"theirs_{f['field']}")
            group.addButton(mine, 0)
            group.addButton(theirs, 1)
            group.buttonClicked.connect(self._update)
            grid.addWidget(QLabel(f["field"]), row, 0)
            grid.addWidget(QLabel(_show(f.get("base"))), row, 1)
            grid.addWidget(mine, row, 2)
            grid.addWidget(theirs, row, 3)
            self.groups[f["field"]] = group
            row += 1
        self.geometry_group = None
        if view.get("redline") == "conflict":
            self.geometry_group = QButtonGroup(self)
            mine = QRadioButton(tr("my red line ({n} parcel(s))").format(
                n=len(view.get("mine_parcels") or [])))
            theirs = QRadioButton(tr("server's red line ({n} parcel(s))").format(
                n=len(view.get("theirs_parcels") or [])))
            mine.setObjectName("mine_geometry")
            theirs.setObjectName("theirs_geometry")
            self.geometry_group.addButton(mine, 0)
            self.geometry_group.addButton(theirs, 1)
            self.geometry_group.buttonClicked.connect(self._update)
            grid.addWidget(QLabel(tr("red line")), row, 0)
            grid.addWidget(QLabel(tr("{n} parcel(s)").format(
                n=len(view.get("base_parcels") or []))), row, 1)
            grid.addWidget(mine, row, 2)
            grid.addWidget(theirs, row, 3)
        layout.addLayout(grid)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self, *_args) -> None:
        groups = [*self.groups.values(), *([self.geometry_group] if self.geometry_group else [])]
        done = all(g.checkedId() != -1 for g in groups)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(done)

    def choices(self) -> tuple[dict, str | None]:
        fields = {name: "mine" if g.checkedId() == 0 else "theirs"
                  for name, g in self.groups.items()}
        geometry = None
        if self.geometry_group is not None:
            geometry = "mine" if self.geometry_group.checkedId() == 0 else "theirs"
        return fields, geometry


def _show(value) -> str:
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = "" if value is None else str(value)
    return text if len(text) < 80 else text[:77] + "…"
