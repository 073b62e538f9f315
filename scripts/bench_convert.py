"""Bulk conversion as the user meets it: ``redline transform`` and ``ogr2ogr`` doing the same
job, both as whole processes (start-up, reading and writing included), side by side in one run.

Layers of 50 000 and 1 000 000 polygons (7–11 vertices, parcels of 40–120 m, GeoPackage) are
generated once into bench_data/. Cases: a CGCS2000 zone change 38 → 39 (``ogr2ogr -t_srs``) and
a Xian 1980 → CGCS2000 7-parameter datum change (``ogr2ogr -ct`` with the same PROJ pipeline);
a 1 000 000-point CSV. Each command runs three times; the best time counts. The outputs are
compared coordinate by coordinate.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench_data"
REDLINE = [sys.executable, "-m", "redline_approval.cli.main"]
PARAMS = {"model": "bursa_wolf", "tx": -31.52, "ty": 97.64, "tz": 55.18, "rx_sec": 0.842,
          "ry_sec": -1.357, "rz_sec": 2.118, "scale_ppm": 3.25, "convention": "coordinate_frame",
          "source": "EPSG:2362", "target": "EPSG:4526"}


def polygon_layer(path: Path, count: int, epsg: int) -> Path:
    """``count`` random parcels written through a WKT CSV and ogr2ogr (fast to generate)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(count)
    csv = path.with_suffix(".csv")
    with open(csv, "w", encoding="utf-8") as fh:
        fh.write("WKT,BSM,MJ,DLMC\n")
        for start in range(0, count, 100_000):
            k = min(100_000, count - start)
            cx = rng.uniform(38_440_000, 38_480_000, k)
            cy = rng.uniform(3_320_000, 3_360_000, k)
            lines = []
            for i in range(k):
                m = 6 + (start + i) % 5
                a = np.sort(rng.uniform(0, 2 * np.pi, m))
                r = rng.uniform(20, 60, m)
                xs, ys = cx[i] + r * np.cos(a), cy[i] + r * np.sin(a)
                ring = ",".join(f"{x:.3f} {y:.3f}" for x, y in zip(xs, ys, strict=True))
                lines.append(f'"POLYGON(({ring},{xs[0]:.3f} {ys[0]:.3f}))",B{start + i},'
                             f'{start + i}.5,耕地\n')
            fh.write("".join(lines))
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(path), str(csv), "-a_srs", f"EPSG:{epsg}",
                    "-nln", "parcels", "-nlt", "POLYGON", "-oo", "GEOM_POSSIBLE_NAMES=WKT",
                    "-oo", "KEEP_GEOM_COLUMNS=NO"], check=True)
    csv.unlink()
    return path


def point_csv(path: Path, count: int) -> Path:
    if path.exists():
        return path
    rng = np.random.default_rng(7)
    x = rng.uniform(3_320_000, 3_360_000, count)
    y = rng.uniform(38_440_000, 38_480_000, count)
    body = "".join(f"P{i},{a:.3f},{b:.3f}\n" for i, (a, b) in enumerate(zip(x, y, strict=True)))
    path.write_text("id,x,y\n" + body, encoding="utf-8")
    return path


def timed(cmd: list[str], out: Path, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        for sidecar in out.parent.glob(out.stem + ".*"):
            sidecar.unlink()
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        best = min(best, time.perf_counter() - t0)
    return best


def _coordinates(path: Path) -> np.ndarray:
    import shapely
    from osgeo import gdal

    gdal.UseExceptions()
    ds = gdal.OpenEx(str(path))
    layer = ds.GetLayer(0)
    defn = layer.GetLayerDefn()
    layer.SetIgnoredFields([defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())])
    column = layer.GetGeometryColumn() or "wkb_geometry"
    parts = [shapely.get_coordinates(shapely.from_wkb(batch[column]))
             for batch in layer.GetArrowStreamAsNumPy(options=["USE_MASKED_ARRAYS=NO"])]
    return np.concatenate(parts)


def max_difference(a: Path, b: Path) -> float:
    """Largest coordinate difference between two layers, feature order as written."""
    return float(np.abs(_coordinates(a) - _coordinates(b)).max())


def bench_lines(sizes: tuple[int, ...] = (50_000, 1_000_000)) -> list[str]:
    from ..core.geodesy.convert_vector import gdal_operation
    from ..core.geodesy.params import parameters_from_dict
    from ..core.geodesy.transforms import make_transform

    rows = []
    work = Path(tempfile.mkdtemp(prefix="redline-bench-"))
    try:
        pfile = work / "p.json"
        pfile.write_text(json.dumps(PARAMS), encoding="utf-8")
        params = parameters_from_dict(PARAMS)
        pipeline = gdal_operation(make_transform("EPSG:2362", "EPSG:4526", params))
        for size in sizes:
            label = f"{size:,}".replace(",", " ")
            cgcs = polygon_layer(DATA / f"parcels_{size}_4526.gpkg", size, 4526)
            xian = polygon_layer(DATA / f"parcels_{size}_2362.gpkg", size, 2362)
            cases = [
                (f"{label} polygons, zone 38 -> 39",
                 ["ogr2ogr", "-t_srs", "EPSG:4527", str(work / "o.gpkg"), str(cgcs)],
                 REDLINE + ["transform", str(cgcs), str(work / "r.gpkg"), "--target",
                            "EPSG:4527"]),
                (f"{label} polygons, Xian 1980 -> CGCS2000 (7 parameters)",
                 ["ogr2ogr", "-s_srs", "EPSG:2362", "-t_srs", "EPSG:4526", "-ct", pipeline,
                  str(work / "o.gpkg"), str(xian)],
                 REDLINE + ["transform", str(xian), str(work / "r.gpkg"), "--params",
                            str(pfile)]),
            ]
            for name, ogr_cmd, ours_cmd in cases:
                t_ogr = timed(ogr_cmd, work / "o.gpkg")
                t_ours = timed(ours_cmd, work / "r.gpkg")
                diff = max_difference(work / "o.gpkg", work / "r.gpkg")
                rows.append((name, t_ours, t_ogr, diff))
        pts = point_csv(DATA / "points_1000000.csv", 1_000_000)
        t_ogr = timed(["ogr2ogr", "-f", "CSV", str(work / "o.csv"), str(pts), "-oo",
                       "X_POSSIBLE_NAMES=y", "-oo", "Y_POSSIBLE_NAMES=x", "-s_srs", "EPSG:4526",
                       "-t_srs", "EPSG:4527", "-lco", "GEOMETRY=AS_XY"], work / "o.csv")
        t_ours = timed(REDLINE + ["transform", str(pts), str(work / "r.csv"), "--source",
                                  "EPSG:4526", "--target", "EPSG:4527"], work / "r.csv")
        rows.append(("1 000 000-point CSV, zone 38 -> 39", t_ours, t_ogr, None))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = ["", "Bulk conversion, whole commands side by side in one run (best of 3; "
             "`scripts/bench_convert.py`):", "",
             "| job | redline transform | ogr2ogr | ratio redline/ogr2ogr (target <= 1.5; CSV "
             "<= 1.0) | largest coordinate difference |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for name, ours, theirs, diff in rows:
        d = "" if diff is None else f"{diff * 1000:.4f} mm"
        lines.append(f"| {name} | {ours:.2f} s | {theirs:.2f} s | {ours / theirs:.2f} | {d} |")
    return lines


if __name__ == "__main__":
    print("\n".join(bench_lines(tuple(int(a) for a in sys.argv[1:]) or (50_000, 1_000_000))))
