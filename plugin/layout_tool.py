"""One click: a print layout of the case ready to sign, opened in QGIS's layout designer.

Page 1: the red line over the map's layers with a coordinate grid chosen from the scale, a
scale bar in metres, a north arrow, the legend, the title block (case number, applicant,
business type, location, CRS, date), the parcels' areas with a total (one basis: ellipsoidal
area on CGCS2000, as the dock shows) and the 经办/审核/审定 signature fields. The boundary-point
tables follow on as many pages as they need."""

from __future__ import annotations

import datetime as dt
from html import escape

import shapely
from qgis.core import (
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLegendStyle,
    QgsPrintLayout,
    QgsProject,
)
from qgis.PyQt.QtGui import QFont

from ..core.check.report_html import points_table_html
from ..core.check.results import ParcelResult
from ..core.units import area_units
from ..processing_algorithms.report_layout import (
    MM,
    NORTH_ARROW,
    add_html,
    add_label,
    coordinate_grid,
    drop_blank_pages,
    frame_parcels,
    scale_bar,
)
from .i18n import cjk_font, plugin_language, tr


def case_layout(project: QgsProject, case: dict, parcels, crs, layers) -> QgsPrintLayout:
    """``parcels``: the case's stored parcels; ``layers``: the map's layers, top first."""
    lang = plugin_language()
    font = cjk_font() or "Noto Sans CJK SC"
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()  # A4 landscape
    business = case.get("business_name") or case.get("business_code") or ""
    layout.setName(tr("{number} approval map").format(number=case["number"]))
    add_label(layout, tr("{business} approval map").format(business=business), 10, 6, 190, 10, 0)
    m = QgsLayoutItemMap(layout)
    layout.addLayoutItem(m)
    m.attemptMove(QgsLayoutPoint(10, 18, MM), page=0)
    m.attemptResize(QgsLayoutSize(190, 170, MM))
    m.setCrs(crs)
    m.setLayers(layers)
    m.setKeepLayerSet(True)
    m.setFrameEnabled(True)
    if parcels:
        frame_parcels(m, shapely.union_all([p.geometry for p in parcels]).bounds)
    coordinate_grid(m)
    bar = scale_bar(layout, m, tr("m"))
    bar.attemptMove(QgsLayoutPoint(12, 190, MM), page=0)
    arrow = QgsLayoutItemPicture(layout)
    arrow.setPicturePath(NORTH_ARROW)
    layout.addLayoutItem(arrow)
    arrow.attemptMove(QgsLayoutPoint(186, 20, MM), page=0)
    arrow.attemptResize(QgsLayoutSize(12, 12, MM))
    legend = QgsLayoutItemLegend(layout)
    legend.setTitle(tr("Legend"))
    legend.setLinkedMap(m)
    legend.setLegendFilterByMapEnabled(True)
    legend.setResizeToContents(True)
    for style, size in ((QgsLegendStyle.Title, 9), (QgsLegendStyle.Group, 7),
                        (QgsLegendStyle.Subgroup, 7), (QgsLegendStyle.SymbolLabel, 6)):
        legend.rstyle(style).setFont(QFont(font, size))
    add_html(layout, title_block(case, crs.authid()) + area_table(parcels) + signatures(),
             (206, 18, 81, 100), 0)
    layout.addLayoutItem(legend)  # below the title block, in two columns
    legend.setColumnCount(2)
    legend.setSplitLayer(True)
    legend.setSymbolHeight(3.0)
    legend.setSymbolWidth(5.0)
    legend.attemptMove(QgsLayoutPoint(206, 122, MM), page=0)
    # the boundary-point tables of every parcel, on as many pages as they need
    pages = layout.pageCollection()
    page = QgsLayoutItemPage(layout)
    page.setPageSize("A4", QgsLayoutItemPage.Landscape)
    pages.addPage(page)
    body = "".join(points_table_html(ParcelResult(f"{case['number']} {p.number}", p.name,
                                                  p.ellipsoidal_area_m2, p.geometry), lang)
                   for p in parcels)
    empty = tr("No red line yet.")
    add_html(layout, body or f"<p>{escape(empty)}</p>", (10, 10, 277, 190), 1, repeat=True)
    drop_blank_pages(layout, 1)
    return layout


def title_block(case: dict, authid: str) -> str:
    rows = [(tr("Case"), case["number"]), (tr("Applicant"), case.get("applicant") or ""),
            (tr("Business type"), case.get("business_name") or case.get("business_code") or ""),
            (tr("Location"), case.get("location") or ""),
            (tr("Stage"), case.get("stage_name") or ""),
            (tr("CRS"), f"{authid} (CGCS2000)"), (tr("Date"), dt.date.today().isoformat())]
    return "<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>"
                               for k, v in rows) + "</table>"


def area_table(parcels) -> str:
    """The parcels' areas on one basis (ellipsoidal, as the dock) with a total row."""
    # tr() outside f-strings: pylupdate5 does not look inside them
    labels = [tr("Parcel"), tr("Area (m²)"), tr("ha"), tr("mu")]
    head = "<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in labels) + "</tr>"
    rows = []
    for p in parcels:
        u = area_units(p.ellipsoidal_area_m2)
        rows.append(f"<tr><td>{escape(p.number)} {escape(p.name or '')}</td>"
                    f"<td class='n'>{u['m2']:,.2f}</td><td class='n'>{u['hectares']:.4f}</td>"
                    f"<td class='n'>{u['mu']:.2f}</td></tr>")
    total = area_units(sum(p.ellipsoidal_area_m2 for p in parcels))
    total_label = tr("Total")
    rows.append(f"<tr><th>{total_label}</th><td class='n'>{total['m2']:,.2f}</td>"
                f"<td class='n'>{total['hectares']:.4f}</td><td class='n'>{total['mu']:.2f}"
                "</td></tr>")
    note = tr("Areas: ellipsoidal (CGCS2000), as in the case form.")
    return head + "".join(rows) + f"</table><p class='small'>{escape(note)}</p>"


def signatures() -> str:
    date = tr("Date")
    cells = "".join(f"<tr><th>{escape(role)}</th><td style='height:14px;width:60%'></td>"
                    f"<td style='width:25%'>{escape(date)}</td></tr>"
                    for role in (tr("Handled by"), tr("Reviewed by"), tr("Approved by")))
    return f"<table style='width:100%'>{cells}</table>"
