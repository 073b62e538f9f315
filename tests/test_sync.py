"""Sync between two local stores (two officers' plugins) and the real server (gunicorn over
HTTP, SQLite and PostgreSQL): offline edits, conflicts resolved per field, a server killed
mid-push, resumable pulls."""

from __future__ import annotations

import pytest
import requests
import shapely
from redline_approval.core.errors import RedlineError
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


def test_different_fields_merge_and_the_same_field_is_a_conflict_with_its_base(server,
                                                                               tmp_path):
    a, b = store_at(tmp_path, "a"), store_at(tmp_path, "b")
    n = a.create_local_case("AA", "JA", "原申请人", location="原地点",
                            forms={"application": {"project_name": "原项目", "phone": "12345"}})
    number = sync(a, client_for(server)).renamed[n]
    sync(b, client_for(server))
    a.update_case(number, {"applicant": "甲改的申请人", "location": "甲改的地点", "forms": {
        "application": {"project_name": "原项目", "phone": "99999"}}})
    b.update_case(number, {"location": "乙改的地点", "forms": {
        "application": {"project_name": "乙改的项目", "phone": "12345"}}})
    b.set_parcels(number, [b.measure("1", "乙画的", BOX, None)])
    assert sync(a, client_for(server)).pushed == 1
    report = sync(b, client_for(server))
    assert report.conflicts == [number]
    assert {o["status"] for o in b.outbox_for(number)} == {CONFLICT}  # kept, not dropped
    view = conflict_view(b, number)
    # only the field both changed; applicant (A) and the form keys merged one by one
    assert view["fields"] == [{"field": "location", "base": "原地点", "mine": "乙改的地点",
                               "theirs": "甲改的地点"}]
    assert view["redline"] == "mine"  # only B changed the red line
    with pytest.raises(RedlineError, match="location"):
        resolve(b, number, {})  # no default that throws an edit away
    resolve(b, number, {"location": "mine"})
    report = sync(b, client_for(server))
    assert not report.conflicts and report.pushed == 2
    server_case = client_for(server).get_case(number)
    assert server_case["location"] == "乙改的地点" and server_case["applicant"] == "甲改的申请人"
    assert server_case["forms"]["application"] == {"project_name": "乙改的项目", "phone": "99999"}
    assert server_case["parcels"][0]["name"] == "乙画的"
    sync(a, client_for(server))
    assert a.get_case(number)["location"] == "乙改的地点"


def test_three_stores_merge_without_losing_an_edit(server, tmp_path):
    stores = [store_at(tmp_path, name) for name in "abc"]
    n = stores[0].create_local_case("AA", "JA", "申请人")
    number = sync(stores[0], client_for(server)).renamed[n]
    for s in stores[1:]:
        sync(s, client_for(server))
    stores[0].update_case(number, {"applicant": "甲"})
    stores[1].update_case(number, {"location": "乙"})
    stores[2].update_case(number, {"project_tag": "P-丙"})
    reports = [sync(s, client_for(server)) for s in stores]
    assert [r.pushed for r in reports] == [1, 1, 1] and not any(r.conflicts for r in reports)
    assert reports[1].merged == [number] and reports[2].merged == [number]
    case = client_for(server).get_case(number)
    assert (case["applicant"], case["location"], case["project_tag"]) == ("甲", "乙", "P-丙")


class EditDuringPull:
    """A client whose feed arrives while the officer saves an edit in the store."""

    def __init__(self, client, store, number):
        self.client, self.store, self.number = client, store, number
        self.user = client.user

    def changes(self, since, limit=500):
        feed = self.client.changes(since, limit)
        if self.number:
            self.store.update_case(self.number, {"applicant": "编辑于拉取中"})
            self.number = None
        return feed

    def __getattr__(self, name):
        return getattr(self.client, name)


def test_an_edit_saved_during_a_pull_is_kept_and_merged(server, tmp_path):
    a, b = store_at(tmp_path, "a"), store_at(tmp_path, "b")
    n = a.create_local_case("AA", "JA", "原申请人")
    number = sync(a, client_for(server)).renamed[n]
    sync(b, client_for(server))
    a.update_case(number, {"location": "甲的地点"})
    sync(a, client_for(server))  # the server is at version 2
    report = sync(b, EditDuringPull(client_for(server), b, number))
    assert number not in [c for c in report.merged]
    assert b.get_case(number)["applicant"] == "编辑于拉取中"  # not overwritten by the pull
    assert b.get_case(number)["version"] == 1  # its base stays the copy the edit was made on
    report = sync(b, client_for(server))
    assert report.merged == [number] and not report.conflicts
    case = client_for(server).get_case(number)
    assert (case["applicant"], case["location"]) == ("编辑于拉取中", "甲的地点")


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
        # nothing lost: the registration (with the location folded in) and the red line
        assert [o["kind"] for o in store.outbox("pending")] == ["create", "parcels"]
        server = LiveServer(database_url, port=server.port).start()
        report = sync(store, client_for(server))
        assert report.pushed == 2 and not report.conflicts
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


def test_a_refused_step_can_be_fixed_and_retried(server, tmp_path):
    store = store_at(tmp_path, "a")
    n = store.create_local_case("AA", "JA", "丁公司")
    number = sync(store, client_for(server)).renamed[n]
    store.queue_transition(number, "accept")  # blocked: required materials missing
    store.update_case(number, {"location": "丁路"})  # independent: still goes out
    report = sync(store, client_for(server))
    assert report.failed and "required materials" in report.failed[0]
    assert report.pushed == 1 and report.outstanding
    failed = store.outbox("failed")
    assert failed and "required materials" in failed[0]["error"]
    # the officer attaches the materials and retries: the attachments go first
    store.add_attachment(number, "申请表", "申请表", 10, "0" * 64)
    store.add_attachment(number, "红线图", "红线图", 10, "1" * 64)
    assert store.retry(number) == 1
    report = sync(store, client_for(server))
    assert report.pushed == 3 and not report.failed and not report.outstanding
    assert client_for(server).get_case(number)["stage"] == "accepted"


def test_a_refused_edit_is_replaced_by_the_next_and_discard_returns_the_server_copy(
        server, tmp_path):
    store = store_at(tmp_path, "a")
    n = store.create_local_case("AA", "JA", "戊公司")
    number = sync(store, client_for(server)).renamed[n]
    store.update_case(number, {"forms": {"application": {"phone": "not a phone"}}})
    report = sync(store, client_for(server))
    assert report.failed and "422" in report.failed[0]
    store.update_case(number, {"forms": {"application": {"phone": "0571-12345"}}})
    assert [o["status"] for o in store.outbox_for(number)] == ["pending"]  # replaced
    assert sync(store, client_for(server)).pushed == 1
    store.update_case(number, {"applicant": "错的", "forms": {"application": {"phone": "?"}}})
    store.queue_transition(number, "no-such-step")
    report = sync(store, client_for(server))
    assert len(report.failed) == 2
    store.discard(number)
    assert store.get_case(number)["applicant"] == "戊公司" and not store.outbox_for(number)
    assert not sync(store, client_for(server)).outstanding


def test_a_refused_registration_is_corrected_in_place(server, tmp_path):
    store = store_at(tmp_path, "a")
    n = store.create_local_case("AA", "JA", "己公司", forms={"application": {"phone": "x"}})
    store.update_case(n, {"location": "己路"})
    report = sync(store, client_for(server))
    assert report.failed and not report.renamed and len(store.outbox_for(n)) == 1
    store.update_case(n, {"forms": {"application": {"phone": "010-1234567"}}})
    report = sync(store, client_for(server))
    assert n in report.renamed and not report.failed
    case = client_for(server).get_case(report.renamed[n])
    assert case["location"] == "己路" and case["forms"]["application"]["phone"] == "010-1234567"


def test_an_expired_login_keeps_everything_pending(server, tmp_path):
    store = store_at(tmp_path, "a")
    n = store.create_local_case("AA", "JA", "庚公司")
    client = client_for(server)
    number = sync(store, client).renamed[n]
    store.update_case(number, {"location": "庚路"})
    store.add_opinion(number, "拟同意", False)
    requests.delete(f"{server.url}/api/v1/auth/token", timeout=10,
                    headers={"Authorization": f"Bearer {client.token}"})  # revoked
    report = sync(store, client)
    assert report.login_required and report.pushed == 0 and not report.failed
    assert [o["status"] for o in store.outbox_for(number)] == ["pending", "pending"]
    client.login("officer", DEMO_PASSWORD)
    report = sync(store, client)
    assert report.pushed == 2 and not report.outstanding


class Busy(requests.adapters.HTTPAdapter):
    def send(self, request, **kw):
        if request.method in ("PATCH", "POST", "PUT") and "/auth/" not in request.url:
            r = requests.Response()
            r.status_code, r.url, r.request = 503, request.url, request
            r.headers["Retry-After"] = "2"
            r._content = b'{"title": "Service Unavailable", "status": 503}'
            return r
        return super().send(request, **kw)


def test_busy_server_means_try_later_not_refused(server, tmp_path):
    store = store_at(tmp_path, "a")
    n = store.create_local_case("AA", "JA", "辛公司")
    busy = client_for(server)
    busy.http.mount("http://", Busy())
    report = sync(store, busy)
    assert report.retry_later and "2 s" in report.retry_later and not report.failed
    assert store.outbox_for(n)[0]["status"] == "pending"
    assert n in sync(store, client_for(server)).renamed


def test_a_case_removed_on_the_server_with_local_changes_is_offered(server, tmp_path):
    store = store_at(tmp_path, "a")
    n = store.create_local_case("AA", "JA", "壬公司")
    number = sync(store, client_for(server)).renamed[n]
    store.set_parcels(number, [store.measure("1", "壬", BOX, None)])
    store.update_case(number, {"location": "壬路"})
    admin = ApiClient(server.url, timeout=10)
    admin.login("admin", "admin")
    admin.write("DELETE", f"/cases/{number}", None, "*", "del-r")
    report = sync(store, client_for(server))  # the edits are refused (404), the case kept
    assert report.removed == [number] and store.get_case(number)["location"] == "壬路"
    new = store.keep_as_new(number)
    report = sync(store, client_for(server))
    assert new in report.renamed and not report.removed
    case = client_for(server).get_case(report.renamed[new])
    assert case["location"] == "壬路" and case["parcels"][0]["name"] == "壬"


def test_a_locked_store_gives_a_clear_message(server, tmp_path):
    import sqlite3

    path = tmp_path / "locked.gpkg"
    LocalStore(path).close()
    store = LocalStore(path, busy_ms=300)
    store.create_local_case("AA", "JA", "癸公司")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # QGIS saving an edit, say
    try:
        with pytest.raises(RedlineError, match="locked by another program"):
            sync(store, client_for(server))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert sync(store, client_for(server)).pushed == 1


def test_a_likely_duplicate_waits_for_confirmation(server, tmp_path):
    a, b = store_at(tmp_path, "a"), store_at(tmp_path, "b")
    first = a.create_local_case("AA", "JA", "同一公司", project_tag="P-9")
    sync(a, client_for(server))
    sync(b, client_for(server))
    again = b.create_local_case("AA", "JA", "同一 公司", project_tag="P-9")
    report = sync(b, client_for(server))
    assert report.waiting and "P-9" not in report.waiting[0] and again not in report.renamed
    b.set_state(f"duplicate_ok:{again}", True)  # the officer confirmed it is another case
    assert again in sync(b, client_for(server)).renamed
    assert first


def test_offline_error_is_typed():
    with pytest.raises(OfflineError):
        ApiClient("http://127.0.0.1:9", timeout=1).health()


def test_a_change_of_scope_reads_the_feed_again(server, tmp_path):
    writer = client_for(server)
    ja = writer.create_case({"business_code": "AA", "district": "JA", "applicant": "甲"}, "s1")
    store = store_at(tmp_path, "o")
    sync(store, client_for(server))
    assert store.get_case(ja["number"]) is not None
    admin = ApiClient(server.url, timeout=10)
    admin.login("admin", "admin")
    admin._request("PATCH", "/admin/users/officer", json={"district": "JB"})
    moved = client_for(server)  # logs in again: now an officer of JB
    report = sync(store, moved)
    assert store.get_case(ja["number"]) is None and report.deleted == 1


FIELDS = ["applicant", "location", "project_tag", "forms.application.project_name"]


def _edit(store, number, field, value):
    if field.startswith("forms."):
        case = store.get_case(number)
        forms = dict(case.get("forms") or {})
        forms["application"] = {**(forms.get("application") or {}), "project_name": value}
        store.update_case(number, {"forms": forms})
    else:
        store.update_case(number, {field: value})


def _on_server(audit: list[dict], field: str, value) -> bool:
    for entry in audit:
        changes = entry["detail"].get("changes") or {}
        if changes.get(field, {}).get("new") == value:
            return True
        if entry["action"] == "create":
            content = entry["detail"].get("content") or {}
            flat = {**content, **{f"forms.application.{k}": v for k, v in
                                 ((content.get("forms") or {}).get("application") or {}).items()}}
            if flat.get(field) == value:
                return True
    return False


@pytest.mark.parametrize("seed", range(24))
def test_random_interleavings_lose_no_acknowledged_edit(seed, tmp_path, sqlite_server):
    """Two stores and the server's own editors in a random order (24 fixed seeds): every edit
    a store acknowledged and then sent is on the server (in the audit's new values) or shown
    to its officer as a conflict or a refusal. Deterministic: the seeds are the test cases."""
    import random

    rng = random.Random(seed)
    server = sqlite_server
    a, b = store_at(tmp_path, "a"), store_at(tmp_path, "b")
    n = a.create_local_case("AA", "JA", f"随机{seed}")
    number = sync(a, client_for(server)).renamed[n]
    sync(b, client_for(server))
    admin = ApiClient(server.url, timeout=10)
    admin.login("admin", "admin")
    stores = {"a": a, "b": b}
    unsent = {"a": {}, "b": {}}
    sent: list[tuple[str, str, str]] = []
    for step in range(14):
        action = rng.choice(["edit_a", "edit_b", "edit_a", "edit_b", "sync_a", "sync_b",
                             "server"])
        field = rng.choice(FIELDS)
        value = f"{action}-{step}-{seed}"
        if action.startswith("edit_"):
            who = action[-1]
            _edit(stores[who], number, field, value)
            unsent[who][field] = value  # a later local edit of the field supersedes it
        elif action.startswith("sync_"):
            who = action[-1]
            sync(stores[who], client_for(server))
            sent += [(who, f, v) for f, v in unsent[who].items()]
            unsent[who] = {}
        else:
            body = ({"forms": {"application": {"project_name": value}}}
                    if field.startswith("forms.") else {field: value})
            admin.write("PATCH", f"/cases/{number}", body, "*", f"srv-{seed}-{step}")
    for who in ("a", "b", "a", "b"):
        sync(stores[who], client_for(server))
    sent += [(who, f, v) for who in unsent for f, v in unsent[who].items()]
    audit = client_for(server, "reviewer")._request("GET", f"/cases/{number}/audit").json()
    for who, field, value in sent:
        store = stores[who]
        shown = store.get_case(number).get("conflict") or store.outbox("failed")
        assert _on_server(audit, field, value) or shown, (seed, who, field, value)


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory):
    s = LiveServer(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}").start()
    yield s
    s.stop()
