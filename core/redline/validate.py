"""Validation of red-line parcels. Every finding has a code, a severity, the parcel and the
point; invalid geometry is reported, never silently fixed (``repair`` is explicit)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import shapely
from pyproj import CRS

from ..geodesy.transforms import check_zone
from .area import ellipsoidal_area, planar_area
from .model import Parcel

ERROR, WARNING, INFO = "error", "warning", "info"
SPIKE_DEG = 1.0
OVERLAP_MIN_M2 = 0.01  # below this, touching parcels differ by rounding only


@dataclass
class Finding:
    code: str
    severity: str
    parcel: str
    point: str | None
    message: str
    x: float | None = None  # easting of the faulty place, for map markers
    y: float | None = None
    values: dict = field(default_factory=dict)  # the figures, for messages in any language

    def to_dict(self) -> dict:
        return asdict(self)


def _ring_findings(p: Parcel, out: list[Finding]) -> None:
    for ri, ring in enumerate(p.rings):
        pts = ring.points
        label = f"ring {ring.number}"
        if not ring.closed_in_file and len(pts) > 2:
            out.append(Finding("RING_NOT_CLOSED", INFO, p.number, pts[0].name,
                               f"{label} is not closed in the file; closed by joining "
                               f"{pts[-1].name} to {pts[0].name}", pts[0].easting, pts[0].northing))
        arr = np.asarray(ring.xy(), dtype=float).reshape(-1, 2)
        distinct = _distinct_up_to_3(arr)
        if distinct < 3:
            out.append(Finding("TOO_FEW_POINTS", ERROR, p.number, pts[0].name if pts else None,
                               f"{label} has {distinct} distinct point(s); a ring needs 3",
                               *(arr[0] if len(arr) else (None, None))))
            continue
        nxt = np.roll(arr, -1, axis=0)
        same = np.flatnonzero(np.hypot(*(nxt - arr).T) < 1e-4)
        for i in same:
            j = (i + 1) % len(arr)
            out.append(Finding("DUPLICATE_POINT", WARNING, p.number, p.point_named(ri, j),
                               f"{label}: {p.point_named(ri, j)} repeats {p.point_named(ri, i)}",
                               *arr[j]))
        # the hull, not the signed area: a bow tie has zero area but is no degenerate ring
        if shapely.convex_hull(shapely.multipoints(arr - arr[0])).area < 1e-6:
            out.append(Finding("DEGENERATE_RING", ERROR, p.number, pts[0].name,
                               f"{label} encloses no area", *arr[0]))
            continue
        keep = np.ones(len(arr), dtype=bool)
        keep[same] = False
        kept = np.flatnonzero(keep) if keep.sum() >= 3 else np.arange(len(arr))
        clean = arr[kept]
        prev, nxt = np.roll(clean, 1, axis=0), np.roll(clean, -1, axis=0)
        v1, v2 = prev - clean, nxt - clean
        cos = np.einsum("ij,ij->i", v1, v2) / (np.hypot(*v1.T) * np.hypot(*v2.T))
        angle = np.degrees(np.arccos(np.clip(cos, -1, 1)))
        for i in np.flatnonzero(angle < SPIKE_DEG):
            name = p.point_named(ri, kept[i])
            out.append(Finding("SPIKE", WARNING, p.number, name,
                               f"{label}: the boundary turns back at {name} "
                               f"(angle {angle[i]:.3f}°)", *clean[i]))
        ring_line = shapely.LinearRing(clean)
        if not ring_line.is_simple:
            where = shapely.get_coordinates(_self_crossings(clean))
            x, y = where[0] if len(where) else clean[0]
            out.append(Finding("SELF_INTERSECTION", ERROR, p.number, None,
                               f"{label} crosses itself near E {x:.3f} N {y:.3f}", x, y))


def _distinct_up_to_3(xy: np.ndarray) -> int:
    """How many distinct points (to 0.1 mm) the ring has, counting no further than 3."""
    r = np.round(xy, 4)
    if not len(r):
        return 0
    other = (r != r[0]).any(axis=1)
    if not other.any():
        return 1
    third = other & (r != r[np.argmax(other)]).any(axis=1)
    return 3 if third.any() else 2


def _self_crossings(xy: np.ndarray):
    line = shapely.LineString(np.vstack([xy, xy[:1]]))
    noded = shapely.node(line)
    pts = shapely.get_coordinates(noded)
    vals, counts = np.unique(np.round(pts, 6), axis=0, return_counts=True)
    return shapely.multipoints(vals[counts > 2]) if (counts > 2).any() else \
        shapely.multipoints(vals[counts > 1][:1])


def _structure_findings(p: Parcel, out: list[Finding]) -> None:
    polys = [shapely.polygons(np.asarray(xy)) if len(xy) >= 3 else None
             for xy in (r.xy() for r in p.rings)]
    for i in range(len(polys)):
        for j in range(i + 1, len(polys)):
            a, b = polys[i], polys[j]
            if a is None or b is None or not a.is_valid or not b.is_valid:
                continue
            if a.intersects(b) and not (a.covers(b) or b.covers(a)):
                inter = a.intersection(b)
                if inter.area > OVERLAP_MIN_M2:
                    c = inter.representative_point()
                    out.append(Finding(
                        "PARTS_OVERLAP", ERROR, p.number, None,
                        f"ring {p.rings[i].number} and ring {p.rings[j].number} overlap by "
                        f"{inter.area:.2f} m²: neither a hole inside the other nor a separate "
                        "part", c.x, c.y))
    geom = p.geometry
    if geom is not None and not geom.is_empty and not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        if "Self-intersection" not in reason and "Ring Self" not in reason:
            code = "HOLE_OUTSIDE_SHELL" if "Hole" in reason else "INVALID_GEOMETRY"
            loc = shapely.get_coordinates(geom)[0]
            out.append(Finding(code, ERROR, p.number, None, f"invalid polygon: {reason}", *loc))


def validate_parcels(parcels: list[Parcel], crs: CRS | None,
                     area_tolerance_m2: float = 1.0, area_tolerance_rel: float = 0.001
                     ) -> list[Finding]:
    """All findings for the parcels of one file, in parcel order."""
    out: list[Finding] = []
    for p in parcels:
        _ring_findings(p, out)
        _structure_findings(p, out)
        if crs is not None:
            pts = [pt for r in p.rings for pt in r.points]
            e = np.array([pt.easting for pt in pts])
            n = np.array([pt.northing for pt in pts])
            problem = check_zone(crs, e, n)
            if problem:
                i, message = problem
                out.append(Finding("OUTSIDE_ZONE", ERROR, p.number, pts[i].name, message,
                                   float(e[i]), float(n[i])))
        for note in p.notes:
            line = f" (line {note.line})" if note.line else ""
            out.append(Finding(note.code, note.severity, p.number, None, note.message + line))
        if p.declared_area_ha is not None and p.geometry is not None and p.geometry.is_valid \
                and crs is not None and not any(f.parcel == p.number and f.code == "OUTSIDE_ZONE"
                                                for f in out):
            finding = _area_finding(p, crs, area_tolerance_m2, area_tolerance_rel)
            if finding is not None:
                out.append(finding)
    _overlaps_between(parcels, out)
    return out


def _area_finding(p: Parcel, crs: CRS, tol_m2: float, tol_rel: float) -> Finding | None:
    """The declared 地块面积 (hectares) against the measured planar and ellipsoidal areas; a
    value that equals the area in m² is named as such (a unit mistake, not a wrong parcel)."""
    declared = p.declared_area_ha * 10_000.0
    planar = planar_area(p.geometry)
    ellipsoidal = ellipsoidal_area(p.geometry, crs)
    tol = max(tol_m2, tol_rel * planar)
    if min(abs(declared - planar), abs(declared - ellipsoidal)) <= tol:
        return None
    c = p.geometry.representative_point()
    as_m2 = p.declared_area_ha  # the number as written, read as square metres
    if min(abs(as_m2 - planar), abs(as_m2 - ellipsoidal)) <= max(0.1, tol_rel * planar):
        return Finding(
            "AREA_IN_M2", ERROR, p.number, None,
            f"地块面积 {as_m2:.10g} equals the measured area in square metres ({planar:.2f} m² "
            f"planar, {ellipsoidal:.2f} m² ellipsoidal): the file gives m², not hectares. "
            f"Write {planar / 1e4:.4f} (ha) in the file, or read it with --declared-unit m2 "
            "(declared_unit = \"m2\" in the check profile)", c.x, c.y)
    return Finding(
        "AREA_MISMATCH", ERROR, p.number, None,
        f"declared {p.declared_area_ha:.4f} ha but the map gives {planar / 1e4:.4f} ha planar, "
        f"{ellipsoidal / 1e4:.4f} ha ellipsoidal (tolerance {tol:.1f} m²)", c.x, c.y,
        {"declared_ha": p.declared_area_ha, "planar_ha": planar / 1e4,
         "ellipsoidal_ha": ellipsoidal / 1e4})


def _overlaps_between(parcels: list[Parcel], out: list[Finding]) -> None:
    # an invalid parcel is measured through its valid form here only; it stays as it was
    geoms = [shapely.Polygon() if p.geometry is None else
             p.geometry if p.geometry.is_valid else shapely.make_valid(p.geometry)
             for p in parcels]
    if len(geoms) < 2:
        return
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        inter = geoms[i].intersection(geoms[j])
        if inter.area > OVERLAP_MIN_M2:
            c = inter.representative_point()
            out.append(Finding(
                "PARCELS_OVERLAP", ERROR, parcels[i].number, None,
                f"parcel {parcels[i].number} overlaps parcel {parcels[j].number} by "
                f"{inter.area:.2f} m²", c.x, c.y,
                {"other": parcels[j].number, "overlap_m2": inter.area}))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


@dataclass
class Repair:
    parcel: str
    area_before_m2: float
    area_after_m2: float
    vertices_before: int
    vertices_after: int
    note: str


def repair(parcel: Parcel) -> Repair:
    """Explicit repair: drop repeated points and make the polygon valid; says what changed."""
    before = parcel.geometry
    if before is None:
        raise ValueError("parcel has no geometry")
    fixed = shapely.make_valid(shapely.remove_repeated_points(before, 1e-4))
    polys = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon",
                                                                             "MultiPolygon")]
    fixed = shapely.union_all(polys) if polys else shapely.Polygon()
    parcel.geometry = fixed
    a0, a1 = planar_area(before) if before.is_valid else abs(before.area), planar_area(fixed)
    n0, n1 = shapely.get_num_coordinates(before), shapely.get_num_coordinates(fixed)
    note = "no change" if before.equals_exact(fixed, 1e-6) else (
        f"area {a0:.2f} -> {a1:.2f} m², vertices {n0} -> {n1}")
    return Repair(parcel.number, a0, a1, int(n0), int(n1), note)

