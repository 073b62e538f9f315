"""The server as deployed: ``redline serve`` (Alembic, then gunicorn) over real HTTP."""

from __future__ import annotations

import threading

import pytest
import requests
from redline_approval.server_api.process import LiveServer
from redline_approval.server_api.seed import DEMO_PASSWORD

from tests.server_helpers import parcel


@pytest.fixture()
def server(database_url):
    s = LiveServer(database_url).start()
    yield s
    s.stop()


def test_race_over_http_gives_one_success_and_one_412(server):
    auth = {"Authorization": f"Bearer {server.token('officer', DEMO_PASSWORD)}"}
    r = requests.post(f"{server.url}/api/v1/cases", headers=auth, timeout=30, json={
        "business_code": "AA", "district": "JA", "applicant": "x", "parcels": [parcel()]})
    assert r.status_code == 201
    number, tag = r.json()["number"], r.headers["ETag"]
    barrier = threading.Barrier(2)
    codes = []

    def write(text):
        barrier.wait()
        resp = requests.patch(f"{server.url}/api/v1/cases/{number}", timeout=30,
                              headers={**auth, "If-Match": tag}, json={"location": text})
        codes.append(resp.status_code)

    threads = [threading.Thread(target=write, args=(t,)) for t in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 412]
    spec = requests.get(f"{server.url}/api/v1/openapi.json", timeout=30).json()
    assert "/api/v1/cases/{number}/transitions" in spec["paths"]
