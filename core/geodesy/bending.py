"""Straight edges bend under a change of projection: find the edges that bend more than a
tolerance and densify only those (a similarity transformation adds no vertex).

The deviation of a transformed edge a→b from the chord of its transformed ends is, to second
order, |T(m) − (T(a) + T(b))/2| ≈ ⅛·|∂²T/∂d²|·L² for an edge of length L in direction d. A bound
of the transformation's second derivative over the data's extent, taken once on a grid, tells
which edges are short enough to need no test at all; only the longer ones are tested exactly.
"""

from __future__ import annotations

import numpy as np
import shapely

from .transforms import CoordinateTransform

_DEG_M = 111_320.0  # metres per degree of latitude (and at most per degree of longitude)
_SAFETY = 4.0  # the grid bound times this covers curvature between grid nodes


def metres_per_unit(ct: CoordinateTransform) -> float:
    """Metres per unit of the target CRS (degrees count at their largest, on the meridian)."""
    return _DEG_M if ct.target.is_geographic else 1.0


def edge_deviation(ct: CoordinateTransform, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Metres by which each transformed edge a→b (source, easting-first) leaves its chord."""
    m = len(a)
    pts = np.concatenate([a, b, (a + b) / 2.0])
    tx, ty = ct.transform(pts[:, 0], pts[:, 1])[:2]
    chord_x = (tx[:m] + tx[m:2 * m]) / 2.0
    chord_y = (ty[:m] + ty[m:2 * m]) / 2.0
    return np.hypot(tx[2 * m:] - chord_x, ty[2 * m:] - chord_y) * metres_per_unit(ct)


def pieces_needed(ct: CoordinateTransform, xy: np.ndarray, tol: float) -> np.ndarray:
    """Pieces each edge of the line ``xy`` must be cut into so it bends less than ``tol``."""
    dev = edge_deviation(ct, xy[:-1], xy[1:])
    # the sagitta of a gently curving edge grows with the square of its length
    return np.where(dev > tol, np.ceil(np.sqrt(dev / tol)), 1).astype(int)


def densify_bending(ct: CoordinateTransform, xy: np.ndarray, tol: float) -> np.ndarray:
    """The line ``xy`` (source CRS) with vertices added where its edges would bend."""
    if len(xy) < 2:
        return xy
    pieces = pieces_needed(ct, xy, tol)
    if pieces.max() == 1:
        return xy
    out = [xy[:1]]
    for i, k in enumerate(pieces):
        t = np.arange(1, k + 1)[:, None] / k
        out.append(xy[i] + (xy[i + 1] - xy[i]) * t)
    return np.concatenate(out)


def _densify_geometry(geom, ct: CoordinateTransform, tol: float):
    kind = geom.geom_type
    if geom.has_z:
        return geom
    if kind == "LineString":
        return shapely.LineString(densify_bending(ct, shapely.get_coordinates(geom), tol))
    if kind == "LinearRing":
        return shapely.LinearRing(densify_bending(ct, shapely.get_coordinates(geom), tol))
    if kind == "Polygon":
        rings = [densify_bending(ct, np.asarray(r.coords), tol)
                 for r in [geom.exterior, *geom.interiors]]
        return shapely.Polygon(rings[0], rings[1:])
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return type(geom)([_densify_geometry(g, ct, tol) for g in geom.geoms])
    return geom


def transform_geometry(geom, ct: CoordinateTransform, bend_tolerance_m: float | None):
    """A shapely geometry transformed, edges densified where they would bend."""
    if bend_tolerance_m:
        geom = _densify_geometry(geom, ct, bend_tolerance_m)
    has_z = shapely.has_z(geom)

    def fn(coords: np.ndarray) -> np.ndarray:
        if has_z:
            x, y, z = ct.transform(coords[:, 0], coords[:, 1], coords[:, 2])
            return np.column_stack([x, y, z])
        x, y = ct.transform(coords[:, 0], coords[:, 1])[:2]
        return np.column_stack([x, y])

    return shapely.transform(geom, fn, include_z=has_z)


def curvature_bound(ct: CoordinateTransform, bounds: tuple[float, float, float, float]) -> float:
    """An upper bound of |∂²T/∂d²| (metres per source unit²) over ``bounds`` (source CRS):
    second differences on a 9 × 9 grid in four directions, times a safety factor."""
    x0, y0, x1, y1 = bounds
    span = max(x1 - x0, y1 - y0)
    # a step of 1/20 of the extent (at least a few metres, or ~1e-4° in degrees)
    h = max(span / 20.0, 1e-4 if ct.source.is_geographic else 5.0)
    gx, gy = np.meshgrid(np.linspace(x0, x1, 9), np.linspace(y0, y1, 9))
    centre = np.column_stack([gx.ravel(), gy.ravel()])
    worst = 0.0
    for d in ((1.0, 0.0), (0.0, 1.0), (0.7071067811865476, 0.7071067811865476),
              (0.7071067811865476, -0.7071067811865476)):
        step = np.array(d) * h
        pts = np.concatenate([centre - step, centre, centre + step])
        tx, ty = ct.transform(pts[:, 0], pts[:, 1])[:2]
        k = len(centre)
        sx = tx[:k] - 2 * tx[k:2 * k] + tx[2 * k:]
        sy = ty[:k] - 2 * ty[k:2 * k] + ty[2 * k:]
        worst = max(worst, float(np.max(np.hypot(sx, sy))) / h ** 2)
    return worst * metres_per_unit(ct) * _SAFETY


def longest_safe_edge(ct: CoordinateTransform, bounds: tuple[float, float, float, float],
                      tol: float) -> float:
    """Edges shorter than this (source units) cannot bend more than ``tol`` metres."""
    kappa = curvature_bound(ct, bounds)
    return float("inf") if kappa <= 0 else float(np.sqrt(8.0 * tol / kappa))


def bending_features(ct: CoordinateTransform, geoms: np.ndarray, tol: float,
                     bounds: tuple[float, float, float, float]) -> np.ndarray:
    """Indices of the shapely ``geoms`` with at least one edge bending more than ``tol``.

    Vectorised: a feature whose bounding box is shorter than the safe edge length is cleared at
    once; the edges of the others are tested exactly in one transformation call.
    """
    safe = longest_safe_edge(ct, bounds, tol)
    if not np.isfinite(safe):
        return np.empty(0, dtype=int)
    box = shapely.bounds(geoms)
    diag = np.hypot(box[:, 2] - box[:, 0], box[:, 3] - box[:, 1])
    suspects = np.flatnonzero(np.nan_to_num(diag) >= safe)
    if suspects.size == 0:
        return suspects
    parts, part_owner = shapely.get_parts(geoms[suspects], return_index=True)
    polys = shapely.get_type_id(parts) == 3
    rings, ring_part = shapely.get_rings(parts[polys], return_index=True)
    lines = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
    line_owner = part_owner[np.isin(shapely.get_type_id(parts), (1, 2))]
    chains = np.concatenate([rings, lines])
    chain_owner = np.concatenate([part_owner[polys][ring_part], line_owner])
    coords, chain = shapely.get_coordinates(chains, return_index=True)
    same = chain[1:] == chain[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    owner = chain_owner[chain[:-1][same]]
    long_edges = np.hypot(*(b - a).T) >= safe
    dev = edge_deviation(ct, a[long_edges], b[long_edges])
    bad = np.unique(owner[long_edges][dev > tol])
    return suspects[bad]
