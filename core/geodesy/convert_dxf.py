"""A DXF drawing into another CRS: every supported entity's points transformed (X = easting).

Straight lines and straight-edged polylines get vertices where their edges would bend more than
the tolerance (a LINE that must bend becomes an LWPOLYLINE on its layer). Entities whose shape a
non-linear transformation would distort beyond a point list (arcs, circles, splines, blocks) are
refused with their handle, rather than converted wrongly.
"""

from __future__ import annotations

from pathlib import Path

import ezdxf
import numpy as np

from ..atomic import atomic_path
from ..errors import RedlineError, RedlineFormatError
from .bending import densify_bending
from .params import ParameterSet
from .transforms import check_zone, choose_crs, make_transform, resolve_target

POINT_ENTITIES = {"LWPOLYLINE", "POLYLINE", "LINE", "POINT", "TEXT", "MTEXT"}


def _points(e) -> list[tuple[float, float]]:
    kind = e.dxftype()
    if kind == "LWPOLYLINE":
        return [(float(x), float(y)) for x, y in e.get_points("xy")]
    if kind == "POLYLINE":
        return [(v.dxf.location.x, v.dxf.location.y) for v in e.vertices]
    if kind == "LINE":
        return [(e.dxf.start.x, e.dxf.start.y), (e.dxf.end.x, e.dxf.end.y)]
    if kind == "POINT":
        return [(e.dxf.location.x, e.dxf.location.y)]
    return [(e.dxf.insert.x, e.dxf.insert.y)]


def _set_points(e, xy: np.ndarray) -> None:
    kind = e.dxftype()
    if kind == "LWPOLYLINE":
        old = list(e.get_points("xyseb"))
        e.set_points([(x, y, s, en, b) for (x, y), (_, _, s, en, b) in zip(xy, old, strict=True)],
                     format="xyseb")
    elif kind == "POLYLINE":
        for v, (x, y) in zip(e.vertices, xy, strict=True):
            v.dxf.location = (x, y, v.dxf.location.z)
    elif kind == "LINE":
        e.dxf.start = (xy[0][0], xy[0][1], e.dxf.start.z)
        e.dxf.end = (xy[1][0], xy[1][1], e.dxf.end.z)
    elif kind == "POINT":
        e.dxf.location = (xy[0][0], xy[0][1], e.dxf.location.z)
    else:
        e.dxf.insert = (xy[0][0], xy[0][1], e.dxf.insert.z)
        if kind == "TEXT" and e.dxf.hasattr("align_point"):
            e.dxf.align_point = (xy[0][0], xy[0][1], 0.0)


def _densified(ct, e, xy: np.ndarray, tol: float | None) -> np.ndarray | None:
    """The vertices a straight-edged LINE or LWPOLYLINE needs so that no edge bends more than
    ``tol`` once transformed; None when it needs none (or may not be changed: bulges)."""
    kind = e.dxftype()
    if not tol or kind not in ("LINE", "LWPOLYLINE") or len(xy) < 2:
        return None
    closed = kind == "LWPOLYLINE" and e.closed
    if kind == "LWPOLYLINE" and any(b for *_xy, b in e.get_points("xyb")):
        return None  # arcs: their vertices are moved, the bulges kept
    line = np.vstack([xy, xy[:1]]) if closed else xy
    dense = densify_bending(ct, line, tol)
    if len(dense) == len(line):
        return None
    return dense[:-1] if closed else dense


def convert_dxf(in_path: Path, out_path: Path, target: str | None, source: str | None,
                params: ParameterSet | None, bend_tolerance_m: float | None) -> tuple[str, int]:
    try:
        doc = ezdxf.readfile(in_path)
    except (OSError, ezdxf.DXFStructureError) as exc:
        raise RedlineFormatError(in_path, None, f"cannot read the DXF: {exc}") from exc
    entities = list(doc.modelspace())
    unsupported = [e for e in entities if e.dxftype() not in POINT_ENTITIES]
    if unsupported:
        kinds = sorted({e.dxftype() for e in unsupported})
        raise RedlineError(
            f"{in_path}: cannot convert {', '.join(kinds)} (first: handle "
            f"{unsupported[0].dxf.handle}): explode them to polylines in CAD first")
    lists = [_points(e) for e in entities]
    flat = np.array([p for pts in lists for p in pts], dtype=float).reshape(-1, 2)
    src_crs, target = choose_crs(None, source, target, params, f"{in_path} (a DXF)")
    problem = check_zone(src_crs, flat[:, 0], flat[:, 1])
    if problem:
        i, message = problem
        raise RedlineFormatError(in_path, None, f"point {i + 1}: {message}")
    dst_crs = resolve_target(target, src_crs, params, flat[:, 0], flat[:, 1])
    ct = make_transform(src_crs, dst_crs, params)
    msp = doc.modelspace()
    for e, pts in zip(entities, lists, strict=True):
        xy = np.asarray(pts, dtype=float).reshape(-1, 2)
        dense = _densified(ct, e, xy, bend_tolerance_m)
        if dense is None:
            x, y = ct.transform(xy[:, 0], xy[:, 1])[:2]
            _set_points(e, np.column_stack([x, y]))
            continue
        x, y = ct.transform(dense[:, 0], dense[:, 1])[:2]
        points = list(zip(x.tolist(), y.tolist(), strict=True))
        if e.dxftype() == "LINE":
            msp.add_lwpolyline(points, dxfattribs={"layer": e.dxf.layer,
                                                   "color": e.dxf.color})
            msp.delete_entity(e)
        else:
            e.set_points(points, format="xy")
    with atomic_path(out_path) as tmp:
        doc.saveas(tmp)
    return dst_crs.to_string(), len(entities)
