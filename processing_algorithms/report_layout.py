"""The check report as a QGIS print layout: a page per parcel (map of the red line over the
control layers with legend, scale bar, north arrow and grid; areas and verdicts), then the
boundary-point tables and the data sources. The reviewer can open it in the layout designer."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from qgis.core import (
    QgsLayoutExporter,
    QgsLayoutFrame,
    QgsLayoutItemHtml,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemMapGrid,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutMultiFrame,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLegendStyle,
    QgsPrintLayout,
    QgsProject,
    QgsRectangle,
    QgsScaleBarSettings,
    QgsTextFormat,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import QRectF, QSize
from qgis.PyQt.QtGui import QFont

from ..core.check.report_html import (
    CSS,
    nice_step,
    parcel_tables_html,
    points_table_html,
    sources_table_html,
    summary_table_html,
)
from ..core.check.report_text import texts
from ..core.check.results import CheckResult
from ..core.errors import RedlineError

MM = QgsUnitTypes.LayoutMillimeters
MAP_W, MAP_H = 168.0, 160.0
NORTH_ARROW = "/usr/share/qgis/svg/arrows/NorthArrow_02.svg"


def add_label(layout, text: str, x: float, y: float, w: float, h: float, page: int,
           size: float = 14, bold: bool = True) -> QgsLayoutItemLabel:
    item = QgsLayoutItemLabel(layout)
    item.setText(text)
    font = QFont("Noto Sans CJK SC", int(size))
    font.setBold(bold)
    item.setFont(font)
    layout.addLayoutItem(item)
    item.attemptMove(QgsLayoutPoint(x, y, MM), page=page)
    item.attemptResize(QgsLayoutSize(w, h, MM))
    return item


def add_html(layout, html: str, rect: tuple[float, float, float, float], page: int,
          repeat: bool = False) -> QgsLayoutItemHtml:
    item = QgsLayoutItemHtml(layout)
    item.setContentMode(QgsLayoutItemHtml.ManualHtml)
    item.setUserStylesheetEnabled(True)
    item.setUserStylesheet(CSS + "body{margin:0;font-size:9px}td,th{font-size:8px;padding:1px 4px}"
                           "h2{font-size:11px}h3{font-size:10px}")
    item.setHtml(f"<html><head><meta charset='utf-8'></head><body>{html}</body></html>")
    frame = QgsLayoutFrame(layout, item)
    x, y, w, h = rect
    frame.attemptSetSceneRect(QRectF(0, 0, w, h))
    frame.attemptMove(QgsLayoutPoint(x, y, MM), page=page)
    frame.setHidePageIfEmpty(True)  # frames added by RepeatUntilFinished inherit this
    item.addFrame(frame)
    if repeat:
        item.setResizeMode(QgsLayoutMultiFrame.RepeatUntilFinished)
    item.loadHtml()
    return item


def frame_parcels(map_item: QgsLayoutItemMap, bounds: tuple[float, float, float, float]
                  ) -> float:
    """Centre the map on ``bounds`` with a margin, keeping the item's aspect; returns the half
    height of the extent (map units)."""
    minx, miny, maxx, maxy = bounds
    span = max(maxx - minx, maxy - miny) * 0.65 or 50.0
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w = span * map_item.rect().width() / map_item.rect().height()
    # setExtent, not zoomToExtent: the latter needs a non-empty extent to start from
    map_item.setExtent(QgsRectangle(cx - half_w, cy - span, cx + half_w, cy + span))
    return span


def nice_ceil(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^n not below ``value``."""
    from math import floor, log10

    base = 10 ** floor(log10(value)) if value > 0 else 1
    return next(m * base for m in (1, 2, 5, 10) if m * base >= value)


def grid_interval(map_item: QgsLayoutItemMap, label_mm: float = 16.0) -> float:
    """A grid step for the map's scale: a nice number, at most six lines across, and never so
    close that the coordinate labels (``label_mm`` wide) run into each other."""
    extent = map_item.extent()
    width_mm = map_item.rect().width()  # item size in layout millimetres
    metres_per_mm = extent.width() / width_mm if width_mm else 1.0
    return nice_ceil(max(extent.width() / 6.0, label_mm * metres_per_mm))


def coordinate_grid(map_item: QgsLayoutItemMap, interval: float | None = None,
                    cross: bool = False):
    """Coordinates along the left and bottom of the map (plain lines, or crosses), the
    interval chosen from the map's scale unless given."""
    interval = interval or grid_interval(map_item)
    grid = map_item.grid()
    grid.setEnabled(True)
    if cross:
        grid.setStyle(QgsLayoutItemMapGrid.Cross)
        grid.setCrossLength(2)
    grid.setIntervalX(interval)
    grid.setIntervalY(interval)
    grid.setAnnotationEnabled(True)
    grid.setAnnotationPrecision(0)
    text = QgsTextFormat()
    text.setFont(QFont("Noto Sans CJK SC"))
    text.setSize(5)
    grid.setAnnotationTextFormat(text)
    for side in (QgsLayoutItemMapGrid.Right, QgsLayoutItemMapGrid.Top):
        grid.setAnnotationDisplay(QgsLayoutItemMapGrid.HideAll, side)
    grid.setAnnotationDirection(QgsLayoutItemMapGrid.Vertical, QgsLayoutItemMapGrid.Left)
    return grid


def scale_bar(layout, map_item: QgsLayoutItemMap, unit_label: str = "m"
              ) -> QgsLayoutItemScaleBar:
    """Two segments of a nice length in metres (a fifth of the map's width, rounded)."""
    bar = QgsLayoutItemScaleBar(layout)
    bar.setStyle("Single Box")
    bar.setLinkedMap(map_item)
    bar.setUnits(QgsUnitTypes.DistanceMeters)
    bar.setUnitLabel(unit_label)
    bar.setNumberOfSegments(2)
    bar.setNumberOfSegmentsLeft(0)
    bar.setSegmentSizeMode(QgsScaleBarSettings.SegmentSizeFixed)
    bar.setUnitsPerSegment(nice_step(map_item.extent().width() / 5.0))
    bar.setMapUnitsPerScaleBarUnit(1.0)
    text = QgsTextFormat()
    text.setFont(QFont("Noto Sans CJK SC"))
    text.setSize(7)
    bar.setTextFormat(text)
    layout.addLayoutItem(bar)
    bar.update()
    return bar


def build_layout(project: QgsProject, result: CheckResult, layers: list,
                 lang: str | None = None) -> QgsPrintLayout:
    """``layers``: the map's layers, top first (red lines, points, results, control layers);
    every word in ``lang`` (Chinese by default)."""
    t = texts(lang)
    title = t["title"]
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()  # one A4 landscape page
    layout.setName(title)
    pages = layout.pageCollection()
    d = result.to_dict()
    red = layers[0]
    for i, (parcel, p) in enumerate(zip(result.parcels, d["parcels"], strict=True)):
        if i > 0:
            page = QgsLayoutItemPage(layout)
            page.setPageSize("A4", QgsLayoutItemPage.Landscape)
            pages.addPage(page)
        add_label(layout, f"{title}  {parcel.id} {parcel.name}  —  {t['status'][p['status']]}",
               10, 6, 277, 10, i)
        add_label(layout, f"{result.crs} · {result.checked_at}", 10, 15, 200, 5, i, 7, False)
        m = QgsLayoutItemMap(layout)
        layout.addLayoutItem(m)
        m.attemptMove(QgsLayoutPoint(10, 22, MM), page=i)
        m.attemptResize(QgsLayoutSize(MAP_W, MAP_H, MM))
        m.setCrs(red.crs())
        m.setLayers(layers)
        m.setKeepLayerSet(True)
        frame_parcels(m, parcel.geometry.bounds)
        m.setFrameEnabled(True)
        coordinate_grid(m)
        bar = scale_bar(layout, m, "米" if t is texts("zh_CN") else "m")
        bar.attemptMove(QgsLayoutPoint(12, 186, MM), page=i)
        arrow = QgsLayoutItemPicture(layout)
        arrow.setPicturePath(NORTH_ARROW)
        layout.addLayoutItem(arrow)
        arrow.attemptMove(QgsLayoutPoint(162, 25, MM), page=i)
        arrow.attemptResize(QgsLayoutSize(12, 12, MM))
        legend = QgsLayoutItemLegend(layout)
        legend.setTitle(t["legend"])
        legend.setLinkedMap(m)
        legend.setLegendFilterByMapEnabled(True)
        layout.addLayoutItem(legend)
        legend.attemptMove(QgsLayoutPoint(182, 22, MM), page=i)
        legend.setResizeToContents(True)
        legend.setColumnCount(2)
        legend.setSplitLayer(True)
        legend.setSymbolHeight(3.0)
        legend.setSymbolWidth(5.0)
        for style, size in ((QgsLegendStyle.Title, 9), (QgsLegendStyle.Group, 7),
                            (QgsLegendStyle.Subgroup, 7), (QgsLegendStyle.SymbolLabel, 6)):
            legend.rstyle(style).setFont(QFont("Noto Sans CJK SC", size))
        add_html(layout, parcel_tables_html(p, lang), (182, 100, 105, 103), i)
    # boundary-point tables and sources flow over as many pages as they need
    first = pages.pageCount()
    page = QgsLayoutItemPage(layout)
    page.setPageSize("A4", QgsLayoutItemPage.Landscape)
    pages.addPage(page)
    body = summary_table_html(d, lang) + "".join(points_table_html(p, lang)
                                                 for p in result.parcels) + \
        sources_table_html(result, lang)
    add_html(layout, body, (10, 10, 277, 190), first, repeat=True)
    drop_blank_pages(layout, first)
    return layout


def drop_blank_pages(layout, first: int) -> None:
    """WebKit overestimates the height of HTML content when no screen is attached, so the
    repeating frame can add pages that print blank: render each such page small, drop it
    when it holds no ink."""
    exporter = QgsLayoutExporter(layout)
    pages = layout.pageCollection()
    for index in reversed(range(first + 1, pages.pageCount())):
        image = exporter.renderPageToImage(index, QSize(), 15)
        ink = any(image.pixelColor(x, y).lightness() < 230
                  for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))
        if ink:
            return
        for item in pages.itemsOnPage(index):
            if isinstance(item, QgsLayoutFrame):
                multi = item.multiFrame()
                multi.removeFrame(multi.frameIndex(item))
        pages.deletePage(index)


def export_pdf(layout: QgsPrintLayout, path: str | Path) -> None:
    """Export through a temporary file, so a failed export leaves no half-written PDF."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".pdf", dir=path.parent, prefix=".redline-")
    os.close(fd)
    try:
        exporter = QgsLayoutExporter(layout)
        settings = QgsLayoutExporter.PdfExportSettings()
        settings.dpi = 200
        status = exporter.exportToPdf(tmp, settings)
        if status != QgsLayoutExporter.Success:
            raise RedlineError(f"{path}: PDF export failed ({exporter.errorMessage()})")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
