"""The check as the workbook bureaus file (三区三线/用地占用汇总表), written with XlsxWriter.

* 汇总: one row per parcel — number, name, use, area in m², 公顷 and 亩, each layer's gross and
  (where the layer has 扣除系数) net overlap in m², the verdict;
* one sheet per layer: for every parcel a row per class, a row per overlapping feature and a
  total row (合计, also when nothing overlaps).

The figures are the JSON result's: class areas adjusted so that they add up to the rounded
total, in m², 公顷 and 亩 alike.

Numbers are stored as numbers (the units are in the headers), headers in Chinese, the header
row frozen, columns as wide as their content.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..atomic import atomic_path
from ..units import area_units
from .landuse import class_name
from .results import CheckResult, LayerOverlap

STATUS_ZH = {"pass": "通过", "warning": "提示", "conflict": "冲突"}
# header text -> number format of the column (first match)
NUMBER_FORMATS = {"公顷": "#,##0.0000", "平方米": "#,##0.00", "亩": "#,##0.00",
                  "扣除系数": "0.0000"}
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _width(value) -> float:
    text = f"{value:,.2f}" if isinstance(value, float) else str(value if value is not None else "")
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Sheet:
    """A worksheet that remembers its column widths."""

    def __init__(self, book, name: str, header: list[str], formats: dict):
        self.ws = book.add_worksheet(name)
        self.formats = formats
        # each numeric column shows the decimals of its unit (公顷 4, m² and 亩 2)
        self.number_formats = [next((formats[unit] for unit in NUMBER_FORMATS if unit in h), None)
                               for h in header]
        self.widths = [_width(h) for h in header]
        self.row = 0
        self.write(header, header=True)
        self.ws.freeze_panes(1, 0)

    def write(self, values: list, header: bool = False) -> None:
        for col, v in enumerate(values):
            if header:
                self.ws.write_string(self.row, col, str(v), self.formats["header"])
            elif isinstance(v, int | float) and not isinstance(v, bool):
                fmt = self.number_formats[col] if col < len(self.number_formats) else None
                self.ws.write_number(self.row, col, v, fmt)
            elif v is None:
                self.ws.write_blank(self.row, col, None)
            else:
                self.ws.write_string(self.row, col, str(v))
            if col >= len(self.widths):
                self.widths.append(0)
            self.widths[col] = max(self.widths[col], _width(v))
        self.row += 1

    def finish(self) -> None:
        for col, w in enumerate(self.widths):
            self.ws.set_column(col, col, min(60, w + 2))


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET.sub("_", name)[:28] or "图层"
    out, i = base, 2
    while out in taken or out == "汇总":
        out = f"{base[:25]}_{i}"
        i += 1
    taken.add(out)
    return out


def _cell(value):
    """A feature attribute as a cell: numbers stay numbers, the rest text."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else \
        (None if value is None else str(value))


def _net(layer: LayerOverlap) -> bool:
    return layer.net_overlap_m2 is not None


def write_workbook(result: CheckResult, path: str | Path) -> None:
    import xlsxwriter

    parcels = result.parcels
    layers = parcels[0].layers if parcels else []
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": False})
        formats = {"header": book.add_format({"bold": True, "bg_color": "#F2F2F2",
                                              "border": 1, "text_wrap": False})}
        formats.update({unit: book.add_format({"num_format": f})
                        for unit, f in NUMBER_FORMATS.items()})
        header = ["地块编号", "地块名称", "地块用途", "面积(平方米)", "面积(公顷)", "面积(亩)"]
        for layer in layers:
            header.append(f"{layer.name}占用(平方米)")
            if _net(layer):
                header.append(f"{layer.name}扣除后(平方米)")
        header.append("结论")
        summary = _Sheet(book, "汇总", header, formats)
        for p in parcels:
            d = p.to_dict()  # the JSON's figures
            row = [p.id, p.name, p.use or "", d["area_m2"], d["hectares"], d["mu"]]
            for layer in d["layers"]:
                row.append(layer["overlap_m2"])
                if "net_overlap_m2" in layer:
                    row.append(layer["net_overlap_m2"])
            row.append(STATUS_ZH.get(p.status, p.status))
            summary.write(row)
        summary.finish()
        taken: set[str] = set()
        for k, layer0 in enumerate(layers):
            net = _net(layer0)
            keys = [k for k in layer0.key_fields if k != layer0.class_field]
            cols = ["地块编号", "行类型", "分类", "分类名称", "要素", *keys]
            cols += ["占用(平方米)", "占用(公顷)", "占用(亩)"]
            if net:
                cols += ["扣除系数", "扣除后(平方米)"]
            sheet = _Sheet(book, _sheet_name(layer0.name, taken), cols, formats)
            for p in parcels:
                layer = p.layers[k]
                d = layer.to_dict()  # the JSON's figures: classes adjusted to add up to the total
                names = layer.role == "planning"  # 用地用海 codes; other layers' classes are theirs
                for code, area in d["by_class"].items():
                    row = [p.id, "分类", code, class_name(code) if names else None, None,
                           *[None] * len(keys), area, d["by_class_hectares"][code],
                           d["by_class_mu"][code]]
                    if net:
                        row += [None, d["by_class_net"].get(code, 0.0)]
                    sheet.write(row)
                for f in layer.features:
                    code = f.get(layer.class_field) if layer.class_field else None
                    code = None if code is None else str(code)
                    area = float(f["overlap_m2"])
                    units = area_units(area)
                    row = [p.id, "要素", code, class_name(code) if names and code else None,
                           f["id"], *[_cell(f.get(k)) for k in keys], area, units["hectares"],
                           units["mu"]]
                    if net:
                        row += [float(f.get("coefficient", 0.0)), f["net_m2"]]
                    sheet.write(row)
                row = [p.id, "合计", None, None, None, *[None] * len(keys), d["overlap_m2"],
                       d["hectares"], d["mu"]]
                sheet.write(row + ([None, d["net_overlap_m2"]] if net else []))
            sheet.finish()
        book.close()
