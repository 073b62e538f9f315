"""The check from files: red-line file + profile -> result. The CLI and the demo use this;
the plugin builds ``CheckParcel``s and sources from QGIS layers and calls the engine itself."""

from __future__ import annotations

from pathlib import Path

from ..errors import CrsError
from ..redline.io import read_parcels
from .engine import CheckParcel, check_crs_for, prepare_layer, run_check
from .profile import load_profile
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


def check_files(parcels_path: str | Path, profile_path: str | Path, use: str | None = None,
                progress=None, is_canceled=None) -> CheckResult:
    profile = load_profile(profile_path)
    parcels, crs = parcels_from_file(parcels_path, use)
    sources = [OgrSource(spec) for spec in profile.layers]
    try:
        layers = [prepare_layer(spec, src, crs) for spec, src in zip(profile.layers, sources,
                                                                      strict=True)]
        return run_check(parcels, crs, layers, profile, progress, is_canceled)
    finally:
        for s in sources:
            s.close()
