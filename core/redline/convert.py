"""A ministry coordinate file into another CRS: points transformed, header rewritten."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import RedlineFormatError
from ..geodesy.bending import transform_geometry
from ..geodesy.params import ParameterSet
from ..geodesy.transforms import check_zone, choose_crs, make_transform, parse_crs, resolve_target
from .gis_io import parcel_from_geometry
from .io import RedlineSource, read_parcels, write_parcels


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
    parcels = []
    for p in src.parcels:
        geom = transform_geometry(p.geometry, ct, bend_tolerance_m)
        parcels.append(parcel_from_geometry(p.number, p.name, geom, p.attributes,
                                            p.declared_area_ha))
    out_suffix = Path(out_path).suffix.lower()
    target_crs = parse_crs(dst_crs.to_string())
    write_parcels(RedlineSource(parcels, target_crs, src.document if out_suffix == ".txt"
                                else None), out_path,
                  src.document.encoding if src.document else "gbk")
    return dst_crs.to_string(), len(parcels)
