"""QGIS layers for the check: the control layers of a profile (styled by role), and memory
layers of red lines, boundary points and overlaps made from ``core`` results."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsVectorLayer,
)

from ..core.check.profile import LayerSpec
from ..core.check.results import CheckResult
from ..core.redline.model import parcel_from_geometry
from ..core.redline.point_table import point_rows
from .qgis_bridge import to_qgs
from .qgis_sources import LAYER_PREFIX, layer_for

STYLES = Path(__file__).resolve().parent.parent / "layer_styles"


def style_path(name: str) -> str:
    return str(STYLES / name)


def apply_style(layer: QgsVectorLayer, name: str) -> None:
    message, ok = layer.loadNamedStyle(style_path(f"{name}.qml"))
    if not ok:
        raise RuntimeError(f"style {name}: {message}")


def control_layer(spec: LayerSpec) -> QgsVectorLayer:
    """A styled layer of its own for a report's map (a copy when the profile names a layer of
    the open project, which stays untouched)."""
    layer = layer_for(spec)
    if spec.path.startswith(LAYER_PREFIX):
        layer = layer.clone()
    if spec.role != "overlay":
        apply_style(layer, spec.role)
        field = {"planning": spec.class_field, "forest": spec.level_field}.get(spec.role)
        renderer = layer.renderer()
        if field and hasattr(renderer, "setClassAttribute"):
            renderer.setClassAttribute(field)  # the styles name the usual field; this layer's
    return layer


def _memory(kind: str, crs: str, name: str, fields: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{kind}?crs={crs}&{fields}", name, "memory")
    layer.setCrs(QgsCoordinateReferenceSystem(crs))
    return layer


def redline_layers(result: CheckResult, lang: str | None = None
                   ) -> tuple[QgsVectorLayer, QgsVectorLayer, QgsVectorLayer]:
    """(red lines, boundary points, overlaps) of a check, styled, named in ``lang``."""
    from ..core.check.report_text import texts

    t = texts(lang)
    red = _memory("MultiPolygon", result.crs, t["red_lines"],
                  "field=number:string&field=name:string&field=status:string"
                  "&field=area_m2:double")
    pts = _memory("Point", result.crs, t["boundary_points"],
                  "field=parcel:string&field=point:string")
    ovl = _memory("MultiPolygon", result.crs, t["check_results"],
                  "field=parcel:string&field=layer:string&field=role:string"
                  "&field=overlap_m2:double&field=status:string")
    red_feats, pt_feats, ovl_feats = [], [], []
    for p in result.parcels:
        f = QgsFeature(red.fields())
        f.setGeometry(to_qgs(p.geometry))
        f.setAttributes([p.id, p.name, p.status, p.area_m2])
        red_feats.append(f)
        for row in point_rows(parcel_from_geometry(p.id, p.name, p.geometry)):
            if row["edge_m"] is None:
                continue  # the closing repeat of J1 needs no second label
            g = QgsFeature(pts.fields())
            g.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(row["y_easting"], row["x_northing"])))
            g.setAttributes([p.id, row["point"]])
            pt_feats.append(g)
        for layer, verdict_status in _layer_status(p):
            if layer.geometry is None or layer.geometry.is_empty:
                continue
            h = QgsFeature(ovl.fields())
            h.setGeometry(to_qgs(layer.geometry))
            h.setAttributes([p.id, layer.name, layer.role, layer.overlap_m2, verdict_status])
            ovl_feats.append(h)
    red.dataProvider().addFeatures(red_feats)
    pts.dataProvider().addFeatures(pt_feats)
    ovl.dataProvider().addFeatures(ovl_feats)
    for layer in (red, pts, ovl):
        layer.updateExtents()
    apply_style(red, "redline")
    apply_style(pts, "boundary_points")
    apply_style(ovl, "check_results")
    renderer = ovl.renderer()
    for i, category in enumerate(renderer.categories()):  # the legend in the report's language
        renderer.updateCategoryLabel(i, t["status"].get(category.value(), category.value()))
    return red, pts, ovl


def _layer_status(parcel):
    for layer in parcel.layers:
        statuses = [v.status for v in parcel.verdicts if v.rule.endswith(f":{layer.name}")]
        worst = "conflict" if "conflict" in statuses else "warning" if "warning" in statuses \
            else "pass"
        yield layer, worst
