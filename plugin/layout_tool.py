"""One click: a print layout of the case from the template shipped in the plugin (map of the
red line over the control layers, legend, scale bar, north arrow, grid, boundary-point table,
title block), opened in QGIS's layout designer for the reviewer to adjust."""

from __future__ import annotations

import shapely
from qgis.core import (
    QgsLayoutItemHtml,
    QgsLayoutItemLabel,
    QgsLayoutItemMap,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
)
from qgis.PyQt.QtXml import QDomDocument

from ..core.check.report_html import CSS, points_table_html
from ..core.check.results import ParcelResult
from ..processing_algorithms.report_layout import frame_parcels
from .resources import PLUGIN_DIR

TEMPLATE = PLUGIN_DIR / "layouts" / "approval_map.qpt"


def case_layout(project: QgsProject, case: dict, parcels, crs, layers) -> QgsPrintLayout:
    """``parcels``: the case's stored parcels; ``layers``: the map's layers, top first."""
    doc = QDomDocument()
    doc.setContent(TEMPLATE.read_text(encoding="utf-8"))
    layout = QgsPrintLayout(project)
    layout.loadFromTemplate(doc, QgsReadWriteContext())
    layout.setName(f"{case['number']} 审批图")
    texts = {"title": f"{case.get('business_name') or ''}审批图",
             "case_number": f"案卷编号 {case['number']}",
             "applicant": f"申请人 {case.get('applicant') or ''}",
             "stage": f"阶段 {case.get('stage_name') or ''}",
             "crs": f"坐标系 {crs.authid()} (CGCS2000)"}
    for item_id, text in texts.items():
        item = layout.itemById(item_id)
        if isinstance(item, QgsLayoutItemLabel):
            item.setText(text)
    m = layout.itemById("map")
    if isinstance(m, QgsLayoutItemMap):
        m.setCrs(crs)
        m.setLayers(layers)
        m.setKeepLayerSet(True)
        if parcels:
            frame_parcels(m, shapely.union_all([p.geometry for p in parcels]).bounds)
    for frame_owner in layout.multiFrames():
        if isinstance(frame_owner, QgsLayoutItemHtml):
            body = "".join(points_table_html(ParcelResult(f"{case['number']} {p.number}", p.name,
                                                          p.planar_area_m2, p.geometry))
                           for p in parcels)
            frame_owner.setHtml(f"<html><head><meta charset='utf-8'><style>{CSS}"
                                "body{margin:0;font-size:8px}td,th{font-size:7px;padding:1px 3px}"
                                f"h3{{font-size:8px}}</style></head><body>{body}</body></html>")
            frame_owner.loadHtml()
    return layout
