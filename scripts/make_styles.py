"""Writes the QML styles in layer_styles/ from code, so every colour has one source.
Run with ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m redline_approval.scripts.make_styles``."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsRendererCategory,
    QgsSingleSymbolRenderer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor, QFont

from ..core.check import landuse

OUT = Path(__file__).resolve().parent.parent / "layer_styles"

FOREST_LEVELS = {"Ⅰ": (0, 68, 27), "Ⅱ": (35, 139, 69), "Ⅲ": (116, 196, 118),
                 "Ⅳ": (199, 233, 192)}


def fill(colour, outline, width=0.3, alpha=255, style="solid", outline_style="solid"):
    r, g, b = colour
    return QgsFillSymbol.createSimple({
        "color": f"{r},{g},{b},{alpha}", "outline_color": outline, "outline_width": str(width),
        "style": style, "outline_style": outline_style})


def save(layer: QgsVectorLayer, name: str) -> None:
    OUT.mkdir(exist_ok=True)
    message, ok = layer.saveNamedStyle(str(OUT / f"{name}.qml"))
    if not ok:
        raise RuntimeError(message)


def label(layer: QgsVectorLayer, field: str, colour: str, size: float = 8.0, point=False):
    s = QgsPalLayerSettings()
    s.fieldName = field
    fmt = QgsTextFormat()
    fmt.setFont(QFont("Noto Sans CJK SC"))
    fmt.setSize(size)
    fmt.setColor(QColor(colour))
    buf = QgsTextBufferSettings()
    buf.setEnabled(True)
    buf.setSize(0.8)
    fmt.setBuffer(buf)
    s.setFormat(fmt)
    if point:
        s.placement = QgsPalLayerSettings.OverPoint
        s.dist = 1.0
    layer.setLabeling(QgsVectorLayerSimpleLabeling(s))
    layer.setLabelsEnabled(True)


def main() -> None:
    app = QgsApplication([], False)
    app.initQgis()
    poly = "MultiPolygon?crs=EPSG:4526&field=number:string&field=name:string" \
           "&field=YDYHFLDM:string&field=BH_DJ:string&field=role:string&field=status:string"

    red = QgsVectorLayer(poly, "redline", "memory")
    red.setRenderer(QgsSingleSymbolRenderer(fill((255, 0, 0), "#e00000", 0.8, 0)))
    label(red, "number", "#c00000", 9)
    save(red, "redline")

    points = QgsVectorLayer("Point?crs=EPSG:4526&field=point:string", "points", "memory")
    points.setRenderer(QgsSingleSymbolRenderer(QgsMarkerSymbol.createSimple(
        {"name": "circle", "color": "255,255,255", "outline_color": "#e00000", "size": "1.6"})))
    label(points, "point", "#c00000", 7, point=True)
    save(points, "boundary_points")

    # 三区三线 as bureaus draw them over the planning colours: the ecological red line green, basic
    # farmland yellow, the urban development boundary a dashed purple line without fill
    for name, colour, outline, alpha, style, line in (
            ("ecology", (44, 160, 44), "#1a7f1a", 110, "solid", "solid"),
            ("farmland", (230, 184, 0), "#a67c00", 120, "solid", "solid"),
            ("urban_boundary", (148, 103, 189), "#6a3d9a", 0, "solid", "dash"),
            ("approved", (127, 127, 127), "#555555", 90, "b_diagonal", "solid")):
        layer = QgsVectorLayer(poly, name, "memory")
        width = 0.9 if name == "urban_boundary" else 0.3
        layer.setRenderer(QgsSingleSymbolRenderer(fill(colour, outline, width, alpha, style,
                                                       line)))
        save(layer, name)

    planning = QgsVectorLayer(poly, "planning", "memory")
    # every code of the three levels, so that a layer coded at any level is drawn in its
    # 附录B colour (the report's map binds the renderer to the profile's class field)
    cats = [QgsRendererCategory(code, fill(landuse.colour(code), "#666666", 0.15, 220), f"{code} {name}")
            for code, name in landuse.NAMES.items()]
    planning.setRenderer(QgsCategorizedSymbolRenderer("YDYHFLDM", cats))
    save(planning, "planning")

    forest = QgsVectorLayer(poly, "forest", "memory")
    cats = [QgsRendererCategory(level, fill(rgb, "#2d5a27", 0.15, 170), f"保护等级 {level}")
            for level, rgb in FOREST_LEVELS.items()]
    forest.setRenderer(QgsCategorizedSymbolRenderer("BH_DJ", cats))
    save(forest, "forest")

    result = QgsVectorLayer(poly, "check_results", "memory")
    cats = [QgsRendererCategory(s, fill(c, "#000000", 0.3, 150), label) for s, c, label in
            (("conflict", (198, 40, 40), "冲突 conflict"), ("warning", (239, 108, 0), "提示 warning"),
             ("pass", (46, 125, 50), "通过 pass"))]
    result.setRenderer(QgsCategorizedSymbolRenderer("status", cats))
    save(result, "check_results")
    app.exitQgis()


if __name__ == "__main__":
    main()
