"""``make demo``: build the sample county and run the main job end to end, headless.

1. generate the county's control layers and red lines under demo_data/;
2. fit Xian 1980 -> CGCS2000 parameters from common points (one blunder to be found) and convert
   a legacy point list with them;
3. read, validate and measure the red lines (coordinate file, GBK);
4. start QGIS headless, register the plugin's Processing provider, list its algorithms and run
   "Import red line" through Processing into demo_output/;
5. the compliance check of the imported red lines against the county's control layers, with the
   JSON result and the HTML and PDF reports in demo_output/ and a summary table;
6. the approval server (gunicorn, SQLite in demo_output/, loopback only): an officer registers a
   case offline in the plugin's local store with the red line, syncs (the server numbers it),
   a reviewer's store pulls it, and the server's rules block the next step until the materials
   are there.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..cli.main import main as redline
from .sample_county import build

ROOT = Path.cwd()
DATA, OUT = ROOT / "demo_data", ROOT / "demo_output"


def step(title: str) -> None:
    print(f"\n== {title}")


def run_cli(*args: str) -> int:
    print("$ redline " + " ".join(args))
    return redline(list(args))


def qgis_part() -> None:
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from qgis.core import QgsApplication, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    try:
        from processing.core.Processing import Processing

        Processing.initialize()
        import processing

        from ..processing_algorithms.provider import RedlineProvider

        provider = RedlineProvider()
        QgsApplication.processingRegistry().addProvider(provider)
        from qgis.core import Qgis

        print(f"QGIS {Qgis.QGIS_VERSION}: "
              f"provider '{provider.name()}' registered with:")
        for alg in provider.algorithms():
            print(f"  {alg.id():32} {alg.displayName()}")
        result = processing.run("redline:importredline", {
            "INPUT": str(DATA / "redlines.txt"), "OUTPUT": str(OUT / "redlines.gpkg")})
        layer = QgsVectorLayer(result["OUTPUT"], "redlines", "ogr")
        print(f"Processing wrote {layer.featureCount()} parcels to {result['OUTPUT']} "
              f"({layer.crs().authid()}):")
        for f in layer.getFeatures():
            print(f"  {f['number']:10} {f['name']:8} {f['ellipsoidal_m2']:>12.2f} m2 "
                  f"{f['hectares']:>9.4f} ha {f['mu']:>9.2f} mu")
        del layer  # QGIS objects must be gone before exitQgis, or it crashes on exit

        step("5. compliance check: red lines against the three zones three lines, planning, "
             "forest, approved")
        res = processing.run("redline:compliancecheck", {
            "PARCELS": str(OUT / "redlines.gpkg"), "ID_FIELD": "number", "NAME_FIELD": "name",
            "USE_FIELD": "use",
            "PROFILE": str(DATA / "profile.toml"), "OUTPUT": str(OUT / "check_overlaps.gpkg"),
            "JSON": str(OUT / "check.json"), "HTML": str(OUT / "check.html"),
            "PDF": str(OUT / "check.pdf")})
        for key in ("OUTPUT", "JSON", "HTML", "PDF"):
            print(f"  {key:7} {Path(res[key]).relative_to(ROOT)}")
        QgsApplication.processingRegistry().removeProvider(provider)
    finally:
        app.exitQgis()


def server_part() -> None:
    from ..core.redline.io import read_parcels
    from ..core.store.local_store import LocalStore
    from ..core.sync.client import ApiClient
    from ..core.sync.engine import sync
    from ..server_api.process import LiveServer
    from ..server_api.seed import DEMO_PASSWORD

    step("6. approval server and sync (SQLite, loopback)")
    db = OUT / "server.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    server = LiveServer(f"sqlite:///{db}").start()
    try:
        stores = {}
        for name in ("officer", "reviewer"):
            path = OUT / f"{name}_cases.gpkg"
            path.unlink(missing_ok=True)
            stores[name] = LocalStore(path, "EPSG:4526")
        officer = stores["officer"]
        red = read_parcels(DATA / "redlines.txt").parcels[0]
        number = officer.create_local_case("AA", "JA", "示范县工业园开发有限公司",
                                           "示范县工业园", {"application": {
                                               "project_name": red.name,
                                               "intended_use": "工业用地"}})
        officer.set_parcels(number, [officer.measure("1", red.name, red.geometry,
                                                     red.declared_area_ha * 10_000)])
        print(f"officer, offline: case {number} with its red line "
              f"({officer.parcels(number)[0].planar_area_m2:,.2f} m2)")

        def synced(store, user):
            with ApiClient(server.url) as client:
                client.login(user, DEMO_PASSWORD)
                return sync(store, client)

        report = synced(officer, "officer")
        real = report.renamed[number]
        print(f"officer sync: {report.summary()}; the server numbered it {real}")
        officer.queue_transition(real, "accept")
        report = synced(officer, "officer")
        print(f"accept without materials: {report.failed[0] if report.failed else 'accepted'}")
        report = synced(stores["reviewer"], "reviewer")
        case = stores["reviewer"].get_case(real)
        print(f"reviewer sync: {report.summary()}; sees {case['number']} "
              f"{case['applicant']} at stage {case['stage_name']}")
        for s in stores.values():
            s.close()
    finally:
        server.stop()


def summary() -> None:
    data = json.loads((OUT / "check.json").read_text(encoding="utf-8"))
    print(f"\n{'parcel':<11}{'use':<8}{'area m2':>12}  {'result':<9}" + "".join(
        f"{layer['name'][:6]:>10}" for layer in data["parcels"][0]["layers"]))
    for p in data["parcels"]:
        print(f"{p['id']:<11}{(p['use'] or '')[:6]:<8}{p['area_m2']:>12.2f}  {p['status']:<9}"
              + "".join(f"{layer['overlap_m2']:>12.2f}" for layer in p["layers"]))


def main() -> int:
    OUT.mkdir(exist_ok=True)
    step("1. sample county (generated) in demo_data/")
    files = build(DATA)
    for key, path in files.items():
        print(f"  {key:16} {path.relative_to(ROOT)}")

    step("2. Xian 1980 -> CGCS2000: fit 7 parameters from common points, convert a point list")
    run_cli("fit", str(DATA / "common_points.csv"), "--model", "bursa_wolf",
            "--source", "EPSG:2362", "--target", "EPSG:4526",
            "--out", str(OUT / "xian80_to_cgcs2000.json"), "--report", str(OUT / "fit_report.txt"))
    run_cli("transform", str(DATA / "xian80_points.csv"), str(OUT / "points_cgcs2000.csv"),
            "--source", "EPSG:2362", "--target", "auto-3deg",
            "--params", str(OUT / "xian80_to_cgcs2000.json"))

    step("3. red lines: validate, measure, export")
    run_cli("validate", str(DATA / "redlines.txt"))
    run_cli("area", str(DATA / "redlines.txt"))
    run_cli("points", str(DATA / "redlines.txt"), str(OUT / "boundary_points.csv"))
    run_cli("txt2gis", str(DATA / "redlines.txt"), str(OUT / "redlines.dxf"))

    step("4. QGIS headless: the plugin's Processing provider")
    qgis_part()
    summary()
    server_part()
    fit = json.loads((OUT / "xian80_to_cgcs2000.json").read_text(encoding="utf-8"))
    print(f"\nDone. Fit RMS {fit['rms_m']} m, rejected {fit['rejected']}; outputs in "
          f"{OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
