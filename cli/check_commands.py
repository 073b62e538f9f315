"""``redline check``: red lines against the profile's control layers."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="compliance check of red lines against control layers; "
                       "exit 1 on conflicts")
    p.add_argument("--parcels", required=True, help="red-line file (.txt, .gpkg, .shp, …)")
    p.add_argument("--profile", required=True, help="check profile (TOML or JSON)")
    p.add_argument("--use", help="intended use of the case (e.g. 工业用地); default: each "
                   "parcel's 地块用途")
    p.add_argument("--json", dest="json_out", help="write the result as JSON")
    p.add_argument("--html", help="write the HTML report")
    p.add_argument("--xlsx", help="write the workbook (汇总 and a sheet per layer)")
    p.add_argument("--report", help="write the PDF report (QGIS print layout)")
    p.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"],
                   help="language of the reports and the summary (default zh_CN)")
    p.set_defaults(func=cmd_check)


def _progress(percent: float, what: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{percent:5.1f}% {what[:50]:50}", end="" if percent < 100 else "\n",
              file=sys.stderr, flush=True)


def cmd_check(args) -> int:
    from ..core.check.results import write_json
    from ..core.check.run import check_files

    maps = bool(args.html or args.report)  # overlap geometry only for the reports' maps
    result = check_files(args.parcels, args.profile, args.use, progress=_progress,
                         keep_parts=maps)
    if args.json_out:
        write_json(result, args.json_out)
    if args.xlsx:
        from ..core.check.report_xlsx import write_workbook

        write_workbook(result, args.xlsx)
    if args.html:
        from ..core.check.report_html import write_html

        write_html(result, args.html, args.lang)
    if args.report:
        from ..processing_algorithms.report_pdf import write_pdf_headless

        write_pdf_headless(result, args.parcels, args.profile, args.report, args.lang)
    print_summary(result, args.lang)
    return 1 if result.has_conflict else 0


def print_summary(result, language: str = "zh_CN") -> None:
    from ..core.check.report_text import texts

    t = texts(language)
    net = "扣除后" if language != "en" else "net"
    print(f"{t['parcel']:<12}{t['area_m2']:>14}  {t['result']:<9} {t['layer']}")
    for p in result.parcels:
        hits = ", ".join(f"{lay.name} {lay.overlap_m2:.2f}"
                         + (f" ({net} {lay.net_overlap_m2:.2f})" if lay.net_overlap_m2 else "")
                         for lay in p.layers if lay.overlap_m2 > 0)
        print(f"{p.id:<12}{p.area_m2:>14.2f}  {t['status'][p.status]:<9} {hits}")
        for v in p.verdicts:
            if v.status != "pass":
                print(f"{'':<12}  {t['status'][v.status]:8} {v.text(language)}")
