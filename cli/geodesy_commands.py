"""``redline crs-guess``, ``redline transform``, ``redline fit``.

Core modules are imported inside the commands: ``redline transform`` of a large layer is timed
against ogr2ogr as a whole command, start-up included.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crs-guess", help="say which CRSs and zones a file's coordinates fit")
    p.add_argument("file", help="point CSV, ministry coordinate file (.txt) or GIS file")
    p.add_argument("--crs", help="the CRS the data claim to be in, to check it")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_crs_guess)

    p = sub.add_parser("transform", help="convert points or files (or a folder) to another CRS")
    p.add_argument("input", help="point CSV, .txt, .gpkg, .shp, .geojson, .dxf, or a folder")
    p.add_argument("output", help="output file (or folder when the input is a folder)")
    p.add_argument("--source", help="source CRS (default: the file's own, else the parameter "
                   "file's source)")
    p.add_argument("--target", help="target CRS, or auto-3deg for the CGCS2000 3-degree zone of "
                   "the data (default: the parameter file's target, else auto-3deg)")
    p.add_argument("--params", help="parameter file (JSON) for a datum change")
    p.add_argument("--bend-tolerance", type=float, default=0.001, metavar="M",
                   help="densify edges that would bend more than M metres (0: never)")
    p.set_defaults(func=cmd_transform)

    p = sub.add_parser("fit", help="fit 7-, 3- or 4-parameter transformation from common points")
    p.add_argument("pairs", help="CSV id,x1,y1,x2,y2[,h1,h2] (x northing, y easting)")
    p.add_argument("--model", required=True, choices=["bursa_wolf", "three_param", "four_param"])
    p.add_argument("--source", required=True)
    p.add_argument("--target", required=True)
    p.add_argument("--convention", default="coordinate_frame",
                   choices=["coordinate_frame", "position_vector"])
    p.add_argument("--height", type=float, default=0.0, metavar="H",
                   help="assumed mean ellipsoidal height (m) on both sides when the pairs carry "
                   "no h1,h2 (default 0)")
    p.add_argument("--alpha", type=float, default=0.001,
                   help="significance level of the gross-error test (default 0.001)")
    p.add_argument("--check", metavar="CHECK.csv", help="independent check points (检核点), "
                   "same columns as the pairs, reported apart from the fit")
    p.add_argument("--out", required=True, help="parameter file to write (JSON)")
    p.add_argument("--report", help="also write the report a surveyor signs")
    p.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"],
                   help="language of the report (default Chinese)")
    p.add_argument("--no-reject", action="store_true", help="keep gross errors")
    p.set_defaults(func=cmd_fit)


def _columns_as_written(path: Path):
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from ..core.geodesy.point_files import read_points

        t = read_points(path)
        if t.geographic:
            return t.easting, t.northing
        return t.northing, t.easting
    import numpy as np

    if suffix == ".txt":
        from ..core.redline.coordfile import read_coordinate_file

        doc = read_coordinate_file(path)
        pts = np.concatenate([np.asarray(r) for p in doc.parcels for r in p.raw_rings()])
        return pts[:, 1], pts[:, 0]  # northing first, as written
    from ..core.redline.gis_io import read_gis_coordinates

    e, n = read_gis_coordinates(path)
    return n, e


def cmd_crs_guess(args: argparse.Namespace) -> int:
    from ..core.geodesy.crs_guess import guess_crs

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
    if not sys.stderr.isatty():
        return
    width = 30
    done = int(width * percent / 100)
    print(f"\r[{'#' * done}{'.' * (width - done)}] {percent:5.1f}% {name[:40]:40}",
          end="" if percent < 100 else "\n", file=sys.stderr, flush=True)


def cmd_transform(args: argparse.Namespace) -> int:
    from ..core.geodesy.convert_files import convert_file, convert_folder
    from ..core.geodesy.params import load_parameters

    params = load_parameters(args.params) if args.params else None
    tol = args.bend_tolerance or None
    src = Path(args.input)
    if src.is_dir():
        results = convert_folder(src, args.output, args.target, args.source, params, tol,
                                 progress=_progress)
    else:
        results = [convert_file(src, args.output, args.target, args.source, params, tol,
                                progress=_progress)]
    for r in results:
        extra = f", {r.densified} densified where edges would bend" if r.densified else ""
        print(f"{r.output}: {r.count} features/points in {r.target}{extra}")
        for w in r.warnings():
            print(f"warning: {w}", file=sys.stderr)
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    from ..core.atomic import write_text_atomic
    from ..core.errors import RedlineError
    from ..core.geodesy.fit_report import report_text
    from ..core.geodesy.fitting import evaluate_check_points, fit_parameters
    from ..core.geodesy.point_files import read_pairs

    pairs = read_pairs(args.pairs)
    try:
        result = fit_parameters(pairs.ids, pairs.src_en, pairs.dst_en, args.model, args.source,
                                args.target, pairs.h1, pairs.h2, args.convention,
                                reject_gross=not args.no_reject, alpha=args.alpha,
                                assumed_height_m=args.height)
    except RedlineError as exc:
        raise RedlineError(f"{args.pairs}: {exc}") from exc
    if args.check:
        check = read_pairs(args.check)
        try:
            evaluate_check_points(result, check.ids, check.src_en, check.dst_en, check.h1)
        except RedlineError as exc:
            raise RedlineError(f"{args.check}: {exc}") from exc
    text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    write_text_atomic(args.out, text + "\n")
    report = report_text(result, args.lang)
    if args.report:
        write_text_atomic(args.report, report)
    print(report, end="")
    return 0
