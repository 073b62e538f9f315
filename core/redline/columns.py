"""The column map between the coordinate file's parcel header and GIS attribute tables.

The parcel header (the line ending in ``@``) has eight standard fields. In a GeoPackage or
GeoJSON they are columns with their Chinese names; in a Shapefile (10-byte DBF names) the usual
pinyin abbreviations. Reading, every name below is recognised (case-insensitive), so files from
other tools and from our own earlier versions come back to the same fields. 界址点数 is derived
from the geometry and is not stored in GIS files.
"""

from __future__ import annotations

STANDARD = ("界址点数", "地块面积", "地块编号", "地块名称", "记录图形属性", "图幅号", "地块用途",
            "地类编码")
AREA, NUMBER, NAME, SHAPE, SHEET, USE, LAND_CLASS = STANDARD[1:]

# standard field -> (GeoPackage/GeoJSON column, Shapefile column)
WRITTEN = {
    AREA: ("地块面积", "DKMJ"),
    NUMBER: ("地块编号", "DKBH"),
    NAME: ("地块名称", "DKMC"),
    SHAPE: ("记录图形属性", "TXSX"),
    SHEET: ("图幅号", "TFH"),
    USE: ("地块用途", "DKYT"),
    LAND_CLASS: ("地类编码", "DLBM"),
}
# point names and ring numbers when they are not the canonical J1, J2 … (see point_names.py)
POINT_NAMES = ("界址点号", "JZDH")

ALIASES = {
    "界址点数": ("界址点数", "JZDS", "point_count"),
    AREA: ("地块面积", "地块面积(公顷)", "DKMJ", "declared_ha", "area_ha"),
    NUMBER: ("地块编号", "DKBH", "number", "BH", "bianhao"),
    NAME: ("地块名称", "DKMC", "name", "MC", "mingcheng"),
    SHAPE: ("记录图形属性", "记录图形属性(点/线/面)", "TXSX", "JLTXSX", "JHLX", "TXLX"),
    SHEET: ("图幅号", "TFH", "sheet"),
    USE: ("地块用途", "用途", "DKYT", "YT", "use"),
    LAND_CLASS: ("地类编码", "DLBM", "land_class"),
    POINT_NAMES[0]: POINT_NAMES,
}
_LOOKUP = {alias.lower(): field for field, names in ALIASES.items() for alias in names}


def standard_field(column: str) -> str | None:
    """The standard field a column name stands for, or None for an extra attribute."""
    return _LOOKUP.get(column.strip().lower())


def written_name(field: str, shapefile: bool) -> str:
    if field == POINT_NAMES[0]:
        return POINT_NAMES[1] if shapefile else POINT_NAMES[0]
    return WRITTEN[field][1 if shapefile else 0]


def column_map_rows() -> list[tuple[str, str, str, str]]:
    """(field, GeoPackage/GeoJSON column, Shapefile column, names recognised) for the README."""
    rows = []
    for field in STANDARD[1:]:
        gpkg, shp = WRITTEN[field]
        rows.append((field, gpkg, shp, ", ".join(ALIASES[field])))
    rows.append((POINT_NAMES[0], *POINT_NAMES, ", ".join(POINT_NAMES)))
    return rows


def find_column(columns: list[str], field: str) -> str | None:
    """The first of ``columns`` that stands for the standard ``field`` (None when none does)."""
    return next((c for c in columns if standard_field(c) == field), None)
