"""The check, one path for every face: the CLI and the demo start from files (``check_files``),
the Processing algorithm and the plugin from their layers and store (``check_parcels``), so all
refuse the same red lines and check them the same way (``check_with_profile``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from ..errors import CrsError, InvalidRedlineError
from ..redline.io import read_parcels
from ..redline.model import Parcel
from .engine import CheckParcel, check_crs_for, prepare_layer, run_check
from .profile import Profile, load_profile
from .results import CheckResult
from .sources import open_source

# validation errors that make a red line unusable for an overlay (an area that disagrees with
# the form is for the reviewer, not a reason to refuse the check)
BLOCKING = {"TOO_FEW_POINTS", "DEGENERATE_RING", "SELF_INTERSECTION", "PARTS_OVERLAP",
            "HOLE_OUTSIDE_SHELL", "INVALID_GEOMETRY", "OUTSIDE_ZONE"}


def refuse_invalid(parcels: list[Parcel], crs) -> None:
    """Raise ``InvalidRedlineError`` with the findings when any parcel cannot be overlaid.
    Valid polygons inside their zone (the usual case, tested in bulk) need no detailed look."""
    from ..geodesy.transforms import check_zone
    from ..redline.validate import validate_parcels

    geoms = np.array([p.geometry if p.geometry is not None else shapely.Polygon()
                      for p in parcels], dtype=object)
    bad = ~shapely.is_valid(geoms) | shapely.is_empty(geoms)
    box = shapely.bounds(geoms[~shapely.is_empty(geoms)])
    corners_ok = not len(box) or check_zone(
        crs, np.r_[box[:, 0], box[:, 2]], np.r_[box[:, 1], box[:, 3]]) is None
    if not bad.any() and corners_ok:
        return
    suspects = [p for p, b in zip(parcels, bad, strict=True) if b] if corners_ok else parcels
    findings = [f for f in validate_parcels(suspects, crs) if f.code in BLOCKING]
    if findings:
        raise InvalidRedlineError(
            f"{len({f.parcel for f in findings})} red line(s) cannot be checked: fix them "
            "(redline validate --repair shows what a repair would change)", findings)


def check_parcels(parcels: list[Parcel], crs, use: str | None = None,
                  ids: list[str] | None = None) -> tuple[list[CheckParcel], object]:
    """What every face checks: each parcel with its own use (地块用途) unless ``use`` is given
    for all, under ``ids`` when given (the plugin's case/parcel numbers); invalid red lines
    refused with their findings."""
    if crs is None:
        raise CrsError("the red lines carry no CRS")
    crs = check_crs_for(crs)
    refuse_invalid(parcels, crs)
    ids = ids or [p.number for p in parcels]
    return [CheckParcel(i, p.name, p.geometry, use or p.use)
            for i, p in zip(ids, parcels, strict=True)], crs


def parcels_from_file(path: str | Path, use: str | None = None,
                      declared_unit: str = "ha") -> tuple[list[CheckParcel], object]:
    """The parcels of a red-line file, ready to check."""
    source = read_parcels(path, declared_unit=declared_unit)
    if source.crs is None:
        raise CrsError(f"{path} carries no CRS")
    return check_parcels(source.parcels, source.crs, use)


def check_with_profile(parcels: list[CheckParcel], crs, profile: Profile,
                       progress=None, is_canceled=None, keep_parts: bool = True,
                       open_layer=open_source) -> CheckResult:
    """``parcels`` in ``crs`` against the profile's layers, opened for this run (by
    ``open_layer``: files and URIs here, QGIS layers in Processing) and closed whatever
    happens."""
    crs = check_crs_for(crs)
    sources = []
    try:
        for spec in profile.layers:
            sources.append(open_layer(spec))
        layers = [prepare_layer(s.spec, s, crs) for s in sources]
        return run_check(parcels, crs, layers, profile, progress, is_canceled, keep_parts)
    finally:
        for s in sources:
            s.close()


def check_files(parcels_path: str | Path, profile_path: str | Path, use: str | None = None,
                progress=None, is_canceled=None, keep_parts: bool = True) -> CheckResult:
    profile = load_profile(profile_path)
    parcels, crs = parcels_from_file(parcels_path, use, profile.declared_unit)
    return check_with_profile(parcels, crs, profile, progress, is_canceled, keep_parts)
