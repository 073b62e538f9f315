"""Sync between two local stores (two officers' plugins) and the real server (gunicorn over
HTTP, SQLite and PostgreSQL): offline edits, conflicts resolved per field, a server killed
mid-push, resumable pulls."""

from __future__ import annotations

import pytest
import requests
import shapely
from redline_approval.core.store.local_store import CONFLICT, LocalStore
from redline_approval.core.sync.client import ApiClient, OfflineError
from redline_approval.core.sync.engine import conflict_view, resolve, sync
from redline_approval.server_api.process import LiveServer
from redline_approval.server_api.seed import DEMO_PASSWORD

BOX = shapely.box(38460200, 3343100, 38460400, 3343300)


@pytest.fixture()
def server(database_url):
    s = LiveServer(database_url).start()
    yield s
    s.stop()


def client_for(server, user="officer"):
    c = ApiClient(server.url, timeout=10)
    c.login(user, DEMO_PASSWORD)
    return c


def store_at(tmp_path, name):
    return LocalStore(tmp_path / f"{name}.gpkg")


def test_offline_edits_on_two_clients_then_sync(server, tmp_path):
    a, b = store_at(tmp_path, "a"), store_at(tmp_path, "b")
    # both offline: a wrong port is an unreachable server
    offline = ApiClient("http://127.0.0.1:9", timeout=2)
    n1 = a.create_local_case("AA", "JA", "甲公司", forms={"application": {"project_name": "一"}})
    a.set_parcels(n1, [a.measure("1", "甲地块", BOX, 40000.0)])
    n2 = b.create_local_case("LD", "JA", "乙公司")
    report = sync(a, offline)
    assert report.offline and len(a.outbox("pending")) == 2
    ra = sync(a, client_for(server))
    rb = sync(b, client_for(server))
    assert ra.pushed == 2 and rb.pushed == 1 and not ra.conflicts
    real1, real2 = ra.renamed[n1], rb.renamed[n2]
    assert real1.startswith("JAAA") and real2.startswith("JALD")
    sync(a, client_for(server))
    numbers_a = {c["number"] for c in a.list_cases()}
    numbers_b = {c["number"] for c in b.list_cases()}
    assert numbers_a == numbers_b == {real1, real2}
    p = b.parcels(real1)[0]
    assert p.planar_area_m2 == pytest.approx(40000.0) and p.name == "甲地块"
    assert not a.outbox("pending") and not b.outbox("pending")
    assert {t["code"] for t in a.get_state("business_types")} >= {"AA", "LD"}


def test_concurrent_edits_conflict_resolved_per_field(server, tmp_path):
    a, b = store_at(tmp_path, "a"), store_at(tmp_path, "b")
    n = a.create_local_case("AA", "JA", "原申请人", location="原地点")
    number = sync(a, client_for(server)).renamed[n]
    sync(b, client_for(server))
    a.update_case(number, {"applicant": "甲改的申请人", "location": "甲改的地点"})
    b.update_case(number, {"location": "乙改的地点"})
    b.set_parcels(number, [b.measure("1", "乙画的", BOX, None)])
    assert sync(a, client_for(server)).pushed == 1
    report = sync(b, client_for(server))
    assert report.conflicts == [number]
    assert {o["status"] for o in b.outbox_for(number)} == {CONFLICT}  # kept, not dropped
    view = conflict_view(b, number)
    fields = {f["field"]: f for f in view["fields"]}
    assert fields["location"]["mine"] == "乙改的地点"
    assert fields["location"]["theirs"] == "甲改的地点"
    assert fields["applicant"]["theirs"] == "甲改的申请人"
    assert view["mine_parcels"] and not view["theirs_parcels"]
    resolve(b, number, {"location": "mine", "applicant": "theirs"}, geometry="mine")
    report = sync(b, client_for(server))
    assert not report.conflicts and report.pushed == 2
    server_case = client_for(server).get_case(number)
    assert server_case["location"] == "乙改的地点" and server_case["applicant"] == "甲改的申请人"
    assert server_case["parcels"][0]["name"] == "乙画的"
    sync(a, client_for(server))
    assert a.get_case(number)["location"] == "乙改的地点"


class DropAfterCommit(requests.adapters.HTTPAdapter):
    """The server commits the create, then dies before the answer reaches the client."""

    def __init__(self, server):
        super().__init__()
        self.server = server

    def send(self, request, **kw):
        response = super().send(request, **kw)
        if request.method == "POST" and request.url.endswith("/api/v1/cases"):
            self.server.kill()
            raise requests.ConnectionError("connection reset by peer")
        return response


def test_server_killed_mid_push_no_duplicate_nothing_lost(database_url, tmp_path):
    server = LiveServer(database_url).start()
    try:
        store = store_at(tmp_path, "a")
        n = store.create_local_case("AA", "JA", "丙公司")
        store.set_parcels(n, [store.measure("1", "丙", BOX, 40000.0)])
        store.update_case(n, {"location": "某路"})
        flaky = client_for(server)
        flaky.http.mount("http://", DropAfterCommit(server))
        report = sync(store, flaky)
        assert report.offline and report.pushed == 0
        assert len(store.outbox("pending")) == 3  # nothing lost
        server = LiveServer(database_url, port=server.port).start()
        report = sync(store, client_for(server))
        assert report.pushed == 3 and not report.conflicts
        listing = requests.get(f"{server.url}/api/v1/cases", timeout=10, headers={
            "Authorization": f"Bearer {server.token('reviewer', DEMO_PASSWORD)}"}).json()
        assert listing["total"] == 1  # the replayed create made no second case
        case = listing["cases"][0]
        assert case["location"] == "某路" and len(case["parcels"]) == 1
    finally:
        server.stop()


def test_pull_is_incremental_resumable_and_applies_tombstones(server, tmp_path):
    writer = client_for(server)
    created = [writer.create_case({"business_code": "AA", "district": "JA",
                                   "applicant": f"公司{i}"}, key=f"k{i}")["number"]
               for i in range(7)]
    store = store_at(tmp_path, "r")
    reader = client_for(server, "reviewer")
    first = reader.changes(0, 3)
    assert first["more"] and len(first["changes"]) == 3
    # an interrupted pull: only the first batch applied, then the network drops
    for c in first["changes"]:
        store.put_server_case(c["case"])
    store.set_state("last_revision", first["last_revision"])
    report = sync(store, reader)
    assert report.pulled == 4 and {c["number"] for c in store.list_cases()} == set(created)
    admin = ApiClient(server.url, timeout=10)
    admin.login("admin", "admin")
    admin.write("DELETE", f"/cases/{created[0]}", None, f'"{created[0]}-1"', "del-1")
    report = sync(store, reader)
    assert report.deleted == 1 and store.get_case(created[0]) is None
    assert sync(store, reader).pulled == 0


def test_refused_operation_is_kept_with_the_reason(server, tmp_path):
    store = store_at(tmp_path, "a")
    n = store.create_local_case("AA", "JA", "丁公司")
    number = sync(store, client_for(server)).renamed[n]
    store.queue_transition(number, "accept")  # blocked: required materials missing
    report = sync(store, client_for(server))
    assert report.failed and "required materials" in report.failed[0]
    failed = store.outbox("failed")
    assert failed and "required materials" in failed[0]["error"]


def test_offline_error_is_typed():
    with pytest.raises(OfflineError):
        ApiClient("http://127.0.0.1:9", timeout=1).health()
