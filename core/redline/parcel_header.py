"""The parcel header of a coordinate file (the line ending in ``@``), read by name or content.

The standard header has eight fields: 界址点数, 地块面积, 地块编号, 地块名称, 记录图形属性, 图幅号,
地块用途, 地类编码. Real files vary:

* a descriptor line naming the fields (``界址点数,地块面积,…,@``) before the first parcel: later
  headers are read by those names;
* provincial variants with more fields (9, 10, 12, 13…): the 记录图形属性 value (面/线/点) marks
  where 地块编号 and 地块名称 end and 图幅号, 地块用途, 地类编码 begin; fields between or after are
  kept as extra attributes (never written back into the eight-field header);
* 地块面积 with a unit (``0.7655公顷``, ``7655平方米``, ``11.48亩``), or as m² where the file says
  so (``declared_unit="m2"``); a value that is not a number is a warning, not a stop.
"""

from __future__ import annotations

import re

from .columns import AREA, LAND_CLASS, NAME, NUMBER, SHAPE, SHEET, STANDARD, USE
from .model import Parcel, ReadNote

SHAPES = {"面", "线", "点"}
_AREA = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*(公顷|ha|平方米|m2|m²|㎡|亩)?\s*$",
                   re.IGNORECASE)
_TO_HA = {None: 1.0, "公顷": 1.0, "ha": 1.0, "平方米": 1e-4, "m2": 1e-4, "m²": 1e-4, "㎡": 1e-4,
          "亩": 1.0 / 15.0}
DECLARED_UNITS = ("ha", "m2")


def is_descriptor(values: list[str]) -> bool:
    """A line naming the fields rather than giving a parcel's values."""
    return bool(values) and values[0].strip() in ("界址点数", "JZDS") and not any(
        v.strip().replace(".", "", 1).isdigit() for v in values[:2])


def _layout(values: list[str]) -> list[str]:
    """Field names for a header without a descriptor line, found from the content."""
    names = list(STANDARD)
    if len(values) <= len(STANDARD):
        return names[:len(values)]
    shape_at = next((i for i, v in enumerate(values) if v.strip() in SHAPES and i >= 4), None)
    if shape_at is None or shape_at == 4:
        return names + [f"字段{i + 1}" for i in range(len(STANDARD), len(values))]
    # extra fields sit between 地块面积 and 地块编号 (e.g. a district code and name)
    before = ["界址点数", AREA] + [f"字段{i + 1}" for i in range(2, shape_at - 2)] + [NUMBER, NAME]
    after = [SHEET, USE, LAND_CLASS]
    rest = len(values) - shape_at - 1
    tail = after[:rest] + [f"字段{shape_at + 2 + i + 1}" for i in range(len(after), rest)]
    return before + [SHAPE] + tail


def declared_hectares(text: str, declared_unit: str = "ha") -> tuple[float | None, str | None]:
    """(area in hectares, problem) from a 地块面积 value."""
    if not text.strip():
        return None, None
    m = _AREA.match(text.replace(",", ""))
    if not m:
        return None, f"地块面积 {text!r} is not a number; the parcel is still measured"
    value = float(m.group(1))
    unit = (m.group(2) or "").lower() or None
    if unit is None and declared_unit == "m2":
        unit = "m2"
    return value * _TO_HA[unit], None


def parse_parcel_header(line: int, text: str, names: list[str] | None = None,
                        declared_unit: str = "ha") -> Parcel:
    """A parcel (without rings yet) from its header line."""
    body = text.rstrip()
    if body.endswith("@"):
        body = body[:-1]
    values = [v.strip() for v in body.split(",")]
    if values and values[-1] == "":
        values.pop()
    layout = names if names else _layout(values)
    attributes: dict[str, str] = {}
    for i, v in enumerate(values):
        key = layout[i] if i < len(layout) else f"字段{i + 1}"
        attributes[key] = v
    declared, problem = declared_hectares(attributes.get(AREA, ""), declared_unit)
    notes = []
    if problem:
        notes.append(ReadNote("DECLARED_AREA_NOT_A_NUMBER", "warning", problem, line))
    elif declared is not None and declared_unit == "m2":
        notes.append(ReadNote("DECLARED_AREA_IN_M2", "info",
                              f"地块面积 {attributes[AREA]} read as m² (--declared-unit m2)", line))
    parcel = Parcel(number=attributes.get(NUMBER, ""), name=attributes.get(NAME, ""),
                    attributes=attributes, declared_area_ha=declared, line=line)
    parcel.notes = notes
    return parcel
