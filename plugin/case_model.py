"""The case list as a Qt table model: number, applicant, business type, stage, deadline with
its yellow/red mark."""

from __future__ import annotations

from qgis.PyQt.QtCore import QAbstractTableModel, Qt
from qgis.PyQt.QtGui import QBrush, QColor

from .i18n import tr

DEADLINE_COLOURS = {"yellow": QColor(255, 214, 0), "red": QColor(229, 57, 53)}


class CaseModel(QAbstractTableModel):
    COLUMNS = ("number", "applicant", "business_name", "stage_name", "deadline_due")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.cases: list[dict] = []
        self.pending: set[str] = set()
        self.conflicts: set[str] = set()
        self.refused: set[str] = set()

    def headers(self) -> list[str]:
        return [tr("Number"), tr("Applicant"), tr("Business type"), tr("Stage"), tr("Deadline")]

    def set_cases(self, cases: list[dict], pending: set[str], conflicts: set[str],
                  refused: set[str] = frozenset()) -> None:
        self.beginResetModel()
        self.cases = cases
        self.pending = pending
        self.conflicts = conflicts
        self.refused = set(refused)
        self.endResetModel()

    def rowCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.cases)

    def columnCount(self, parent=None) -> int:  # noqa: N802
        return len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        case = self.cases[index.row()]
        key = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            value = case.get(key) or ""
            if key == "number" and case["number"] in self.conflicts:
                return f"{value} ⚠"
            if key == "number" and case["number"] in self.refused:
                return f"{value} ✖"
            if key == "number" and case["number"] in self.pending:
                return f"{value} ↑"
            return value
        if role == Qt.ItemDataRole.ForegroundRole and key == "number" \
                and case["number"] in self.refused:
            return QBrush(QColor(183, 28, 28))
        if role == Qt.ItemDataRole.BackgroundRole and key == "deadline_due":
            colour = DEADLINE_COLOURS.get(case.get("deadline_status") or "")
            return QBrush(colour) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if case["number"] in self.conflicts:
                return tr("Changed on the server too: open the case to resolve the conflict")
            if case["number"] in self.refused:
                return tr("The server refused a change: open the case to retry, fix or discard it")
            if case["number"] in self.pending:
                return tr("Local changes wait to be synchronised")
            status = case.get("deadline_status")
            if status == "red":
                return tr("Overdue")
            if status == "yellow":
                return tr("Deadline near")
        if role == Qt.ItemDataRole.UserRole:
            return case["number"]
        return None

    def row_of(self, number: str) -> int:
        for i, c in enumerate(self.cases):
            if c["number"] == number:
                return i
        return -1
