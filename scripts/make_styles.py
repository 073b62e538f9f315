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

from ..core.check.landuse import CLASSES

OUT = Path(__file__).resolve().parent.parent / "layer_styles"

# common display colours of the first-level land/sea use classes (R, G, B)
LANDUSE_RGB = {
    "01": (245, 248, 220), "02": (191, 233, 170), "03": (104, 177, 103), "04": (205, 245, 122),
    "05": (101, 205, 170), "06": (216, 215, 159), "07": (255, 255, 45), "08": (255, 133, 201),
    "09": (255, 0, 0), "10": (187, 150, 116), "11": (135, 97, 211), "12": (163, 163, 163),
    "13": (0, 99, 128), "14": (0, 255, 0), "15": (133, 145, 89), "16": (255, 255, 255),
    "17": (77, 182, 255), "18": (0, 112, 255), "19": (0, 92, 230), "20": (0, 77, 168),
    "21": (115, 223, 255), "22": (0, 38, 115), "23": (217, 217, 217), "24": (190, 232, 255),
}
FOREST_LEVELS = {"Ⅰ": (0, 68, 27), "Ⅱ": (35, 139, 69), "Ⅲ": (116, 196, 118),
                 "Ⅳ": (199, 233, 192)}


def fill(colour, outline, width=0.3, alpha=255, style="solid"):
    r, g, b = colour
    return QgsFillSymbol.createSimple({
        "color": f"{r},{g},{b},{alpha}", "outline_color": outline, "outline_width": str(width),
        "style": style})


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

    for name, colour, outline, alpha, style in (
            ("ecology", (44, 160, 44), "#1a7f1a", 110, "solid"),
            ("farmland", (230, 184, 0), "#a67c00", 120, "solid"),
            ("urban_boundary", (148, 103, 189), "#6a3d9a", 0, "solid"),
            ("approved", (127, 127, 127), "#555555", 90, "b_diagonal")):
        layer = QgsVectorLayer(poly, name, "memory")
        width = 0.9 if name == "urban_boundary" else 0.3
        layer.setRenderer(QgsSingleSymbolRenderer(fill(colour, outline, width, alpha, style)))
        save(layer, name)

    planning = QgsVectorLayer(poly, "planning", "memory")
    cats = [QgsRendererCategory(code, fill(rgb, "#666666", 0.15, 200), f"{code} {CLASSES[code]}")
            for code, rgb in LANDUSE_RGB.items()]
    planning.setRenderer(QgsCategorizedSymbolRenderer("left(\"YDYHFLDM\", 2)", cats))
    save(planning, "planning")

    forest = QgsVectorLayer(poly, "forest", "memory")
    cats = [QgsRendererCategory(level, fill(rgb, "#2d5a27", 0.15, 170), f"保护等级 {level}")
            for level, rgb in FOREST_LEVELS.items()]
    forest.setRenderer(QgsCategorizedSymbolRenderer("BH_DJ", cats))
    save(forest, "forest")

    result = QgsVectorLayer(poly, "check_results", "memory")
    cats = [QgsRendererCategory(s, fill(c, "#000000", 0.3, 150), s) for s, c in
            (("conflict", (198, 40, 40)), ("warning", (239, 108, 0)), ("pass", (46, 125, 50)))]
    result.setRenderer(QgsCategorizedSymbolRenderer("status", cats))
    save(result, "check_results")
    app.exitQgis()


if __name__ == "__main__":
    main()
