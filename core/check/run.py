"""The check against a profile's files: the CLI, the demo and the plugin's background task use
this; the Processing algorithm reads QGIS layers and calls the engine itself."""

from __future__ import annotations

from pathlib import Path

from ..errors import CrsError
from ..redline.io import read_parcels
from .engine import CheckParcel, check_crs_for, prepare_layer, run_check
from .profile import Profile, load_profile
from .results import CheckResult
from .sources import OgrSource


def parcels_from_file(path: str | Path, use: str | None = None) -> tuple[list[CheckParcel], object]:
    source = read_parcels(path)
    if source.crs is None:
        raise CrsError(f"{path} carries no CRS")
    crs = check_crs_for(source.crs)
    parcels = []
    for p in source.parcels:
        parcels.append(CheckParcel(p.number, p.name, p.geometry, use or p.use))
    return parcels, crs


def check_with_profile(parcels: list[CheckParcel], crs, profile: Profile,
                       progress=None, is_canceled=None) -> CheckResult:
    """``parcels`` in ``crs`` against the profile's layers, opened for this run and closed
    whatever happens."""
    crs = check_crs_for(crs)
    sources = []
    try:
        for spec in profile.layers:
            sources.append(OgrSource(spec))
        layers = [prepare_layer(s.spec, s, crs) for s in sources]
        return run_check(parcels, crs, layers, profile, progress, is_canceled)
    finally:
        for s in sources:
            s.close()


def check_files(parcels_path: str | Path, profile_path: str | Path, use: str | None = None,
                progress=None, is_canceled=None) -> CheckResult:
    profile = load_profile(profile_path)
    parcels, crs = parcels_from_file(parcels_path, use)
    return check_with_profile(parcels, crs, profile, progress, is_canceled)
