"""Statistics as pictures: bars of cases per stage and per business type, and the deadline
situation (on time, near, overdue)."""

from __future__ import annotations

from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QRectF, Qt
from qgis.PyQt.QtGui import QColor, QFont, QPainter
from qgis.PyQt.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from ..core.approval.workflow import DEFAULT_WORKFLOW
from ..core.store.query import case_statistics
from .i18n import tr
from .resources import scrollable

PALETTE = [QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40),
           QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194),
           QColor(127, 127, 127)]
DEADLINE = {"on time": QColor(46, 125, 50), "near": QColor(255, 179, 0),
            "overdue": QColor(198, 40, 40)}


class BarChart(QWidget):
    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.items: list[tuple[str, int, QColor]] = []
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_items(self, items: list[tuple[str, int, QColor]]) -> None:
        self.items = items
        self.update()

    def paintEvent(self, _event):  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(255, 255, 255))
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(8, 4, self.width() - 16, 18), Qt.AlignmentFlag.AlignLeft, self.title)
        p.setFont(self.font())
        if not self.items:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("no cases"))
            return
        top, label_w = 26.0, min(150.0, self.width() * 0.4)
        row_h = max(12.0, min(26.0, (self.height() - top - 6) / len(self.items)))
        most = max(v for _l, v, _c in self.items) or 1
        bar_w = self.width() - label_w - 50
        for i, (label, value, colour) in enumerate(self.items):
            y = top + i * row_h
            p.setPen(QColor(40, 40, 40))
            p.drawText(QRectF(6, y, label_w - 10, row_h), Qt.AlignmentFlag.AlignRight |
                       Qt.AlignmentFlag.AlignVCenter, label)
            width = bar_w * value / most
            p.fillRect(QRectF(label_w, y + 2, width, row_h - 4), colour)
            p.drawText(QRectF(label_w + width + 4, y, 44, row_h), Qt.AlignmentFlag.AlignLeft |
                       Qt.AlignmentFlag.AlignVCenter, str(value))
        p.end()


class StatsPanel(QgsDockWidget):
    def __init__(self, workspace, parent=None):
        super().__init__(tr("RedLine Approval — Statistics"), parent)
        self.setObjectName("RedlineApprovalStatsDock")
        self.workspace = workspace
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.stage_chart = BarChart(tr("Cases per stage"))
        self.business_chart = BarChart(tr("Cases per business type"))
        self.deadline_chart = BarChart(tr("Deadlines"))
        for chart in (self.stage_chart, self.business_chart, self.deadline_chart):
            layout.addWidget(chart)
        self.setWidget(scrollable(body))
        workspace.casesChanged.connect(self.refresh)

    def refresh(self) -> dict:
        cases = self.workspace.store.list_cases() if self.workspace.store else []
        stats = case_statistics(cases)
        order = list(DEFAULT_WORKFLOW["stages"].values())  # the workflow's own order
        stages = sorted(stats["by_stage"].items(),
                        key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
        self.stage_chart.set_items([(k, v, PALETTE[i % len(PALETTE)])
                                    for i, (k, v) in enumerate(stages)])
        self.business_chart.set_items([(k, v, PALETTE[(i + 3) % len(PALETTE)]) for i, (k, v)
                                       in enumerate(stats["by_business"].most_common())])
        labels = {"on time": tr("on time"), "near": tr("near"), "overdue": tr("overdue")}
        self.deadline_chart.set_items([(labels[k], stats["deadline"].get(k, 0), DEADLINE[k])
                                       for k in ("on time", "near", "overdue")])
        return stats
