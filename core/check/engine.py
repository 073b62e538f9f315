"""The check: every parcel against every control layer, in the parcels' CGCS2000 3° zone.

Per layer, the source finds the candidate features of all parcels at once (only what the
parcels' bounding boxes reach is read), layers in another zone or datum are brought into the
parcels' CRS, and ``overlay`` intersects all pairs in bulk. Verdicts follow per rule.
"""

from __future__ import annotations

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
from ..geodesy.transforms import CoordinateTransform, datum_key, epsg_of, make_transform
from .candidates import Candidates
from .overlay import overlay, shifted
from .profile import LayerSpec, Profile
from .results import CheckResult, ParcelResult
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
    member = lookup_epsg(epsg_of(crs) or 0)
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


def _query_boxes(layer: PreparedLayer, boxes: np.ndarray) -> np.ndarray:
    """The parcels' boxes in the layer's CRS (widened a little where the datums differ)."""
    if layer.to_check is None:
        return boxes
    from pyproj.enums import TransformDirection

    tr = layer.to_check.transformer
    pad = 1e-5 if layer.source.crs.is_geographic else 1.0
    out = np.empty_like(boxes)
    for i, box in enumerate(boxes.tolist()):
        x0, y0, x1, y1 = tr.transform_bounds(*box, densify_pts=21,
                                             direction=TransformDirection.INVERSE)
        out[i] = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    return out


def _features_in_check_crs(layer: PreparedLayer, wkb: np.ndarray) -> np.ndarray:
    geoms = shapely.from_wkb(wkb) if len(wkb) else np.empty(0, dtype=object)
    if layer.to_check is not None and len(geoms):
        geoms = np.array([transform_geometry(g, layer.to_check, 0.001) for g in geoms],
                         dtype=object)
    return geoms


def run_check(parcels: list[CheckParcel], check_crs: CRS, layers: list[PreparedLayer],
               profile: Profile, progress: Callable[[float, str], None] | None = None,
               is_canceled: Callable[[], bool] | None = None,
               keep_parts: bool = True) -> CheckResult:
    """Every parcel against every layer, layer by layer in bulk; verdicts per rule.
    ``keep_parts=False`` keeps areas only (no overlap geometry for maps or layers)."""
    geoms = np.array([p.geometry for p in parcels], dtype=object)
    boxes = shapely.bounds(geoms) if len(geoms) else np.empty((0, 4))
    origins = np.floor(boxes[:, :2]) if len(geoms) else np.empty((0, 2))
    local = shifted(geoms, origins) if len(geoms) else geoms
    areas = shapely.area(local) if len(geoms) else np.empty(0)
    results = [ParcelResult(p.id, p.name, float(a), p.geometry, use=p.use)
               for p, a in zip(parcels, areas, strict=True)]
    canceled = False
    for k, layer in enumerate(layers):
        if is_canceled and is_canceled():
            canceled = True
            break
        if progress:
            progress(100.0 * k / max(1, len(layers)), layer.spec.name)
        found = layer.source.candidates(_query_boxes(layer, boxes)) if len(geoms) else \
            Candidates.empty()
        features = _features_in_check_crs(layer, found.wkb)
        if layer.to_check is not None:  # the WKB is the source CRS's; the geometries are not
            found.wkb = shapely.to_wkb(features) if len(features) else found.wkb
        # the pairs a GeoPackage's earlier checks tested (overlap in area does not depend on
        # the CRS the features are brought into)
        audit = getattr(layer.source, "pair_audit", lambda: None)()
        for res, overlap in zip(results, overlay(layer.spec, found, features, local, origins,
                                                 areas, keep_parts, audit), strict=True):
            res.layers.append(overlap)
    for res in results:
        use = profile.use_named(res.use)
        for layer, overlap in zip(layers, res.layers, strict=False):
            res.verdicts += verdicts_for(layer.spec, overlap, use, res.use)
    if progress and not canceled:
        progress(100.0, "done")
    sources = [layer.source.describe() for layer in layers]
    return CheckResult(check_crs.to_string(), results, sources, profile.path,
                       time.strftime("%Y-%m-%dT%H:%M:%S%z"), canceled)
