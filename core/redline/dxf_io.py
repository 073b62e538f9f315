"""Red-line parcels from and to DXF (ezdxf): closed polylines, one layer per parcel, X = easting
as in CAD, a TEXT label at every boundary point.

The parcel's fields ride on each ring's polyline as XDATA of the application ``REDLINE``
(``地块编号=…``, ``RING=3`` …), so declared area, name, use, sheet and land class survive a
round trip; point names come back from the labels placed on the vertices.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..errors import RedlineFormatError
from . import point_names
from .columns import AREA, NAME, NUMBER, STANDARD, standard_field
from .model import Parcel, parcel_from_rings

APP = "REDLINE"
_MAX = 250  # bytes of one XDATA string (the format allows 255)
_BAD_LAYER_CHARS = '<>/\\":;?*|=`'


def _layer_name(number: str) -> str:
    name = "".join("_" if ch in _BAD_LAYER_CHARS else ch for ch in (number or "redline"))
    return name.strip() or "redline"


def _xdata(parcel: Parcel, ring_number: int, names: list[str]) -> list[tuple[int, str]]:
    fields = {"NAMES": point_names.compress(names), NUMBER: parcel.number, NAME: parcel.name,
              AREA: "" if parcel.declared_area_ha is None else repr(parcel.declared_area_ha)}
    fields.update({k: v for k, v in parcel.attributes.items() if v not in (None, "")})
    out = [(1000, f"RING={ring_number}")]
    for key, value in fields.items():
        data = f"{key}={value}".encode()
        pieces = []
        while data:  # cut at a character boundary into strings the format can hold
            cut = _MAX
            while cut < len(data) and (data[cut] & 0xC0) == 0x80:
                cut -= 1
            pieces.append(data[:cut].decode("utf-8"))
            data = data[cut:]
        out.append((1000, pieces[0]))
        out += [(1000, "+" + piece) for piece in pieces[1:]]
    return out


def _read_xdata(entity) -> dict[str, str]:
    if not entity.has_xdata(APP):
        return {}
    values: list[str] = []
    for code, value in entity.get_xdata(APP):
        if code != 1000:
            continue
        if value.startswith("+") and values:
            values[-1] += value[1:]
        else:
            values.append(value)
    return dict(v.split("=", 1) for v in values if "=" in v)


def write_dxf_parcels(parcels: list[Parcel], path: Path) -> None:
    import ezdxf

    doc = ezdxf.new("R2010")
    doc.appids.add(APP)
    msp = doc.modelspace()
    for p in parcels:
        layer = _layer_name(p.number)
        if layer not in doc.layers:
            doc.layers.add(layer, color=1)
        for ring in p.rings:
            xy = ring.xy()
            if len(xy) < 3:
                continue
            names = [pt.name for pt in ring.points[:len(xy)]]
            line = msp.add_lwpolyline(xy, close=True, dxfattribs={"layer": layer})
            line.set_xdata(APP, _xdata(p, ring.number, names))
            for pt, (x, y) in zip(ring.points, xy, strict=False):
                msp.add_text(pt.name, height=1.0, dxfattribs={"layer": layer}).set_placement(
                    (x, y))
    with atomic_path(path) as tmp:
        doc.saveas(tmp)


def _labels(msp) -> dict[str, list[tuple[float, float, str]]]:
    out: dict[str, list[tuple[float, float, str]]] = {}
    for t in msp.query("TEXT"):
        out.setdefault(t.dxf.layer, []).append((t.dxf.insert.x, t.dxf.insert.y, t.dxf.text))
    return out


def _names_at(xy: list[tuple[float, float]], labels: list[tuple[float, float, str]]
              ) -> list[str] | None:
    """The label placed on each vertex (within 1 mm), or None when any vertex has none."""
    if not labels:
        return None
    pts = np.array([(x, y) for x, y, _t in labels])
    names = []
    for x, y in xy:
        d = np.hypot(pts[:, 0] - x, pts[:, 1] - y)
        i = int(np.argmin(d))
        if d[i] > 0.001:
            return None
        names.append(labels[i][2])
    return names


def _names_from_xdata(text: str, count: int) -> list[str] | None:
    try:
        names = point_names.expand(text) if text else []
    except ValueError:
        return None
    return names if len(names) == count else None


def read_dxf_parcels(path: Path) -> list[Parcel]:
    import ezdxf

    try:
        doc = ezdxf.readfile(path)
    except (OSError, ezdxf.DXFStructureError) as exc:
        raise RedlineFormatError(path, None, f"cannot read the DXF: {exc}") from exc
    msp = doc.modelspace()
    labels = _labels(msp)
    by_layer: dict[str, list[tuple[list[tuple[float, float]], dict]]] = {}
    for e in msp.query("LWPOLYLINE POLYLINE"):
        if e.dxftype() == "LWPOLYLINE":
            pts = [(float(x), float(y)) for x, y in e.get_points("xy")]
            closed = e.closed
        else:
            pts = [(float(v.dxf.location.x), float(v.dxf.location.y)) for v in e.vertices]
            closed = e.is_closed
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts, closed = pts[:-1], True
        if closed and len(pts) >= 3:
            by_layer.setdefault(e.dxf.layer, []).append((pts, _read_xdata(e)))
    if not by_layer:
        raise RedlineFormatError(path, None, "no closed polyline in the DXF: draw the red line "
                                 "as closed LWPOLYLINEs")
    parcels = []
    for layer, rings in by_layer.items():
        fields = next((x for _xy, x in rings if x), {})
        named = []
        for k, (xy, x) in enumerate(rings, start=1):
            number = int(x["RING"]) if x.get("RING", "").isdigit() else k
            names = _names_from_xdata(x.get("NAMES", ""), len(xy)) or _names_at(
                xy, labels.get(layer, []))
            named.append((number, names, xy))
        if any(names is None for _n, names, _xy in named):
            named = None  # unlabelled rings: J1, J2 … from the start
        else:
            named = [(n, names, xy) for n, names, xy in named]
        attributes = {"layer": layer} if not fields else {}
        for key, value in fields.items():
            field = standard_field(key) or key
            if field in STANDARD[4:] or field not in (NUMBER, NAME, AREA, "RING", "NAMES"):
                attributes[field] = value
        area = fields.get(AREA, "")
        parcels.append(parcel_from_rings(
            fields.get(NUMBER) or layer, fields.get(NAME, layer if not fields else ""),
            [xy for xy, _x in rings], attributes, float(area) if area else None, named))
    return parcels
