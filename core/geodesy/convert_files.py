"""Batch conversion of whole files into another CRS, attributes and encodings kept.

One entry point for the CLI, Processing and the plugin: ``convert_file`` picks the converter of
the file type (point CSV, ministry coordinate file, DXF, GeoPackage / Shapefile / GeoJSON through
GDAL) and ``convert_folder`` runs it over a folder. Source and target CRSs come from the
arguments, else the file, else the parameter file (``transforms.choose_crs``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import RedlineError, RedlineFormatError
from .convert_vector import DRIVERS
from .params import ParameterSet

Progress = Callable[[float, str], None]
SUPPORTED = (".csv", ".txt", ".dxf", *DRIVERS)


@dataclass(frozen=True)
class ConversionResult:
    input: str
    output: str
    target: str  # authority code of the target CRS
    count: int  # features or points written
    densified: int = 0  # features given extra vertices because their edges would bend
    outside_extent: int = 0  # points well outside the parameters' fitted extent
    margin_m: float = 0.0

    def warnings(self) -> list[str]:
        if not self.outside_extent:
            return []
        return [f"{self.input}: {self.outside_extent} point(s) lie more than "
                f"{self.margin_m / 1000:.1f} km outside the common points the parameters were "
                "fitted on: the conversion extrapolates there. Fit parameters with common points "
                "around these data"]


def convert_file(in_path: str | Path, out_path: str | Path, target: str | None = None,
                 source: str | None = None, params: ParameterSet | None = None,
                 bend_tolerance_m: float | None = 0.001,
                 progress: Progress | None = None) -> ConversionResult:
    """Convert one file. ``target`` None: the parameter file's target, else ``auto-3deg``."""
    src, dst = Path(in_path), Path(out_path)
    if not src.exists():
        raise RedlineFormatError(src, None, "no such file")
    if dst.exists() and src.resolve() == dst.resolve():
        raise RedlineError(f"{dst}: the output would overwrite the input")
    suffix = src.suffix.lower()
    if suffix == ".csv":
        from .convert_points import convert_points

        crs, count, outside, margin = convert_points(src, dst, target, source, params)
        return ConversionResult(str(src), str(dst), crs, count, 0, outside, margin)
    if suffix == ".txt":
        from ..redline.convert import convert_coordinate_file

        crs, count = convert_coordinate_file(src, dst, target, source, params, bend_tolerance_m)
        return ConversionResult(str(src), str(dst), crs, count)
    if suffix == ".dxf":
        from .convert_dxf import convert_dxf

        crs, count = convert_dxf(src, dst, target, source, params, bend_tolerance_m)
        return ConversionResult(str(src), str(dst), crs, count)
    if suffix in DRIVERS:
        from .convert_vector import convert_vector

        crs, layers = convert_vector(src, dst, target, source, params, bend_tolerance_m, progress)
        return ConversionResult(
            str(src), str(dst), crs, sum(r.features for r in layers),
            sum(r.densified for r in layers), sum(r.outside_extent for r in layers),
            max((r.margin_m for r in layers), default=0.0))
    raise RedlineError(f"{src}: unsupported file type {suffix!r}; use {', '.join(SUPPORTED)}")


def convert_folder(in_dir: str | Path, out_dir: str | Path, target: str | None = None,
                   source: str | None = None, params: ParameterSet | None = None,
                   bend_tolerance_m: float | None = 0.001,
                   progress: Progress | None = None) -> list[ConversionResult]:
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
        done.append(convert_file(f, dst_dir / f.name, target, source, params, bend_tolerance_m))
    if progress:
        progress(100.0, "done")
    return done
