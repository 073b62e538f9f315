"""Where a parameter set was fitted, and how many points of a conversion lie well outside it.

Fitted parameters are an interpolation between the common points; far outside their convex hull
the conversion extrapolates and its error grows with the distance. "Well outside" is farther
than max(20 % of the common points' span, 1 km) from their hull.
"""

from __future__ import annotations

import numpy as np
import shapely

from .transforms import make_transform, parse_crs

MARGIN_SHARE, MARGIN_MIN_M = 0.2, 1000.0


def hull_extent(src_en: np.ndarray, crs: str) -> dict:
    """The common points' convex hull (easting-first, in ``crs``) and span (largest distance)."""
    pts = np.asarray(src_en, dtype=float).reshape(-1, 2)
    hull = shapely.convex_hull(shapely.multipoints(pts))
    coords = shapely.get_coordinates(hull)
    diff = pts[:, None, :] - pts[None, :, :]
    span = float(np.sqrt(np.max(np.sum(diff * diff, axis=2)))) if len(pts) > 1 else 0.0
    return {"crs": crs, "hull_en": [[round(float(a), 3), round(float(b), 3)] for a, b in coords],
            "span_m": round(span, 1)}


def _area(extent: dict):
    hull = shapely.convex_hull(shapely.multipoints(np.asarray(extent["hull_en"], dtype=float)))
    margin = max(MARGIN_SHARE * float(extent.get("span_m", 0.0)), MARGIN_MIN_M)
    area = shapely.buffer(hull, margin, quad_segs=4)
    shapely.prepare(area)
    return area, margin


def points_outside(extent: dict | None, crs, easting: np.ndarray, northing: np.ndarray
                   ) -> tuple[int, float]:
    """(how many of the points lie well outside the fitted extent, the margin in metres)."""
    if not extent or len(easting) == 0:
        return 0, 0.0
    area, margin = _area(extent)
    e, n = np.asarray(easting, dtype=float), np.asarray(northing, dtype=float)
    home = parse_crs(extent["crs"])
    if not parse_crs(crs.to_wkt() if hasattr(crs, "to_wkt") else crs).equals(home):
        e, n = make_transform(crs, home).transform(e, n)[:2]
    # the area is convex: points inside the bounding box's corners need no test of their own
    corners = np.array([[e.min(), n.min()], [e.min(), n.max()], [e.max(), n.min()],
                        [e.max(), n.max()]])
    if shapely.contains_xy(area, corners[:, 0], corners[:, 1]).all():
        return 0, margin
    return int(np.count_nonzero(~shapely.contains_xy(area, e, n))), margin
