"""Pulling 10 000 cases from the server into a fresh local store (target: under 10 s)."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from ..core.store.local_store import LocalStore
from ..core.sync.client import ApiClient
from ..core.sync.engine import sync
from ..server_api.process import LiveServer
from ..server_api.seed import DEMO_PASSWORD

SQUARE = {"type": "Polygon", "coordinates": [[[38460200, 3343100], [38460650, 3343080],
                                              [38460700, 3343420], [38460230, 3343450],
                                              [38460200, 3343100]]]}


def fill_server(database_url: str, count: int) -> None:
    """``count`` cases written straight into a new server database, as if registered."""
    from sqlalchemy import update

    from ..core.approval.record import redline_sha256
    from ..server_api.app import create_app
    from ..server_api.models import Case, Change, RedlineVersion, ServerState
    from ..server_api.services import build_parcels, enter_stage

    app = create_app({"DATABASE_URL": database_url, "DEMO": True})
    writers = app.extensions["redline_engines"][1]
    from sqlalchemy.orm import Session

    with app.app_context(), Session(writers) as s:
        for i in range(1, count + 1):
            rows, versions, _findings = build_parcels([{
                "number": "1", "name": "", "crs": "EPSG:4526", "geometry": SQUARE,
                "declared_area_m2": 159700.0}])
            case = Case(number=f"JAAA2026{i:04d}" if i < 10000 else f"JBAA2026{i - 9999:04d}",
                        business_code="AA", district="JA" if i < 10000 else "JB",
                        applicant=f"申请人{i}", location="示范县", forms={}, stage="",
                        stage_history=[], workflow_version=1, suspensions=[], parcels=rows,
                        redline_version=1)
            s.add(case)
            s.flush()
            s.add(RedlineVersion(case_id=case.id, version=1, reason="bench",
                                 parcels_json=json.dumps(versions),
                                 sha256=redline_sha256(versions), parcel_count=1,
                                 area_m2=versions[0]["ellipsoidal_area_m2"]))
            enter_stage(s, case, "received")
            case.revision = i
            s.add(Change(revision=i, case_id=case.id, number=case.number,
                         district=case.district, op="upsert"))
        s.execute(update(ServerState).where(ServerState.id == 1).values(revision=count))
        s.commit()


def bench_pull(count: int = 10_000) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/pull.db"
        t0 = time.perf_counter()
        fill_server(url, count)
        t_fill = time.perf_counter() - t0
        server = LiveServer(url, workers=4).start()
        try:
            store = LocalStore(Path(tmp) / "store.gpkg")
            with ApiClient(server.url, timeout=120) as client:
                client.login("reviewer", DEMO_PASSWORD)
                t0 = time.perf_counter()
                report = sync(store, client)
                t_pull = time.perf_counter() - t0
            cases = len(store.list_cases())
            store.close()
        finally:
            server.stop()
    return ["", f"Sync: a fresh local store pulls {count:,} cases (each with its red line) from "
            "the server under gunicorn over loopback:", "",
            "| what | time | target |", "| --- | ---: | ---: |",
            f"| pull {report.pulled:,} cases ({cases:,} in the store afterwards) | {t_pull:.2f} s "
            f"| < 10 s |", f"| (filling the server database for the run) | {t_fill:.1f} s | |"]
