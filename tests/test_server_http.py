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


def test_a_revoked_token_fails_at_once_on_every_worker(server):
    """The token is checked in autocommit on every request, in whichever worker: no worker
    keeps a logged-out token alive."""
    token = server.token("officer", DEMO_PASSWORD)
    auth = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{server.url}/api/v1/cases", headers=auth, timeout=30).ok
    assert requests.delete(f"{server.url}/api/v1/auth/token", headers=auth,
                           timeout=30).status_code == 204
    codes = {requests.get(f"{server.url}/api/v1/cases", headers=auth, timeout=30).status_code
             for _ in range(20)}
    assert codes == {401}


def test_the_access_log_is_written_only_when_asked_for(tmp_path):
    log = tmp_path / "access.log"
    s = LiveServer(f"sqlite:///{tmp_path / 'a.db'}", args=("--access-log", str(log))).start()
    try:
        requests.get(f"{s.url}/api/v1/health", timeout=30)
    finally:
        s.stop()
    assert "GET /api/v1/health" in log.read_text(encoding="utf-8")
