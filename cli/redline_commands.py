"""``redline txt2gis``, ``gis2txt``, ``validate``, ``area``, ``points``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from ..core.errors import CrsError

if TYPE_CHECKING:
    from ..core.redline.io import RedlineSource

# core modules are imported in the commands so that `redline --help` and every other command
# start without loading the GIS and DXF libraries


def _input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--crs", help="CRS of the input when it carries none (e.g. a DXF)")
    p.add_argument("--encoding", help="text encoding of a Shapefile's DBF (default: its .cpg, "
                   "else its language driver, else detected), e.g. GBK or UTF-8")
    p.add_argument("--declared-unit", choices=["ha", "m2"], default="ha",
                   help="unit of 地块面积 values written without one (the standard: ha)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("txt2gis", help="ministry coordinate file -> GeoPackage/Shapefile/"
                       "GeoJSON/DXF")
    p.add_argument("input")
    p.add_argument("output")
    _input_options(p)
    p.add_argument("--output-encoding", default="gbk", choices=["gbk", "utf-8"],
                   help="encoding of a Shapefile's DBF written (default GBK, with a .cpg)")
    p.set_defaults(func=cmd_convert_format)

    p = sub.add_parser("gis2txt", help="GIS or DXF file -> ministry coordinate file")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--zone", type=int, help="CGCS2000 3-degree zone of the data (prefixed "
                   "eastings) when the input carries no CRS")
    _input_options(p)
    p.add_argument("--output-encoding", default="gbk", choices=["gbk", "utf-8"],
                   help="encoding of the coordinate file written (default GBK)")
    p.set_defaults(func=cmd_convert_format)

    p = sub.add_parser("validate", help="check red-line parcels; exit 1 on errors")
    p.add_argument("input")
    _input_options(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--repair", metavar="OUT", help="also write a repaired copy (repeated points "
                   "dropped, polygons made valid) and say what changed; the input is untouched")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("area", help="planar and ellipsoidal areas per parcel")
    p.add_argument("input")
    _input_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_area)

    p = sub.add_parser("points", help="boundary-point table (界址点成果表) as CSV")
    p.add_argument("input")
    p.add_argument("output")
    _input_options(p)
    p.set_defaults(func=cmd_points)


def _read(args) -> RedlineSource:
    from ..core.redline.io import read_parcels

    crs = getattr(args, "crs", None)
    zone = getattr(args, "zone", None)
    if zone and not crs:
        from ..core.geodesy.crs_catalog import gauss_kruger

        crs = gauss_kruger("cgcs2000", 3, zone, prefixed=True).authid
    source = read_parcels(args.input, crs, args.encoding, args.declared_unit)
    for note in source.notes:
        print(f"note: {note}", file=sys.stderr)
    return source


def _need_crs(source: RedlineSource, what: str):
    if source.crs is None:
        raise CrsError(f"the input carries no CRS; pass --crs to compute {what}")
    if not source.crs.is_projected:
        raise CrsError(f"{source.crs.name} is not a plane CRS: convert the red line to its "
                       "CGCS2000 3-degree zone first (redline transform --target auto-3deg)")
    return source.crs


def cmd_convert_format(args) -> int:
    from ..core.redline.io import write_parcels

    source = _read(args)
    for note in write_parcels(source, args.output, args.output_encoding):
        print(f"note: {note}", file=sys.stderr)
    print(f"{args.output}: {len(source.parcels)} parcel(s)")
    return 0


def cmd_validate(args) -> int:
    from ..core.redline.validate import has_errors, validate_parcels

    source = _read(args)
    findings = validate_parcels(source.parcels, source.crs)
    if args.json:
        print(json.dumps({
            "crs": source.crs.to_string() if source.crs else None,
            "parcels": [{"number": p.number, "name": p.name} for p in source.parcels],
            "findings": [f.to_dict() for f in findings]}, ensure_ascii=False, indent=2))
    else:
        for f in findings:
            where = f" at {f.point}" if f.point else ""
            print(f"{f.severity.upper():8} {f.code:20} parcel {f.parcel}{where}: {f.message}")
        errors = sum(f.severity == "error" for f in findings)
        print(f"{len(source.parcels)} parcel(s), {len(findings)} finding(s), {errors} error(s)")
    if args.repair:
        return _repair(source, args.repair)
    return 1 if has_errors(findings) else 0


def _repair(source: RedlineSource, out: str) -> int:
    from ..core.redline.io import RedlineSource, write_parcels
    from ..core.redline.model import parcel_from_geometry
    from ..core.redline.validate import has_errors, repair, validate_parcels

    repaired = []
    for p in source.parcels:
        change = repair(p)
        print(f"repair parcel {change.parcel}: {change.note}")
        repaired.append(parcel_from_geometry(p.number, p.name, p.geometry, p.attributes,
                                             p.declared_area_ha))
    fixed = RedlineSource(repaired, source.crs, source.document)
    write_parcels(fixed, out, source.document.encoding if source.document else "gbk")
    left = validate_parcels(repaired, source.crs)
    print(f"{out}: written; {sum(f.severity == 'error' for f in left)} error(s) remain")
    return 1 if has_errors(left) else 0


def cmd_area(args) -> int:
    from ..core.redline.area import adjusted_hectares, parcel_area

    source = _read(args)
    crs = _need_crs(source, "areas")
    areas = [parcel_area(p.number, p.name, p.geometry, crs) for p in source.parcels]
    rows = [a.to_dict() for a in areas]
    adjusted, total_ha = adjusted_hectares([a.ellipsoidal_m2 for a in areas])
    for row, ha in zip(rows, adjusted, strict=True):
        row["hectares"] = ha
    if args.json:
        print(json.dumps({"crs": crs.to_string(), "parcels": rows, "total_hectares": total_ha},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"{'number':<14}{'name':<16}{'planar m2':>16}{'ellipsoidal m2':>18}{'ha':>12}{'mu':>12}")
    for r in rows:
        print(f"{r['number']:<14}{r['name']:<16}{r['planar_m2']:>16.2f}"
              f"{r['ellipsoidal_m2']:>18.2f}{r['hectares']:>12.4f}{r['mu']:>12.2f}")
    print(f"total {total_ha:.4f} ha in {crs.to_string()}", file=sys.stdout)
    return 0


def cmd_points(args) -> int:
    from ..core.redline.point_table import write_point_table_csv

    source = _read(args)
    write_point_table_csv(source.parcels, args.output)
    print(f"{args.output}: boundary points of {len(source.parcels)} parcel(s)")
    return 0


