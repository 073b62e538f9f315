"""A point CSV (``id,x,y[,h]``, x northing, or ``id,lon,lat[,h]``) into another CRS."""

from __future__ import annotations

from pathlib import Path

from ..errors import CrsError, RedlineFormatError
from .fit_extent import points_outside
from .params import ParameterSet
from .point_files import read_points, write_points
from .transforms import check_zone, choose_crs, make_transform, resolve_target


def convert_points(in_path: Path, out_path: Path, target: str | None, source: str | None,
                   params: ParameterSet | None) -> tuple[str, int, int, float]:
    """Returns (target authid, points, points outside the parameters' extent, its margin)."""
    table = read_points(in_path)
    src_crs, target_spec = choose_crs(None, source, target, params, f"{in_path} (a point CSV)")
    if table.geographic != src_crs.is_geographic:
        kind = "lon,lat" if table.geographic else "x,y"
        raise CrsError(f"{in_path} holds {kind} columns but {src_crs.name} is "
                       f"{'geographic' if src_crs.is_geographic else 'projected'}")
    problem = check_zone(src_crs, table.easting, table.northing)
    if problem:
        i, message = problem
        raise RedlineFormatError(in_path, table.lines[i], f"point {table.ids[i]}: {message}")
    outside, margin = points_outside(params.extent if params else None, src_crs, table.easting,
                                     table.northing)
    dst_crs = resolve_target(target_spec, src_crs, params, table.easting, table.northing)
    ct = make_transform(src_crs, dst_crs, params)
    if table.h is not None:
        e, n, h = ct.transform(table.easting, table.northing, table.h)
    else:
        (e, n, *_), h = ct.transform(table.easting, table.northing), None
    table.easting, table.northing, table.h = e, n, h
    table.geographic = dst_crs.is_geographic
    write_points(out_path, table)
    return dst_crs.to_string(), len(table.ids), outside, margin
