"""A ministry coordinate file into another CRS: points transformed with their names, header
rewritten. Vertices added where an edge would bend are named after the point before them
(J5-1, J5-2 …), so the surveyed points keep their names."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import RedlineFormatError
from ..geodesy.bending import pieces_needed
from ..geodesy.params import ParameterSet
from ..geodesy.transforms import check_zone, choose_crs, make_transform, parse_crs, resolve_target
from .io import RedlineSource, read_parcels, write_parcels
from .model import Parcel, parcel_from_rings


def convert_coordinate_file(in_path: Path, out_path: Path, target: str | None, source: str | None,
                            params: ParameterSet | None, bend_tolerance_m: float | None
                            ) -> tuple[str, int]:
    src = read_parcels(in_path, source)
    _src_crs, target = choose_crs(src.crs, source, target, params, str(in_path))
    pts = [pt for p in src.parcels for r in p.rings for pt in r.points]
    e = np.array([pt.easting for pt in pts])
    n = np.array([pt.northing for pt in pts])
    problem = check_zone(src.crs, e, n)
    if problem:
        i, message = problem
        raise RedlineFormatError(in_path, pts[i].line, f"point {pts[i].name}: {message}")
    dst_crs = resolve_target(target, src.crs, params, e, n)
    ct = make_transform(src.crs, dst_crs, params)
    parcels = [_converted(p, ct, bend_tolerance_m) for p in src.parcels]
    out_suffix = Path(out_path).suffix.lower()
    target_crs = parse_crs(dst_crs.to_string())
    write_parcels(RedlineSource(parcels, target_crs, src.document if out_suffix == ".txt"
                                else None), out_path,
                  src.document.encoding if src.document else "gbk")
    return dst_crs.to_string(), len(parcels)


def _converted(parcel: Parcel, ct, tol: float | None) -> Parcel:
    named = []
    for ring in parcel.rings:
        xy = np.asarray(ring.xy(), dtype=float)
        names = [pt.name for pt in ring.points[:len(xy)]]
        if tol and len(xy) >= 2:
            closed = np.vstack([xy, xy[:1]])
            pieces = pieces_needed(ct, closed, tol)
            dense, dense_names = [], []
            for i, k in enumerate(pieces):
                for j in range(k):
                    dense.append(closed[i] + (closed[i + 1] - closed[i]) * (j / k))
                    dense_names.append(names[i] if j == 0 else f"{names[i]}-{j}")
            xy, names = np.array(dense), dense_names
        e, n = ct.transform(xy[:, 0], xy[:, 1])[:2]
        named.append((ring.number, names, list(zip(e.tolist(), n.tolist(), strict=True))))
    return parcel_from_rings(parcel.number, parcel.name, [xy for _n, _names, xy in named],
                             parcel.attributes, parcel.declared_area_ha, named)
