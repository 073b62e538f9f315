"""GeoPackage, Shapefile and GeoJSON layers into another CRS in bulk, through GDAL.

The same GDAL as QGIS does the reading and writing, so a layer of a million polygons converts at
ogr2ogr's speed. Per layer:

1. one scan through GDAL's Arrow stream, in batches (memory bounded whatever the layer's size),
   checks that the coordinates fit the source CRS, finds the few features with edges that would
   bend more than the tolerance (``bending``) and counts points outside the parameters' extent;
2. ``gdal.VectorTranslate`` (ogr2ogr in process) writes the layer with our PROJ pipeline as its
   coordinate operation: attributes, field types, encodings and FIDs as GDAL keeps them;
3. the bending features, if any, are rewritten with their densified geometry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS

from ..atomic import atomic_path
from ..dbf_encoding import shapefile_encoding
from ..errors import CrsError, RedlineError, RedlineFormatError
from .bending import bending_features, longest_safe_edge, transform_geometry
from .fit_extent import points_outside
from .params import ParameterSet
from .transforms import CoordinateTransform, check_zone, choose_crs, make_transform, resolve_target

DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON"}
BATCH = 65_536
Progress = Callable[[float, str], bool | None]  # returns False to cancel


@dataclass
class LayerResult:
    name: str
    features: int = 0
    densified: int = 0
    outside_extent: int = 0
    margin_m: float = 0.0
    _bending: dict[int, bytes] = field(default_factory=dict, repr=False)  # ordinal -> WKB


def _gdal():
    from osgeo import gdal, ogr

    gdal.UseExceptions()
    ogr.UseExceptions()
    gdal.AllRegister()  # a QGIS that has exited in this process unregistered the drivers
    return gdal, ogr


def _open(path: Path, encoding: str | None, update: bool = False):
    gdal, _ogr = _gdal()
    flags = gdal.OF_VECTOR | (gdal.OF_UPDATE if update else gdal.OF_READONLY)
    options = [f"ENCODING={encoding}"] if encoding else []
    try:
        return gdal.OpenEx(str(path), flags, open_options=options)
    except RuntimeError as exc:
        raise RedlineFormatError(path, None, f"cannot open as a GIS file: {exc}") from exc


def _north_first(crs: CRS) -> bool:
    return crs.axis_info[0].direction.lower() in ("north", "south")


def gdal_operation(ct: CoordinateTransform) -> str:
    """Our easting-first PROJ pipeline in the form GDAL wants for a coordinate operation: GDAL
    hands it coordinates in the CRSs' own axis order (northing first for EPSG's Gauss-Krüger and
    geographic CRSs), so axis swaps go around it."""
    text = ct.transformer.definition.strip()
    words = [w if w.startswith("+") else f"+{w}" for w in text.split()]
    if words and words[0] == "+proj=pipeline":
        body = words[1:]
        if body and body[0] != "+step":
            raise CrsError(f"cannot hand this operation to GDAL: {text}")
    else:
        body = ["+step", *words]
    swap = ["+step", "+proj=axisswap", "+order=2,1"]
    steps = (swap if _north_first(ct.source) else []) + body + (
        swap if _north_first(ct.target) else [])
    return " ".join(["+proj=pipeline", *steps])


def _layer_crs(layer, source: str | None, params: ParameterSet | None, target: str | None,
               where: str) -> tuple[CRS, str]:
    ref = layer.GetSpatialRef()
    file_crs = CRS.from_wkt(ref.ExportToWkt()) if ref is not None else None
    return choose_crs(file_crs, source, target, params, where)


def _target_for(layer, target: str, src_crs: CRS, params: ParameterSet | None) -> CRS:
    """The target CRS; ``auto-3deg`` looks at the longitudes of the layer's extent outline."""
    if target.strip().lower() != "auto-3deg":
        return resolve_target(target, src_crs, params, np.empty(0), np.empty(0))
    x0, x1, y0, y1 = layer.GetExtent(force=1)
    t = np.linspace(0.0, 1.0, 17)
    e = np.concatenate([x0 + (x1 - x0) * t, np.full(17, x1), x0 + (x1 - x0) * t, np.full(17, x0)])
    n = np.concatenate([np.full(17, y0), y0 + (y1 - y0) * t, np.full(17, y1), y0 + (y1 - y0) * t])
    return resolve_target(target, src_crs, params, e, n)


def _extent(layer) -> tuple[float, float, float, float] | None:
    """(min e, min n, max e, max n) of the layer, None when it has no geometry."""
    try:
        x0, x1, y0, y1 = layer.GetExtent(force=1)
    except RuntimeError:  # an empty layer has no extent
        return None
    return (x0, y0, x1, y1)


def _checks_needed(bounds, ct: CoordinateTransform, tol: float | None,
                   params: ParameterSet | None) -> tuple[bool, bool]:
    """(every feature must be read, only the longer features must be read for bending).

    The zone test and the fitted extent are intervals and a convex area, so the extent's corners
    answer them for all points at once; only when they fail must each feature be read, to name
    it or count the points. An extent smaller than the longest edge that cannot bend clears
    bending for every feature."""
    x0, y0, x1, y1 = bounds
    e, n = np.array([x0, x0, x1, x1]), np.array([y0, y1, y0, y1])
    every = check_zone(ct.source, e, n) is not None or (
        params is not None and points_outside(params.extent, ct.source, e, n)[0] > 0)
    bending = bool(tol) and longest_safe_edge(ct, bounds, tol) <= np.hypot(x1 - x0, y1 - y0)
    return every, bending


def _bending_by_rtree(ds, layer, result: LayerResult, ct: CoordinateTransform, tol: float,
                      bounds) -> bool:
    """Bending features of a GeoPackage layer found from its R-tree: only features whose
    bounding box is longer than the safe edge are read. False when the layer has no R-tree."""
    table, column = layer.GetName(), layer.GetGeometryColumn()
    if ds.GetDriver().ShortName != "GPKG" or not column:
        return False
    safe = longest_safe_edge(ct, bounds, tol)
    rtree = f'"rtree_{table}_{column}"'.replace("'", "")
    try:
        found = ds.ExecuteSQL(f"SELECT id FROM {rtree} WHERE (maxx - minx) * (maxx - minx) + "
                              f"(maxy - miny) * (maxy - miny) >= {safe * safe!r}")
    except RuntimeError:
        return False
    if found is None:
        return False
    suspects = [f.GetField(0) for f in found]
    ds.ReleaseResultSet(found)
    fid_column = layer.GetFIDColumn() or "fid"
    for fid in suspects:
        feature = layer.GetFeature(fid)
        geometry = feature.GetGeometryRef() if feature is not None else None
        if geometry is None:
            continue
        geom = shapely.from_wkb(bytes(geometry.ExportToIsoWkb()))
        if bending_features(ct, np.array([geom]), tol, bounds).size:
            # the position of the feature in reading order, which is FID order in a GeoPackage
            count = ds.ExecuteSQL(f'SELECT COUNT(*) FROM "{table}" WHERE "{fid_column}" < {fid}')
            ordinal = count.GetNextFeature().GetField(0)
            ds.ReleaseResultSet(count)
            result._bending[ordinal] = shapely.to_wkb(geom)
    result.densified = len(result._bending)
    return True


def _scan(layer, result: LayerResult, ct: CoordinateTransform, tol: float | None,
          params: ParameterSet | None, path: Path, bounds) -> None:
    """Zone check, bending features and points outside the fitted extent, batch by batch."""
    defn = layer.GetLayerDefn()
    layer.SetIgnoredFields([defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())])
    ordinal = 0
    try:
        stream = layer.GetArrowStreamAsNumPy(
            options=["USE_MASKED_ARRAYS=NO", f"MAX_FEATURES_IN_BATCH={BATCH}"])
        geom_column = layer.GetGeometryColumn() or "wkb_geometry"
        for batch in stream:
            count = len(batch[geom_column])
            fids = batch.get(layer.GetFIDColumn() or "OGC_FID",
                             np.arange(ordinal, ordinal + count))
            geoms = shapely.from_wkb(batch[geom_column], on_invalid="ignore")
            present = ~shapely.is_missing(geoms)
            xy = shapely.get_coordinates(geoms[present])
            problem = check_zone(ct.source, xy[:, 0], xy[:, 1]) if len(xy) else None
            if problem:
                i, message = problem
                owner = np.repeat(np.flatnonzero(present),
                                  shapely.get_num_coordinates(geoms[present]))[i]
                raise RedlineFormatError(path, None, f"layer {result.name}, feature "
                                         f"{int(fids[owner])}: {message}")
            if tol:
                for k in bending_features(ct, geoms[present], tol, bounds):
                    j = int(np.flatnonzero(present)[k])
                    result._bending[ordinal + j] = shapely.to_wkb(geoms[j], include_srid=False)
            if params is not None and len(xy):
                count, result.margin_m = points_outside(params.extent, ct.source, xy[:, 0],
                                                        xy[:, 1])
                result.outside_extent += count
            ordinal += len(geoms)
    finally:
        layer.SetIgnoredFields([])
        layer.ResetReading()
    result.densified = len(result._bending)


def _rewrite_bending(out_path: Path, layer_name: str, result: LayerResult,
                     ct: CoordinateTransform, tol: float) -> None:
    """Put the densified, transformed geometry of each bending feature into the output."""
    _gdal_mod, ogr = _gdal()
    ds = _open(out_path, None, update=True)
    layer = ds.GetLayerByName(layer_name) if ds.GetLayerCount() > 1 else ds.GetLayer(0)
    # the output holds the features in the order they were read: find the FIDs of the ordinals
    layer.SetIgnoredFields(["OGR_GEOMETRY"] + [layer.GetLayerDefn().GetFieldDefn(i).GetName()
                                              for i in range(layer.GetLayerDefn().GetFieldCount())])
    fids = np.array([f.GetFID() for f in layer], dtype=np.int64)
    layer.SetIgnoredFields([])
    for ordinal, wkb in sorted(result._bending.items()):
        geom = transform_geometry(shapely.from_wkb(wkb), ct, tol)
        feature = layer.GetFeature(int(fids[ordinal]))
        feature.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(geom)))
        layer.SetFeature(feature)
    ds.FlushCache()
    ds = None


@contextmanager
def _write_encoding(lco: list[str]) -> Iterator[None]:
    """Make GDAL recode Shapefile text to the encoding asked for. QGIS, when it runs in this
    process, sets SHAPE_ENCODING="" (no recoding at all); a thread-local value overrides that
    for this thread only, so QGIS's own reading elsewhere is not disturbed."""
    gdal, _ogr = _gdal()
    encoding = next((o.split("=", 1)[1] for o in lco if o.startswith("ENCODING=")), None)
    if encoding is None:
        yield
        return
    gdal.SetThreadLocalConfigOption("SHAPE_ENCODING", encoding)
    try:
        yield
    finally:
        gdal.SetThreadLocalConfigOption("SHAPE_ENCODING", None)


def _callback(progress: Progress | None, index: int, layers: int, name: str):
    """GDAL's progress (0…1 for this layer) as our percentage over all layers."""

    def callback(done, _message, _data):
        if progress and progress(100.0 * (index + done) / layers, name) is False:
            return 0  # GDAL stops the translation
        return 1

    return callback


def convert_vector(in_path: Path, out_path: Path, target: str | None, source: str | None,
                   params: ParameterSet | None, bend_tolerance_m: float | None,
                   progress: Progress | None = None) -> tuple[str, list[LayerResult]]:
    """Every layer of ``in_path`` into ``out_path``; returns (target authid, per-layer results)."""
    gdal, _ogr = _gdal()
    driver = DRIVERS.get(out_path.suffix.lower())
    if driver is None:
        raise RedlineError(f"{out_path}: write .gpkg, .shp or .geojson")
    encoding = shapefile_encoding(in_path)
    src_ds = _open(in_path, encoding)
    names = [src_ds.GetLayer(i).GetName() for i in range(src_ds.GetLayerCount())]
    if not names:
        raise RedlineFormatError(in_path, None, "holds no layer")
    if driver != "GPKG" and len(names) > 1:
        raise RedlineError(f"{in_path} has {len(names)} layers; write them to a .gpkg")
    results: list[LayerResult] = []
    target_crs: CRS | None = None
    with atomic_path(out_path) as tmp:
        for index, name in enumerate(names):
            layer = src_ds.GetLayerByName(name)
            where = f"{in_path} layer {name!r}"
            src_crs, target_spec = _layer_crs(layer, source, params, target, where)
            if target_crs is None:
                target_crs = _target_for(layer, target_spec, src_crs, params)
            ct = make_transform(src_crs, target_crs, params)
            result = LayerResult(name)
            if progress:
                progress(100.0 * index / len(names), f"{name}: checking")
            result.features = layer.GetFeatureCount()
            bounds = _extent(layer)
            every, bending = (False, False) if bounds is None else _checks_needed(
                bounds, ct, bend_tolerance_m, params)
            if every or (bending and not _bending_by_rtree(src_ds, layer, result, ct,
                                                           bend_tolerance_m, bounds)):
                _scan(layer, result, ct, bend_tolerance_m, params, in_path, bounds)
            lco = []
            if driver == "ESRI Shapefile":
                lco.append(f"ENCODING={encoding or 'UTF-8'}")
            callback = _callback(progress, index, len(names), name)

            options = gdal.VectorTranslateOptions(
                format=driver, layers=[name], srcSRS=src_crs.to_wkt(),
                dstSRS=target_crs.to_wkt(), coordinateOperation=gdal_operation(ct),
                layerCreationOptions=lco, accessMode="update" if index else None,
                callback=callback)
            try:
                with _write_encoding(lco):
                    out = gdal.VectorTranslate(str(tmp), src_ds, options=options)
            except RuntimeError as exc:
                raise RedlineError(f"{where}: GDAL could not write {out_path.name}: {exc}") from exc
            if out is None:
                raise RedlineError(f"{where}: GDAL could not write {out_path.name}")
            out = None  # closes and flushes
            if result._bending:
                _rewrite_bending(tmp, name, result, ct, bend_tolerance_m or 0.001)
            results.append(result)
        src_ds = None
    if progress:
        progress(100.0, "done")
    assert target_crs is not None
    return target_crs.to_string(), results
