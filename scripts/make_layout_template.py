"""Writes layouts/approval_map.qpt, the case layout template shipped in the plugin.
Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m redline_approval.scripts.make_layout_template``."""

from __future__ import annotations

from qgis.core import (
    QgsApplication,
    QgsLayoutFrame,
    QgsLayoutItemHtml,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemShape,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import QRectF
from qgis.PyQt.QtGui import QFont

from ..plugin.resources import PLUGIN_DIR
from ..processing_algorithms.report_layout import coordinate_grid, scale_bar

MM = QgsUnitTypes.LayoutMillimeters


def label(layout, item_id, text, x, y, w, h, size, bold=False):
    item = QgsLayoutItemLabel(layout)
    item.setId(item_id)
    item.setText(text)
    font = QFont("Noto Sans CJK SC", size)
    font.setBold(bold)
    item.setFont(font)
    layout.addLayoutItem(item)
    item.attemptMove(QgsLayoutPoint(x, y, MM))
    item.attemptResize(QgsLayoutSize(w, h, MM))
    return item


def main() -> None:
    app = QgsApplication([], False)
    app.initQgis()
    layout = QgsPrintLayout(QgsProject.instance())
    layout.initializeDefaults()  # A4 landscape
    label(layout, "title", "审批图", 10, 6, 200, 10, 16, True)
    m = QgsLayoutItemMap(layout)
    m.setId("map")
    layout.addLayoutItem(m)
    m.attemptMove(QgsLayoutPoint(10, 18, MM))
    m.attemptResize(QgsLayoutSize(180, 165, MM))
    m.setFrameEnabled(True)
    coordinate_grid(m, 100, cross=True)
    arrow = QgsLayoutItemPicture(layout)
    arrow.setId("north_arrow")
    arrow.setPicturePath("/usr/share/qgis/svg/arrows/NorthArrow_02.svg")
    layout.addLayoutItem(arrow)
    arrow.attemptMove(QgsLayoutPoint(174, 21, MM))
    arrow.attemptResize(QgsLayoutSize(12, 12, MM))
    bar = scale_bar(layout, m)
    bar.setId("scale_bar")
    bar.attemptMove(QgsLayoutPoint(12, 187, MM))
    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle("图例")
    legend.setLinkedMap(m)
    legend.setLegendFilterByMapEnabled(True)
    layout.addLayoutItem(legend)
    legend.attemptMove(QgsLayoutPoint(195, 18, MM))
    html = QgsLayoutItemHtml(layout)
    html.setContentMode(QgsLayoutItemHtml.ManualHtml)
    html.setHtml("<p>界址点成果表</p>")
    frame = QgsLayoutFrame(layout, html)
    frame.setId("point_table")
    frame.attemptSetSceneRect(QRectF(0, 0, 92, 100))
    frame.attemptMove(QgsLayoutPoint(195, 75, MM))
    html.addFrame(frame)
    box = QgsLayoutItemShape(layout)
    box.setId("title_block")
    layout.addLayoutItem(box)
    box.attemptMove(QgsLayoutPoint(195, 177, MM))
    box.attemptResize(QgsLayoutSize(92, 26, MM))
    label(layout, "case_number", "案卷编号", 197, 178, 88, 6, 9, True)
    label(layout, "applicant", "申请人", 197, 184, 88, 5, 8)
    label(layout, "stage", "阶段", 197, 189, 88, 5, 8)
    label(layout, "crs", "坐标系", 197, 194, 88, 5, 8)
    label(layout, "signatures", "经办人：      审核人：      审定人：", 197, 199, 88, 5, 7)
    out = PLUGIN_DIR / "layouts" / "approval_map.qpt"
    out.parent.mkdir(exist_ok=True)
    layout.saveAsTemplate(str(out), QgsReadWriteContext())
    print(out)
    app.exitQgis()


if __name__ == "__main__":
    main()
