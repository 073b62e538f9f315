"""``redline crs-guess``, ``redline transform``, ``redline fit``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from ..core.atomic import write_text_atomic
from ..core.errors import RedlineError
from ..core.geodesy.convert_files import convert_file, convert_folder
from ..core.geodesy.crs_guess import guess_crs
from ..core.geodesy.fitting import fit_parameters, report_text
from ..core.geodesy.params import load_parameters
from ..core.geodesy.point_files import read_pairs, read_points


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crs-guess", help="say which CRSs and zones a file's coordinates fit")
    p.add_argument("file", help="point CSV, ministry coordinate file (.txt) or GIS file")
    p.add_argument("--crs", help="the CRS the data claim to be in, to check it")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_crs_guess)

    p = sub.add_parser("transform", help="convert points or files (or a folder) to another CRS")
    p.add_argument("input", help="point CSV, .txt, .gpkg, .shp, .geojson, .dxf, or a folder")
    p.add_argument("output", help="output file (or folder when the input is a folder)")
    p.add_argument("--source", help="source CRS (default: the file's own)")
    p.add_argument("--target", default="auto-3deg",
                   help="target CRS, or auto-3deg for the CGCS2000 3-degree zone of the data")
    p.add_argument("--params", help="parameter file (JSON) for a datum change")
    p.add_argument("--bend-tolerance", type=float, default=0.001, metavar="M",
                   help="densify edges that would bend more than M metres (0: never)")
    p.set_defaults(func=cmd_transform)

    p = sub.add_parser("fit", help="fit 7- or 4-parameter transformation from common points")
    p.add_argument("pairs", help="CSV id,x1,y1,x2,y2[,h1,h2] (x northing, y easting)")
    p.add_argument("--model", required=True, choices=["bursa_wolf", "three_param", "four_param"])
    p.add_argument("--source", required=True)
    p.add_argument("--target", required=True)
    p.add_argument("--convention", default="coordinate_frame",
                   choices=["coordinate_frame", "position_vector"])
    p.add_argument("--out", required=True, help="parameter file to write (JSON)")
    p.add_argument("--report", help="also write a text report a surveyor can sign")
    p.add_argument("--no-reject", action="store_true", help="keep gross errors")
    p.set_defaults(func=cmd_fit)


def _columns_as_written(path: Path) -> tuple[np.ndarray, np.ndarray]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        t = read_points(path)
        if t.geographic:
            return t.easting, t.northing
        return t.northing, t.easting
    if suffix == ".txt":
        from ..core.redline.coordfile import read_coordinate_file

        doc = read_coordinate_file(path)
        pts = np.concatenate([np.asarray(r) for p in doc.parcels for r in p.raw_rings()])
        return pts[:, 1], pts[:, 0]  # northing first, as written
    from ..core.redline.gis_io import read_gis_coordinates

    e, n = read_gis_coordinates(path)
    return n, e


def cmd_crs_guess(args: argparse.Namespace) -> int:
    path = Path(args.file)
    first, second = _columns_as_written(path)
    g = guess_crs(first, second, args.crs)
    if args.json:
        print(json.dumps(g.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"{path}: {len(first)} coordinates")
    for c in g.candidates:
        print(f"  fits EPSG:{c['epsg']}  {c['name']}")
    for f in g.findings:
        print(f"  note: {f}")
    return 0


def _progress(percent: float, name: str) -> None:
    width = 30
    done = int(width * percent / 100)
    print(f"\r[{'#' * done}{'.' * (width - done)}] {percent:5.1f}% {name[:40]:40}",
          end="" if percent < 100 else "\n", file=sys.stderr, flush=True)


def cmd_transform(args: argparse.Namespace) -> int:
    params = load_parameters(args.params) if args.params else None
    tol = args.bend_tolerance or None
    src = Path(args.input)
    if src.is_dir():
        done = convert_folder(src, args.output, args.target, args.source, params, tol,
                              progress=_progress)
        for name, crs, count in done:
            print(f"{name}: {count} -> {crs}")
        return 0
    crs, count = convert_file(src, args.output, args.target, args.source, params, tol)
    print(f"{args.output}: {count} features/points in {crs}")
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    pairs = read_pairs(args.pairs)
    try:
        result = fit_parameters(pairs.ids, pairs.src_en, pairs.dst_en, args.model, args.source,
                                args.target, pairs.h1, pairs.h2, args.convention,
                                reject_gross=not args.no_reject)
    except RedlineError as exc:
        raise RedlineError(f"{args.pairs}: {exc}") from exc
    text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    write_text_atomic(args.out, text + "\n")
    report = report_text(result)
    if args.report:
        write_text_atomic(args.report, report)
    print(report, end="")
    return 0
