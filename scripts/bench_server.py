"""Requests per second of the approval server under gunicorn on this machine (wrk as the
load generator, SQLite and, when PostgreSQL 15 is installed, PostgreSQL)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import requests

WRITE_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
wrk.body = '%s'
"""


def _rps(output: str) -> float:
    m = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return float(m.group(1)) if m else 0.0


def _non2xx(output: str) -> int:
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return int(m.group(1)) if m else 0


def run(database_url: str, seconds: int = 10, workers: int = 4) -> dict:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from ..server_api.process import LiveServer

    server = LiveServer(database_url, workers=workers).start()
    try:
        token = server.token("officer", "redline-demo")
        body = {"business_code": "AA", "district": "JA", "applicant": "压测", "parcels": [{
            "number": "1", "crs": "EPSG:4526", "geometry": {
                "type": "Polygon", "coordinates": [[[38460200, 3343100], [38460650, 3343080],
                                                    [38460700, 3343420], [38460230, 3343450],
                                                    [38460200, 3343100]]]},
            "declared_area_m2": 159700}]}
        auth = {"Authorization": f"Bearer {token}"}
        number = requests.post(f"{server.url}/api/v1/cases", json=body, headers=auth,
                               timeout=30).json()["number"]
        with tempfile.TemporaryDirectory() as tmp:
            read_lua = Path(tmp) / "read.lua"
            read_lua.write_text(f'wrk.headers["Authorization"] = "Bearer {token}"\n')
            write_lua = Path(tmp) / "write.lua"
            write_lua.write_text(WRITE_LUA % (token, json.dumps(body, ensure_ascii=False)))
            common = ["wrk", "-t2", "-c16", f"-d{seconds}s"]
            reads = subprocess.run(common + ["-s", str(read_lua),
                                             f"{server.url}/api/v1/cases/{number}"],
                                   capture_output=True, text=True, check=True).stdout
            writes = subprocess.run(common + ["-s", str(write_lua), f"{server.url}/api/v1/cases"],
                                    capture_output=True, text=True, check=True).stdout
        return {"read_rps": _rps(reads), "read_errors": _non2xx(reads),
                "write_rps": _rps(writes), "write_errors": _non2xx(writes)}
    finally:
        server.stop()


def bench_lines() -> list[str]:
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False,
                       capture_output=True)
    lines = ["", "Approval server under gunicorn (4 workers x 4 threads, wrk 2 threads / 16 "
             "connections, 10 s each; reads: GET one case with its red line; writes: POST a "
             "new case with a red line, i.e. numbering, area computation, audit, change feed):",
             "", "| database | reads/s | writes/s | non-2xx |", "| --- | ---: | ---: | ---: |"]
    with tempfile.TemporaryDirectory() as tmp:
        r = run(f"sqlite:///{tmp}/bench.db")
        lines.append(f"| SQLite (WAL) | {r['read_rps']:.0f} | {r['write_rps']:.0f} | "
                     f"{r['read_errors'] + r['write_errors']} |")
    from tests.postgres import Cluster, available

    if available():
        cluster = Cluster().start()
        try:
            r = run(cluster.new_database())
            lines.append(f"| PostgreSQL 15 + PostGIS | {r['read_rps']:.0f} | "
                         f"{r['write_rps']:.0f} | {r['read_errors'] + r['write_errors']} |")
        finally:
            cluster.stop()
    return lines
