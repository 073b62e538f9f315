"""Batch conversion of whole files into another CRS, attributes and encodings kept.

Formats: point CSV, GeoPackage (every layer), Shapefile (.cpg/.prj), GeoJSON, DXF and the
ministry coordinate file. Straight edges bend under a change of projection, so an edge whose
transformed midpoint strays more than ``bend_tolerance_m`` from the transformed chord is split
(only where needed: a similarity transform adds no vertex).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import fiona
import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry import mapping, shape

from ..atomic import atomic_path
from ..errors import CrsError, RedlineError, RedlineFormatError
from ..textfiles import shapefile_encoding
from .params import ParameterSet
from .point_files import read_points, write_points
from .transforms import (
    CGCS2000,
    CoordinateTransform,
    auto_3deg_target,
    check_zone,
    make_transform,
    parse_crs,
)

Progress = Callable[[float, str], None]
VECTOR_SUFFIXES = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON",
                   ".json": "GeoJSON"}
SUPPORTED = (".csv", ".txt", ".dxf", *VECTOR_SUFFIXES)


def resolve_target(target: str, source: CRS, params: ParameterSet | None,
                   easting: np.ndarray, northing: np.ndarray) -> CRS:
    """``auto-3deg`` picks the CGCS2000 3° zone (prefixed) of the data; else parse the CRS."""
    if target.strip().lower() != "auto-3deg":
        return parse_crs(target)
    to_geo = make_transform(source, CGCS2000, params)
    lon, _lat = to_geo.transform(easting, northing)
    return auto_3deg_target(lon)


def _edges_need(ct: CoordinateTransform, xy: np.ndarray, tol: float) -> np.ndarray:
    """Pieces each edge of the line ``xy`` must be cut into so it bends less than ``tol``."""
    a, b = xy[:-1], xy[1:]
    mid = (a + b) / 2.0
    pts = np.concatenate([a, b, mid])
    tx, ty = ct.transform(pts[:, 0], pts[:, 1])[:2]
    m = len(a)
    ta = np.column_stack([tx[:m], ty[:m]])
    tb = np.column_stack([tx[m:2 * m], ty[m:2 * m]])
    tm = np.column_stack([tx[2 * m:], ty[2 * m:]])
    dev = np.hypot(*(tm - (ta + tb) / 2.0).T)
    # the sagitta of a gently curving edge grows with the square of its length
    return np.where(dev > tol, np.ceil(np.sqrt(dev / tol)), 1).astype(int)


def densify_bending(ct: CoordinateTransform, xy: np.ndarray, tol: float) -> np.ndarray:
    if len(xy) < 2:
        return xy
    pieces = _edges_need(ct, xy, tol)
    if pieces.max() == 1:
        return xy
    out = [xy[:1]]
    for i, k in enumerate(pieces):
        t = np.arange(1, k + 1)[:, None] / k
        out.append(xy[i] + (xy[i + 1] - xy[i]) * t)
    return np.concatenate(out)


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


def _densify_geometry(geom, ct, tol):
    kind = geom.geom_type
    if kind == "LineString":
        return shapely.LineString(densify_bending(ct, shapely.get_coordinates(geom, include_z=False),
                                                tol)) if not geom.has_z else geom
    if kind == "Polygon":
        if geom.has_z:
            return geom
        rings = [densify_bending(ct, np.asarray(r.coords), tol)
                 for r in [geom.exterior, *geom.interiors]]
        return shapely.Polygon(rings[0], rings[1:])
    if kind.startswith("Multi") or kind == "GeometryCollection":
        parts = [_densify_geometry(g, ct, tol) for g in geom.geoms]
        return type(geom)(parts)
    return geom


def _coords_of(geoms) -> tuple[np.ndarray, np.ndarray]:
    xy = shapely.get_coordinates(np.array(geoms, dtype=object))
    return xy[:, 0], xy[:, 1]


def _check_source(path: Path, crs: CRS, easting, northing, label: Callable[[int], str]) -> None:
    problem = check_zone(crs, easting, northing)
    if problem:
        i, message = problem
        raise RedlineFormatError(path, None, f"{label(i)}: {message}")


def convert_vector(in_path: Path, out_path: Path, target: str, source: str | None,
                   params: ParameterSet | None, bend_tolerance_m: float | None) -> tuple[str, int]:
    """GeoPackage / Shapefile / GeoJSON, every layer; returns (target authid, features)."""
    driver = VECTOR_SUFFIXES.get(out_path.suffix.lower())
    if driver is None:
        raise RedlineError(f"{out_path}: write .gpkg, .shp or .geojson")
    try:
        layers = fiona.listlayers(in_path)
    except Exception as exc:  # fiona raises several driver errors; all mean "cannot open"
        raise RedlineFormatError(in_path, None, f"cannot open as a GIS file: {exc}") from exc
    if driver != "GPKG" and len(layers) > 1:
        raise RedlineError(f"{in_path} has {len(layers)} layers; write them to a .gpkg")
    total = 0
    target_crs: CRS | None = None
    with atomic_path(out_path) as tmp:
        for layer in layers:
            with fiona.open(in_path, layer=layer, encoding=shapefile_encoding(in_path)) as src:
                if source:
                    src_crs = parse_crs(source)
                elif src.crs_wkt:
                    src_crs = CRS.from_wkt(src.crs_wkt)
                else:
                    raise CrsError(f"{in_path} layer {layer!r} has no CRS: pass --source")
                feats = list(src)
                geoms = [shape(f.geometry) if f.geometry else None for f in feats]
                present = [g for g in geoms if g is not None]
                e, n = _coords_of(present) if present else (np.array([]), np.array([]))
                fids = [f.id for f, g in zip(feats, geoms, strict=True) if g is not None]
                counts = shapely.get_num_coordinates(np.array(present, dtype=object))
                owner = np.repeat(np.arange(len(present)), counts)
                _check_source(in_path, src_crs, e, n,
                              lambda i, o=owner, f=fids, ly=layer: f"layer {ly}, feature {f[o[i]]}")
                if target_crs is None:
                    target_crs = resolve_target(target, src_crs, params, e, n)
                ct = make_transform(src_crs, target_crs, params)
                schema = dict(src.schema)
                kwargs = {}
                if driver == "ESRI Shapefile":
                    kwargs["encoding"] = shapefile_encoding(in_path) or "UTF-8"
                with fiona.open(tmp, "w", driver=driver, schema=schema,
                                layer=layer if driver == "GPKG" else None,
                                crs_wkt=target_crs.to_wkt(), **kwargs) as dst:
                    out = []
                    for f, g in zip(feats, geoms, strict=True):
                        geom = None
                        if g is not None:
                            geom = mapping(transform_geometry(g, ct, bend_tolerance_m))
                        out.append({"geometry": geom, "properties": dict(f.properties)})
                    dst.writerecords(out)
                total += len(feats)
    assert target_crs is not None
    return target_crs.to_string(), total


def convert_points(in_path: Path, out_path: Path, target: str, source: str | None,
                   params: ParameterSet | None) -> tuple[str, int]:
    if not source:
        raise CrsError(f"{in_path}: a point CSV carries no CRS; pass --source")
    table = read_points(in_path)
    src_crs = parse_crs(source)
    if table.geographic != src_crs.is_geographic:
        kind = "lon,lat" if table.geographic else "x,y"
        raise CrsError(f"{in_path} holds {kind} columns but {src_crs.name} is "
                       f"{'geographic' if src_crs.is_geographic else 'projected'}")
    problem = check_zone(src_crs, table.easting, table.northing)
    if problem:
        i, message = problem
        raise RedlineFormatError(in_path, table.lines[i], f"point {table.ids[i]}: {message}")
    dst_crs = resolve_target(target, src_crs, params, table.easting, table.northing)
    ct = make_transform(src_crs, dst_crs, params)
    if table.h is not None:
        e, n, h = ct.transform(table.easting, table.northing, table.h)
    else:
        (e, n, *_), h = ct.transform(table.easting, table.northing), None
    table.easting, table.northing, table.h = e, n, h
    table.geographic = dst_crs.is_geographic
    write_points(out_path, table)
    return dst_crs.to_string(), len(table.ids)


def convert_file(in_path: str | Path, out_path: str | Path, target: str,
                 source: str | None = None, params: ParameterSet | None = None,
                 bend_tolerance_m: float | None = 0.001) -> tuple[str, int]:
    """Convert one file; returns (target CRS, number of features or points)."""
    src, dst = Path(in_path), Path(out_path)
    if not src.exists():
        raise RedlineFormatError(src, None, "no such file")
    if src.resolve() == dst.resolve():
        raise RedlineError(f"{dst}: the output would overwrite the input")
    suffix = src.suffix.lower()
    if suffix == ".csv":
        return convert_points(src, dst, target, source, params)
    if suffix == ".txt":
        from ..redline.convert import convert_coordinate_file

        return convert_coordinate_file(src, dst, target, source, params, bend_tolerance_m)
    if suffix == ".dxf":
        from .convert_dxf import convert_dxf

        if not source:
            raise CrsError(f"{src}: a DXF carries no CRS; pass --source")
        return convert_dxf(src, dst, target, source, params, bend_tolerance_m)
    if suffix in VECTOR_SUFFIXES:
        return convert_vector(src, dst, target, source, params, bend_tolerance_m)
    raise RedlineError(f"{src}: unsupported file type {suffix!r}; use {', '.join(SUPPORTED)}")


def convert_folder(in_dir: str | Path, out_dir: str | Path, target: str,
                   source: str | None = None, params: ParameterSet | None = None,
                   bend_tolerance_m: float | None = 0.001,
                   progress: Progress | None = None) -> list[tuple[str, str, int]]:
    """Every supported file of ``in_dir`` into ``out_dir`` (same names). Stops at the first
    bad file: files already converted stay, the bad one leaves nothing behind."""
    src_dir, dst_dir = Path(in_dir), Path(out_dir)
    files = sorted(p for p in src_dir.iterdir() if p.suffix.lower() in SUPPORTED and p.is_file())
    if not files:
        raise RedlineError(f"{src_dir}: no {', '.join(SUPPORTED)} files to convert")
    done = []
    for i, f in enumerate(files):
        if progress:
            progress(100.0 * i / len(files), f.name)
        crs, count = convert_file(f, dst_dir / f.name, target, source, params, bend_tolerance_m)
        done.append((str(f), crs, count))
    if progress:
        progress(100.0, "done")
    return done

