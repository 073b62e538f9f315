"""Legal areas of red-line parcels: planar in the 3° zone, ellipsoidal by the land-survey formula.

Ellipsoidal area (国土调查办发〔2008〕32号): vertices back to latitude/longitude on the CRS's own
ellipsoid, then the sum of latitude/longitude trapezoids
S = 2b²ΔL·[A sin(ΔB/2)cos Bm − B sin(3ΔB/2)cos 3Bm + C sin(5ΔB/2)cos 5Bm − D sin(7ΔB/2)cos 7Bm
+ E sin(9ΔB/2)cos 9Bm]. Each edge's trapezoid is taken against the ring's lowest latitude (the
reference cancels over a closed ring), and edges are first cut into pieces of at most
``DENSIFY_M`` in the plane, because a straight plane edge is a curve in latitude/longitude.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from pyproj import CRS, Transformer

from ..units import adjusted_parts, area_units

DENSIFY_M = 5.0


@dataclass(frozen=True)
class EllipsoidTerms:
    b: float
    coeffs: tuple[float, float, float, float, float]  # A, B, C, D, E


def ellipsoid_terms(a: float, inverse_flattening: float) -> EllipsoidTerms:
    f = 1.0 / inverse_flattening
    b = a * (1.0 - f)
    e2 = 2 * f - f * f
    e4, e6, e8 = e2 * e2, e2 ** 3, e2 ** 4
    big_a = 1 + 3 / 6 * e2 + 30 / 80 * e4 + 35 / 112 * e6 + 630 / 2304 * e8
    big_b = 1 / 6 * e2 + 15 / 80 * e4 + 21 / 112 * e6 + 420 / 2304 * e8
    big_c = 3 / 80 * e4 + 7 / 112 * e6 + 180 / 2304 * e8
    big_d = 1 / 112 * e6 + 45 / 2304 * e8
    big_e = 5 / 2304 * e8
    return EllipsoidTerms(b, (big_a, big_b, big_c, big_d, big_e))


def planar_ring_area(xy: np.ndarray) -> float:
    """Signed shoelace area around a local origin (eastings near 4e7 would cost precision)."""
    if len(xy) < 3:
        return 0.0
    local = xy - xy[0]
    x, y = local[:, 0], local[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def _rings(geom) -> list[tuple[np.ndarray, bool]]:
    """(vertices without closing repeat, is_hole) of every ring of a (Multi)Polygon."""
    out = []
    for part in getattr(geom, "geoms", [geom]):
        if part.is_empty:
            continue
        out.append((np.asarray(part.exterior.coords)[:-1, :2], False))
        out.extend((np.asarray(h.coords)[:-1, :2], True) for h in part.interiors)
    return out


def planar_area(geom) -> float:
    return sum(-abs(planar_ring_area(r)) if hole else abs(planar_ring_area(r))
               for r, hole in _rings(geom))


def densify_ring(xy: np.ndarray, max_len: float = DENSIFY_M) -> np.ndarray:
    closed = np.vstack([xy, xy[:1]])
    step = np.diff(closed, axis=0)
    pieces = np.maximum(1, np.ceil(np.hypot(*step.T) / max_len).astype(int))
    # every segment's start repeated once per piece, plus the fraction of the way along it
    owner = np.repeat(np.arange(len(pieces)), pieces)
    first = np.cumsum(pieces) - pieces
    frac = (np.arange(pieces.sum()) - first[owner]) / pieces[owner]
    return closed[owner] + step[owner] * frac[:, None]


def trapezoid_ring_area(lon_rad: np.ndarray, lat_rad: np.ndarray, terms: EllipsoidTerms) -> float:
    """Signed area by the survey formula, for a ring given in radians without closing repeat."""
    lon2, lat2 = np.roll(lon_rad, -1), np.roll(lat_rad, -1)
    d_lon = lon2 - lon_rad
    b_edge = (lat_rad + lat2) / 2.0  # the edge's latitude (midpoint rule on a densified ring)
    b0 = float(lat_rad.min())
    d_b = b_edge - b0
    b_m = (b_edge + b0) / 2.0
    ca, cb, cc, cd, ce = terms.coeffs
    bracket = (ca * np.sin(d_b / 2) * np.cos(b_m) - cb * np.sin(3 * d_b / 2) * np.cos(3 * b_m)
               + cc * np.sin(5 * d_b / 2) * np.cos(5 * b_m)
               - cd * np.sin(7 * d_b / 2) * np.cos(7 * b_m)
               + ce * np.sin(9 * d_b / 2) * np.cos(9 * b_m))
    return float(2 * terms.b ** 2 * np.sum(d_lon * bracket))


_LOCAL = threading.local()


def _to_geographic(crs: CRS) -> Transformer:
    """The zone -> lon/lat transformer, made once per CRS and thread (making one costs more
    than measuring a parcel; a server thread measures thousands)."""
    cache = getattr(_LOCAL, "transformers", None)
    if cache is None:
        cache = _LOCAL.transformers = {}
    key = crs.srs or crs.to_wkt()
    if key not in cache:
        cache[key] = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    return cache[key]


def ellipsoidal_area(geom, crs: CRS, densify_m: float = DENSIFY_M) -> float:
    """Area on the CRS's ellipsoid (m²) of a polygon given in that projected CRS."""
    ell = crs.ellipsoid
    terms = ellipsoid_terms(ell.semi_major_metre, ell.inverse_flattening)
    tr = _to_geographic(crs)
    total = 0.0
    for ring, hole in _rings(geom):
        dense = densify_ring(ring, densify_m)
        lon, lat = tr.transform(dense[:, 0], dense[:, 1], errcheck=True)
        s = abs(trapezoid_ring_area(np.radians(lon), np.radians(lat), terms))
        total += -s if hole else s
    return total


@dataclass
class ParcelArea:
    number: str
    name: str
    planar_m2: float
    ellipsoidal_m2: float
    parts: int
    holes: int

    def to_dict(self) -> dict:
        units = area_units(self.ellipsoidal_m2)
        return {
            "number": self.number,
            "name": self.name,
            "planar_m2": round(self.planar_m2, 4),
            "ellipsoidal_m2": round(self.ellipsoidal_m2, 4),
            "hectares": units["hectares"],
            "mu": units["mu"],
            "parts": self.parts,
            "holes": self.holes,
        }


def parcel_area(number: str, name: str, geom, crs: CRS) -> ParcelArea:
    parts = [p for p in getattr(geom, "geoms", [geom]) if not p.is_empty]
    holes = sum(len(p.interiors) for p in parts)
    return ParcelArea(number, name, planar_area(geom), ellipsoidal_area(geom, crs),
                      len(parts), holes)


def adjusted_hectares(areas_m2: list[float]) -> tuple[list[float], float]:
    """Parcel hectares (4 decimals) adjusted so they add up to the rounded total."""
    parts, total = adjusted_parts([a / 10_000.0 for a in areas_m2], 4)
    return [float(p) for p in parts], float(total)


def geodesic_area(geom, crs: CRS, densify_m: float = DENSIFY_M) -> float:
    """GeographicLib's area of the same densified vertices: the independent check."""
    geod = crs.get_geod()
    tr = _to_geographic(crs)
    total = 0.0
    for ring, hole in _rings(geom):
        dense = densify_ring(ring, densify_m)
        lon, lat = tr.transform(dense[:, 0], dense[:, 1])
        s = abs(geod.polygon_area_perimeter(lon, lat)[0])
        total += -s if hole else s
    return total

