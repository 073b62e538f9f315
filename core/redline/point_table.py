"""The boundary-point table (界址点成果表): point, X (northing), Y (easting), edge length."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from ..atomic import write_text_atomic
from .model import Parcel


def point_rows(parcel: Parcel) -> list[dict]:
    """Rows in the file's order with the file's point names, each ring closed; edge length to
    the next point (m)."""
    rows = []
    for ring in parcel.rings:
        xy = ring.xy()
        if not xy:
            continue
        names = [p.name for p in ring.points[:len(xy)]]
        closed = list(zip([*names, names[0]], [*xy, xy[0]], strict=True))
        for i, (name, (e, north)) in enumerate(closed):
            edge = None
            if i < len(xy):
                _j, (e2, n2) = closed[i + 1]
                edge = math.hypot(e2 - e, n2 - north)
            rows.append({"parcel": parcel.number, "ring": ring.number, "point": name,
                         "x_northing": north, "y_easting": e, "edge_m": edge})
    return rows


def write_point_table_csv(parcels: list[Parcel], path: str | Path) -> None:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["parcel", "ring", "point", "x", "y", "edge_m"])
    for p in parcels:
        for r in point_rows(p):
            w.writerow([r["parcel"], r["ring"], r["point"], f"{r['x_northing']:.3f}",
                        f"{r['y_easting']:.3f}", "" if r["edge_m"] is None else f"{r['edge_m']:.3f}"])
    write_text_atomic(path, out.getvalue(), encoding="utf-8-sig")
