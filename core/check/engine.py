"""The overlay: each parcel against each control layer, in the parcel's CGCS2000 3° zone.

Only the features a parcel's bounding box reaches are read (the source filters). Geometry is
shifted to a local origin before GEOS sees it: zone-prefixed eastings near 4e7 leave ~7e-9 m of
double precision, which the intersection of long edges turns into square-centimetre errors.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS

from ..errors import CrsError
from ..geodesy.bending import transform_geometry
from ..geodesy.crs_catalog import lookup_epsg
from ..geodesy.params import load_parameters
from ..geodesy.transforms import CoordinateTransform, datum_key, make_transform
from .profile import LayerSpec, Profile
from .results import CheckResult, LayerOverlap, ParcelResult
from .rules import verdicts_for
from .sources import FeatureSource


@dataclass
class CheckParcel:
    id: str
    name: str
    geometry: object  # shapely polygon in the check CRS
    use: str | None = None


@dataclass
class PreparedLayer:
    spec: LayerSpec
    source: FeatureSource
    to_check: CoordinateTransform | None  # None when the layer is already in the check CRS


def check_crs_for(crs: CRS) -> CRS:
    """Parcels are measured in a CGCS2000 Gauss-Krüger zone; anything else is refused."""
    member = lookup_epsg(crs.to_epsg() or 0)
    if member is None or member.system != "cgcs2000":
        raise CrsError(f"red lines must be in a CGCS2000 Gauss-Kruger zone, not {crs.name}: "
                       "convert them first (redline transform --target auto-3deg)")
    return crs


def prepare_layer(spec: LayerSpec, source: FeatureSource, check_crs: CRS) -> PreparedLayer:
    src = source.crs
    if src.equals(check_crs, ignore_axis_order=True):
        return PreparedLayer(spec, source, None)
    params = load_parameters(spec.params) if spec.params else None
    if params is None and datum_key(src) != "cgcs2000":
        raise CrsError(f"control layer {spec.name!r} is in {src.name}, not CGCS2000: add "
                       "params = \"<parameter file>\" to its [[layers]] entry (fit one with "
                       "redline fit) or convert the layer first")
    return PreparedLayer(spec, source, make_transform(src, check_crs, params))


def _query_bounds(layer: PreparedLayer, bounds) -> tuple[float, float, float, float]:
    if layer.to_check is None:
        return bounds
    from pyproj.enums import TransformDirection

    tr = layer.to_check.transformer
    x0, y0, x1, y1 = tr.transform_bounds(*bounds, densify_pts=21,
                                         direction=TransformDirection.INVERSE)
    pad = 1e-5 if layer.source.crs.is_geographic else 1.0
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def _shift(geoms, dx: float, dy: float):
    return shapely.transform(geoms, lambda c: c - np.array([dx, dy]))


def _fingerprint(ids: list[str], attrs: list[dict], geoms: list) -> str:
    """SHA-256 of the features as read (ids, attributes used, source geometry as WKB)."""
    digest = hashlib.sha256()
    digest.update("\x1f".join(ids).encode())
    digest.update(repr(attrs).encode())
    if geoms:
        digest.update(b"".join(shapely.to_wkb(np.array(geoms, dtype=object))))
    return digest.hexdigest()


def overlay_layer(layer: PreparedLayer, parcel: CheckParcel, parcel_area: float) -> LayerOverlap:
    spec = layer.spec
    minx, miny, maxx, maxy = parcel.geometry.bounds
    ox, oy = float(np.floor(minx)), float(np.floor(miny))
    ids, attrs, geoms = [], [], []
    for fid, props, geom in layer.source.features_in(_query_bounds(layer, (minx, miny, maxx, maxy))):
        ids.append(fid)
        attrs.append(props)
        geoms.append(geom)
    overlap = LayerOverlap(spec.name, spec.role, 0.0, parcel_area,
                           fingerprint=_fingerprint(ids, attrs, geoms))
    if layer.to_check is not None:
        geoms = [transform_geometry(g, layer.to_check, 0.001) for g in geoms]
    if not geoms:
        return overlap
    local_parcel = _shift(parcel.geometry, ox, oy)
    shapely.prepare(local_parcel)
    local = _shift(np.array(geoms, dtype=object), ox, oy)
    local = np.where(shapely.is_valid(local), local, shapely.make_valid(local))
    hits = shapely.intersects(local_parcel, local)
    if not hits.any():
        return overlap
    idx = np.flatnonzero(hits)
    parts = shapely.intersection(local_parcel, local[idx])
    areas = shapely.area(parts)
    keep = areas > 0
    idx, parts, areas = idx[keep], parts[keep], areas[keep]
    if not len(idx):
        return overlap
    union = shapely.union_all(parts)
    total = float(union.area)
    overlap.overlap_m2 = total
    overlap.geometry = _shift(union, -ox, -oy)
    shown = [spec.class_field, *spec.key_fields] + ([spec.level_field]
                                                    if spec.role == "forest" else [])
    for i, a in zip(idx, areas, strict=True):
        entry = {"id": ids[i], "overlap_m2": round(float(a), 2)}
        entry.update({k: attrs[i].get(k) for k in shown if k})
        overlap.features.append(entry)
    if spec.class_field:
        codes = np.array([str(attrs[i].get(spec.class_field, "")) for i in idx])
        for code in sorted(set(codes)):
            sel = parts[codes == code]
            area = float(shapely.union_all(sel).area) if len(sel) > 1 else float(sel[0].area)
            overlap.by_class[code] = area
    return overlap


def run_check(parcels: list[CheckParcel], check_crs: CRS, layers: list[PreparedLayer],
              profile: Profile, progress: Callable[[float, str], None] | None = None,
              is_canceled: Callable[[], bool] | None = None) -> CheckResult:
    """Every parcel against every layer; verdicts per rule. Progress in percent."""
    results = []
    total = max(1, len(parcels) * max(1, len(layers)))
    done = 0
    canceled = False
    for parcel in parcels:
        if is_canceled and is_canceled():
            canceled = True
            break
        area = float(_shift(parcel.geometry, *parcel.geometry.bounds[:2]).area)
        res = ParcelResult(parcel.id, parcel.name, area, parcel.geometry, use=parcel.use)
        use = profile.use_named(parcel.use)
        for layer in layers:
            overlap = overlay_layer(layer, parcel, area)
            res.layers.append(overlap)
            res.verdicts += verdicts_for(layer.spec, overlap, use, parcel.use)
            done += 1
            if progress:
                progress(100.0 * done / total, f"{parcel.id} / {layer.spec.name}")
        results.append(res)
    sources = [layer.source.describe() for layer in layers]
    return CheckResult(check_crs.to_string(), results, sources, profile.path,
                       time.strftime("%Y-%m-%dT%H:%M:%S%z"), canceled)
