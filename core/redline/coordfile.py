"""The ministry coordinate file (坐标文件 / 报盘格式): reader and canonical writer.

The reader accepts the variants of real files: GBK or UTF-8 (with or without BOM), CRLF or LF,
rings closed or not, ring numbers counting holes and parts alike (decided from geometry),
界址点数 with or without closing points, missing or non-standard header keys. Every header field
and parcel attribute is kept. The writer emits the canonical form: closed rings, points J1…,
GBK by default.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_bytes_atomic
from ..errors import CrsError, RedlineFormatError
from ..geodesy.crs_catalog import (
    GaussKrugerCrs,
    gauss_kruger,
    system_from_chinese_name,
    zone_from_prefixed_easting,
)
from ..textfiles import decode_bytes
from .columns import STANDARD, standard_field
from .model import BoundaryPoint, Parcel, Ring, build_geometry
from .parcel_header import is_descriptor, parse_parcel_header

ATTRIBUTE_SECTION = "[属性描述]"
COORDINATE_SECTION = "[地块坐标]"
PARCEL_FIELDS = list(STANDARD)
DEFAULT_HEADER = {
    "格式版本号": "1.01版本",
    "数据产生单位": "",
    "数据产生日期": "",
    "坐标系": "2000国家大地坐标系",
    "几度分带": "3",
    "投影类型": "高斯克吕格",
    "计量单位": "米",
    "带号": "",
    "精度": "0.001",
    "转换参数": ",,,,,,",
}
_SECTION = re.compile(r"^\s*\[(.+?)\]\s*$")
_POINT_LINE = re.compile(r"^[^,\s]+\s*,\s*[-+.\d]+\s*,\s*[-+.\d]+(\s*,\s*[-+.\d]+)?$")
POINT_LIST_HINT = (
    "this is a list of points (id,x,y), not a coordinate file of parcels: convert it with "
    "`redline transform FILE.csv OUT.csv`, or make a parcel by writing its boundary points "
    "under a header line ending in @ in a [地块坐标] section (see README: the coordinate file)")


@dataclass
class CoordinateDocument:
    header: dict[str, str] = field(default_factory=dict)
    parcels: list[Parcel] = field(default_factory=list)
    encoding: str = "gbk"
    path: str | None = None

    def crs(self) -> GaussKrugerCrs:
        return infer_crs(self)


def _parse_float(path, line: int, text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise RedlineFormatError(path, line, f"{what} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise RedlineFormatError(path, line, f"{what} {text!r} is not a finite number")
    return value


def parse_coordinate_text(text: str, path: str | Path | None = None,
                          encoding: str = "utf-8", declared_unit: str = "ha") -> CoordinateDocument:
    doc = CoordinateDocument(encoding=encoding, path=str(path) if path else None)
    section = None
    current: Parcel | None = None
    rings: dict[int, Ring] = {}
    saw_coordinates = False
    field_names: list[str] | None = None  # from a descriptor line, when the file has one

    def finish() -> None:
        if current is None:
            return
        if not rings:
            raise RedlineFormatError(path, current.line,
                                     f"parcel {current.number or '?'} has no boundary points")
        current.rings = [rings[k] for k in sorted(rings)]
        for r in current.rings:
            pts = r.points
            r.closed_in_file = len(pts) > 1 and (pts[0].easting, pts[0].northing) == (
                pts[-1].easting, pts[-1].northing)
        build_geometry(current)
        doc.parcels.append(current)

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("，", ",")
        if not line:
            continue
        m = _SECTION.match(line)
        if m:
            section = f"[{m.group(1).strip()}]"
            if section == COORDINATE_SECTION:
                saw_coordinates = True
            continue
        if section == ATTRIBUTE_SECTION:
            if "=" not in line:
                raise RedlineFormatError(path, number,
                                         f"expected key=value in {ATTRIBUTE_SECTION}, got {line!r}")
            key, value = line.split("=", 1)
            doc.header[key.strip()] = value.strip()
        elif section == COORDINATE_SECTION:
            if line.endswith("@"):
                values = [v.strip() for v in line[:-1].split(",")]
                if is_descriptor(values):
                    field_names = [standard_field(v) or v for v in values if v]
                    continue
                finish()
                current = parse_parcel_header(number, line, field_names, declared_unit)
                rings = {}
                continue
            if current is None:
                raise RedlineFormatError(
                    path, number, "a boundary point before any parcel header (a line ending in @)")
            parts = [p.strip() for p in line.split(",")]
            if len(parts) < 4:
                raise RedlineFormatError(
                    path, number, f"expected point,ring,X,Y; got {len(parts)} value(s): {line!r}")
            try:
                ring_no = int(float(parts[1]))
            except ValueError:
                raise RedlineFormatError(path, number,
                                         f"ring number {parts[1]!r} is not a number") from None
            x = _parse_float(path, number, parts[2], "X (northing)")
            y = _parse_float(path, number, parts[3], "Y (easting)")
            ring = rings.setdefault(ring_no, Ring(ring_no, []))
            ring.points.append(BoundaryPoint(parts[0], easting=y, northing=x, line=number))
        elif section is None:
            if _POINT_LINE.match(line):
                raise RedlineFormatError(path, number, POINT_LIST_HINT)
            raise RedlineFormatError(
                path, number, f"text before the first section: expected {ATTRIBUTE_SECTION} "
                f"or {COORDINATE_SECTION}, got {line[:40]!r}")
        # other sections are kept out of the data but tolerated
    finish()
    if not saw_coordinates:
        raise RedlineFormatError(path, None, f"no {COORDINATE_SECTION} section: not a ministry "
                                 "coordinate file")
    if not doc.parcels:
        raise RedlineFormatError(path, None, "the file holds no parcel")
    return doc


def read_coordinate_file(path: str | Path, declared_unit: str = "ha") -> CoordinateDocument:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RedlineFormatError(path, None, f"cannot read the file: {exc.strerror}") from exc
    return read_coordinate_bytes(data, path, declared_unit)


def read_coordinate_bytes(data: bytes, path: str | Path | None = None,
                          declared_unit: str = "ha") -> CoordinateDocument:
    text, encoding = decode_bytes(data, path)
    if "\x00" in text:
        raise RedlineFormatError(path, None, "the file holds NUL bytes: not a text file")
    return parse_coordinate_text(text, path, "gbk" if encoding == "gbk" else "utf-8",
                                 declared_unit)


def infer_crs(doc: CoordinateDocument) -> GaussKrugerCrs:
    """From 坐标系 + 几度分带 + 带号, checked against the zone prefix of the eastings."""
    where = doc.path or "<coordinate file>"
    eastings = [p.easting for parcel in doc.parcels for r in parcel.rings for p in r.points]
    prefixed = bool(eastings) and all(e >= 1_000_000 for e in eastings)
    if prefixed:
        zones = {zone_from_prefixed_easting(e) for e in eastings}
        if len(zones) > 1:
            raise CrsError(f"{where}: eastings carry different zone prefixes {sorted(zones)}: "
                           "split the file by zone")
        prefix_zone = zones.pop()
    elif any(e >= 1_000_000 for e in eastings):
        raise CrsError(f"{where}: some eastings carry a zone prefix and some do not")
    else:
        prefix_zone = None
    name = doc.header.get("坐标系", "").strip()
    try:
        system = system_from_chinese_name(name) if name else "cgcs2000"
    except CrsError as exc:
        raise CrsError(f"{where}: 坐标系={name!r} is not CGCS2000, Xian 1980 or Beijing 1954") \
            from exc
    zone_text = doc.header.get("带号", "").strip()
    zone = None
    if zone_text:
        try:
            zone = int(float(zone_text))
        except ValueError:
            raise CrsError(f"{where}: 带号={zone_text!r} is not a zone number") from None
    if zone is not None and prefix_zone is not None and zone != prefix_zone:
        raise CrsError(f"{where}: 带号={zone} but the eastings carry zone prefix {prefix_zone}: "
                       "correct the header or the coordinates")
    zone = zone if zone is not None else prefix_zone
    if zone is None:
        raise CrsError(f"{where}: no 带号 in the header and no zone prefix on the eastings: "
                       "add 带号=<zone> to [属性描述]")
    width_text = doc.header.get("几度分带", "").strip()
    if width_text:
        try:
            width = int(float(width_text))
        except ValueError:
            raise CrsError(f"{where}: 几度分带={width_text!r} must be 3 or 6") from None
    else:
        width = 3 if zone >= 24 else 6
    if width not in (3, 6):
        raise CrsError(f"{where}: 几度分带={width_text!r} must be 3 or 6")
    return gauss_kruger(system, width, zone, prefixed=prefixed)


def _fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _decimals(header: dict[str, str]) -> int:
    try:
        precision = float(header.get("精度", "0.001") or "0.001")
        return max(0, min(6, round(-math.log10(precision))))
    except (ValueError, OverflowError):
        return 3


def format_coordinate_file(doc: CoordinateDocument) -> str:
    """The canonical text: the eight standard header fields, each ring closed, rings and point
    names as the parcel holds them (J1, J2 … for parcels made from geometry)."""
    header = dict(DEFAULT_HEADER)
    header.update(doc.header)
    decimals = _decimals(header)
    out = [ATTRIBUTE_SECTION]
    out += [f"{k}={v}" for k, v in header.items()]
    out.append(COORDINATE_SECTION)
    for parcel in doc.parcels:
        rings = [(r.number, [p.name for p in r.points[:len(r.xy())]], r.xy())
                 for r in parcel.rings if r.xy()]
        values = {k: parcel.attributes.get(k, "") for k in PARCEL_FIELDS}
        values["界址点数"] = str(sum(len(xy) + 1 for _n, _names, xy in rings))
        values["地块编号"] = parcel.number
        values["地块名称"] = parcel.name
        values["地块面积"] = "" if parcel.declared_area_ha is None else \
            f"{parcel.declared_area_ha:.4f}"
        if "记录图形属性" not in parcel.attributes:  # a parcel made from a polygon
            values["记录图形属性"] = "面"
        out.append(",".join(values[k] for k in PARCEL_FIELDS) + ",@")
        for number, names, xy in rings:
            for j, (e, north) in zip([*names, names[0]], [*xy, xy[0]], strict=True):
                out.append(f"{j},{number},{_fmt(north, decimals)},{_fmt(e, decimals)}")
    return "\r\n".join(out) + "\r\n"


def _unwritable(doc: CoordinateDocument, encoding: str) -> str:
    """Where the first character that ``encoding`` cannot hold is: header key, parcel and field,
    or point name."""
    def bad(text: str) -> str | None:
        for ch in text:
            try:
                ch.encode(encoding)
            except UnicodeEncodeError:
                return ch
        return None

    for key, value in doc.header.items():
        ch = bad(key + value)
        if ch:
            return f"the header line {key}={value} holds {ch!r} (U+{ord(ch):04X})"
    for parcel in doc.parcels:
        fields = {"地块编号": parcel.number, "地块名称": parcel.name,
                  **{k: parcel.attributes.get(k, "") for k in PARCEL_FIELDS[4:]}}
        for key, value in fields.items():
            ch = bad(value or "")
            if ch:
                return (f"parcel {parcel.number or '?'}, field {key}: {value!r} holds {ch!r} "
                        f"(U+{ord(ch):04X})")
        for ring in parcel.rings:
            for pt in ring.points:
                ch = bad(pt.name)
                if ch:
                    return f"parcel {parcel.number}, point {pt.name!r} holds {ch!r} (U+{ord(ch):04X})"
    return "a character"


def write_coordinate_file(doc: CoordinateDocument, path: str | Path,
                          encoding: str = "gbk") -> None:
    text = format_coordinate_file(doc)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        where = _unwritable(doc, encoding)
        raise RedlineFormatError(
            path, None, f"{where} cannot be written in {encoding.upper()}: change it, or write "
            "the file as UTF-8 (--output-encoding utf-8)") from exc
    write_bytes_atomic(path, data)
