"""``make bench``: speed figures, written to docs/benchmarks.md (not timed unit tests).

* 1 000 000 points through ``core`` vs a bare pyproj ``Transformer`` on the same arrays
  (target: at least 0.8x its speed);
* reading a coordinate file of 100 000 boundary points (target: under 1 s);
* ellipsoidal area of a 100 km² parcel.
"""

from __future__ import annotations

import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer

from ..core.geodesy.params import BursaWolf, ParameterSet
from ..core.geodesy.transforms import make_transform, parse_crs, pipeline_string
from ..core.redline.area import ellipsoidal_area
from ..core.redline.coordfile import CoordinateDocument, read_coordinate_file, write_coordinate_file
from ..core.redline.model import parcel_from_geometry

ROOT = Path(__file__).resolve().parent.parent


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_transform(n: int = 1_000_000) -> list[tuple[str, float, float]]:
    rng = np.random.default_rng(1)
    e = rng.uniform(38_440_000, 38_480_000, n)
    nn = rng.uniform(3_320_000, 3_360_000, n)
    rows = []
    ours = make_transform("EPSG:4526", "EPSG:4527")
    bare = Transformer.from_crs("EPSG:4526", "EPSG:4527", always_xy=True)
    t_ours = best_of(lambda: ours.transform(e, nn))
    t_bare = best_of(lambda: bare.transform(e, nn))
    rows.append(("zone change 38 -> 39 (CGCS2000)", t_ours, t_bare))
    params = ParameterSet(BursaWolf(-31.5, 97.6, 55.2, 0.84, -1.36, 2.12, 3.25), "EPSG:2362",
                          "EPSG:4526")
    ours = make_transform("EPSG:2362", "EPSG:4526", params)
    bare = Transformer.from_pipeline(pipeline_string(parse_crs("EPSG:2362"),
                                                     parse_crs("EPSG:4526"), params))
    t_ours = best_of(lambda: ours.transform(e, nn))
    t_bare = best_of(lambda: bare.transform(e, nn))
    rows.append(("Bursa-Wolf Xian 1980 -> CGCS2000", t_ours, t_bare))
    return rows


def bench_reader(points: int = 100_000) -> tuple[float, int]:
    parcels, n = [], 0
    per = 1000
    for k in range(points // per):
        angles = np.linspace(0, 2 * np.pi, per, endpoint=False)
        cx, cy = 38_450_000 + (k % 10) * 3000, 3_330_000 + (k // 10) * 3000
        ring = np.column_stack([cx + 1000 * np.cos(angles), cy + 1000 * np.sin(angles)])
        parcels.append(parcel_from_geometry(f"P{k}", f"地块{k}", shapely.Polygon(ring)))
        n += per
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        write_coordinate_file(CoordinateDocument({"带号": "38"}, parcels), path)
        t = best_of(lambda: read_coordinate_file(path), 3)
    return t, n


def bench_area() -> float:
    g = shapely.Polygon(np.column_stack([38_461_200 + 5000 * np.cos(np.linspace(0, 6.28, 400)),
                                         3_343_500 + 5000 * np.sin(np.linspace(0, 6.28, 400))]))
    crs = CRS.from_epsg(4526)
    return best_of(lambda: ellipsoidal_area(g, crs), 3)


def fuzz_lines(examples: int = 150, steps: int = 20) -> list[str]:
    """The schemathesis tests of ``make test`` with many more examples and longer stateful
    runs, on SQLite and PostgreSQL."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "REDLINE_FUZZ_EXAMPLES": str(examples),
           "REDLINE_FUZZ_STEPS": str(steps)}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(ROOT / "tests" / "test_server_schemathesis.py")], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    tail = (done.stdout.strip().splitlines() or ["no output"])[-1]
    return ["", f"API fuzzing (schemathesis, {examples} examples per operation and stateful runs "
            f"of {steps} steps along the OpenAPI links, SQLite and PostgreSQL; checks: no 5xx, "
            "documented status codes, content types and response schemas): "
            f"{'passed' if done.returncode == 0 else 'FAILED'} — {tail} "
            f"({time.perf_counter() - t0:.0f} s)."]


def main() -> int:
    lines = ["# Benchmarks", "",
             f"Measured by `make bench` on {platform.machine()}, {platform.processor() or 'cpu'}, "
             f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}. Best of 5 runs.", "",
             "| what | RedLine core | bare pyproj | speed ratio (target >= 0.8) |",
             "| --- | ---: | ---: | ---: |"]
    for name, ours, bare in bench_transform():
        lines.append(f"| 1 000 000 points, {name} | {ours:.3f} s | {bare:.3f} s | "
                     f"{bare / ours:.2f} |")
    t, n = bench_reader()
    lines += ["", "| what | time | target |", "| --- | ---: | ---: |",
              f"| read a coordinate file of {n:,} boundary points (100 parcels) | {t:.3f} s | < 1 s |"]
    lines.append(f"| ellipsoidal area of a 78 km² parcel (5 m densification) | {bench_area():.3f} s | |")
    from .bench_check import bench_lines as check_lines

    lines += check_lines()
    from .bench_convert import bench_lines as convert_lines

    lines += convert_lines()
    from .bench_server import bench_lines
    from .bench_sync import bench_pull

    lines += bench_lines()
    lines += bench_pull()
    lines += fuzz_lines()
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
