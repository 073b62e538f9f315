"""Benchmark data and timings of the compliance check on a province-sized forest layer.

A synthetic forest layer of 1 000 000 polygons (GeoPackage with R-tree) is generated once
under bench_data/; 1 000 red-line parcels are scattered over it.
"""

from __future__ import annotations

import time
from pathlib import Path

import fiona
import numpy as np
import shapely
from shapely.geometry import mapping

from ..core.check.engine import CheckParcel, prepare_layer, run_check
from ..core.check.profile import LayerSpec, Profile
from ..core.check.sources import OgrSource
from ..core.geodesy.transforms import parse_crs

CRS = "EPSG:4526"
E0, N0 = 38_400_000.0, 3_300_000.0
CELL = 100.0  # 1000 x 1000 cells of 100 m: a 100 km square
SIDE = 1000
LEVELS = ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"]


def forest_layer(path: Path, side: int = SIDE) -> Path:
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part.gpkg")
    tmp.unlink(missing_ok=True)
    rng = np.random.default_rng(42)
    schema = {"geometry": "Polygon", "properties": {"BH_DJ": "str:2", "DI_LEI": "str:4"}}
    with fiona.open(tmp, "w", driver="GPKG", layer="forest", crs=CRS, schema=schema) as dst:
        for row in range(side):
            x0 = E0 + np.arange(side) * CELL
            y0 = N0 + row * CELL
            # irregular quadrilaterals that tile the row (shared jittered corners)
            jit = rng.uniform(-20, 20, (side + 1, 2))
            recs = []
            for i in range(side):
                poly = shapely.Polygon([(x0[i] + jit[i, 0], y0), (x0[i] + CELL + jit[i + 1, 0], y0),
                                        (x0[i] + CELL + jit[i + 1, 1], y0 + CELL),
                                        (x0[i] + jit[i, 1], y0 + CELL)])
                recs.append({"geometry": mapping(poly), "properties": {
                    "BH_DJ": LEVELS[(row * 7 + i * 3) % 4], "DI_LEI": "0301"}})
            dst.writerecords(recs)
    tmp.rename(path)
    return path


def parcels(count: int = 1000, seed: int = 7) -> list[CheckParcel]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        cx = E0 + rng.uniform(2_000, SIDE * CELL - 2_000)
        cy = N0 + rng.uniform(2_000, SIDE * CELL - 2_000)
        r = rng.uniform(80, 400)
        a = np.sort(rng.uniform(0, 2 * np.pi, 8))
        ring = np.column_stack([cx + r * np.cos(a), cy + r * np.sin(a)])
        out.append(CheckParcel(f"P{k:04d}", "", shapely.Polygon(ring)))
    return out


def write_parcels(path: Path, items: list[CheckParcel]) -> Path:
    schema = {"geometry": "Polygon", "properties": {"number": "str"}}
    with fiona.open(path, "w", driver="GPKG", crs=CRS, schema=schema) as dst:
        dst.writerecords({"geometry": mapping(p.geometry), "properties": {"number": p.id}}
                         for p in items)
    return path


def time_check(forest: Path, items: list[CheckParcel]) -> tuple[float, float, object]:
    """(seconds to open the layer, seconds to check, result)."""
    spec = LayerSpec(name="forest", path=str(forest), role="forest", class_field="BH_DJ")
    t0 = time.perf_counter()
    source = OgrSource(spec)
    crs = parse_crs(CRS)
    layer = prepare_layer(spec, source, crs)
    t1 = time.perf_counter()
    result = run_check(items, crs, [layer], Profile([spec], []))
    t2 = time.perf_counter()
    source.close()
    return t1 - t0, t2 - t1, result


def time_native(forest: Path, parcels_path: Path) -> tuple[float, object]:
    import processing

    t0 = time.perf_counter()
    out = processing.run("native:calculatevectoroverlaps", {
        "INPUT": str(parcels_path), "LAYERS": [str(forest)], "OUTPUT": "memory:"})["OUTPUT"]
    return time.perf_counter() - t0, out
