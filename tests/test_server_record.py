"""The approval record a bureau can sign, on SQLite and PostgreSQL: the lifecycle lock,
red-line versions that are never deleted, audit with old and new values, signatures tied to
the content, the exported record verified offline, scoped roles, stored = validated =
measured, and an admin trail."""

from __future__ import annotations

import copy
import json

import pytest
from redline_approval.cli.main import main as redline
from redline_approval.server_api import create_app

from tests.server_helpers import SQUARE, SQUARE_AREA, Api, parcel


def _to_first_review(officer, reviewer=None):
    n, _ = officer.create()
    officer.attach(n, "申请表")
    officer.attach(n, "红线图")
    officer.step(n, "accept")
    officer.step(n, "submit")
    return n


def _decided(officer, reviewer, leader):
    n = _to_first_review(officer)
    officer.opinion(n, "拟同意")
    reviewer.step(n, "approve_first_review")
    reviewer.opinion(n, "同意")
    reviewer.step(n, "approve_review")
    leader.opinion(n, "同意，准予批准")
    leader.step(n, "decide")
    return n


def _moved(dx):
    g = copy.deepcopy(SQUARE)
    g["coordinates"] = [[[x + dx, y] for x, y in ring] for ring in g["coordinates"]]
    return g


# --- lifecycle lock -----------------------------------------------------------------------------
def test_red_line_and_forms_are_locked_after_submission(officer, reviewer, leader):
    n = _to_first_review(officer)
    big = {"type": "Polygon", "coordinates": [[[38460000, 3343000], [38462000, 3343000],
                                               [38462000, 3345000], [38460000, 3345000],
                                               [38460000, 3343000]]]}
    r = officer.put(f"/api/v1/cases/{n}/parcels", {"parcels": [parcel(geometry=big)]},
                    etag=officer.etag(n))
    assert r.status_code == 409 and r.json["title"] == "Case locked"
    assert r.json["stage"] == "first_review" and "amend" in r.json["ways_out"]
    r = officer.patch(f"/api/v1/cases/{n}", {"forms": {"application": {"project_name": "改"}}},
                      etag=officer.etag(n))
    assert r.status_code == 409
    case = officer.get(f"/api/v1/cases/{n}").json
    assert case["parcels"][0]["planar_area_m2"] == SQUARE_AREA and case["editable"] is False
    # a formal amendment, with a reason, brings it back to 受理; the new red line is version 2
    reviewer.step(n, "amend", expect=422)
    r = reviewer.step(n, "amend", reason="申请人调整用地范围")
    assert r.json["stage"] == "accepted" and r.json["editable"] is True
    r = officer.put(f"/api/v1/cases/{n}/parcels",
                    {"parcels": [parcel(geometry=_moved(10), declared=None)],
                     "reason": "用地范围调整"}, etag=officer.etag(n))
    assert r.status_code == 200 and r.json["redline_version"] == 2


def test_a_decided_case_never_changes(officer, reviewer, leader, admin):
    n = _decided(officer, reviewer, leader)
    assert officer.get(f"/api/v1/cases/{n}").json["stage"] == "issued"
    for api in (officer, admin):
        r = api.put(f"/api/v1/cases/{n}/parcels", {"parcels": [parcel(declared=None)]},
                    etag=api.etag(n))
        assert r.status_code == 409 and r.json["title"] == "Case sealed"
        r = api.patch(f"/api/v1/cases/{n}", {"forms": {"approval": {"decision": "rejected"}}},
                      etag=api.etag(n))
        assert r.status_code == 409
    assert officer.post(f"/api/v1/cases/{n}/opinions", {"text": "补"},
                        etag=officer.etag(n)).status_code == 409


# --- versions and audit -------------------------------------------------------------------------
def test_every_red_line_version_stays_readable(officer):
    n, _ = officer.create()
    first = officer.get(f"/api/v1/cases/{n}/parcels").json
    assert first["version"] == 1 and len(first["sha256"]) == 64
    officer.put(f"/api/v1/cases/{n}/parcels", {"parcels": [parcel(geometry=_moved(50))],
                                               "reason": "测量更正"}, etag=officer.etag(n))
    officer.put(f"/api/v1/cases/{n}/parcels", {"parcels": [], "reason": "撤回红线"},
                etag=officer.etag(n))
    versions = officer.get(f"/api/v1/cases/{n}/parcels/versions").json
    assert [(v["version"], v["parcel_count"], v["author"]) for v in versions] == \
        [(1, 1, "officer"), (2, 1, "officer"), (3, 0, "officer")]
    assert versions[1]["reason"] == "测量更正"
    old = officer.get(f"/api/v1/cases/{n}/parcels?version=1").json
    assert old == first and old["parcels"][0]["geometry"] == SQUARE
    assert officer.get(f"/api/v1/cases/{n}/parcels?version=9").status_code == 404
    entries = [a for a in officer.get(f"/api/v1/cases/{n}/audit").json
               if a["action"] == "parcels"]
    assert entries[0]["detail"]["old"]["sha256"] == first["sha256"]
    assert entries[0]["detail"]["new"]["version"] == 2
    assert entries[1]["detail"]["new"]["parcels"] == [] and entries[1]["detail"]["reason"] \
        == "撤回红线"


def test_audit_holds_old_and_new_values(app, officer, reviewer):
    n, _ = officer.create()
    officer.patch(f"/api/v1/cases/{n}", {"applicant": "新公司", "forms": {
        "application": {"project_name": "工业园二期"}}}, etag=officer.etag(n))
    reviewer.patch(f"/api/v1/cases/{n}", {"handler": "Officer"}, etag=reviewer.etag(n))
    audit = officer.get(f"/api/v1/cases/{n}/audit").json
    changes = audit[1]["detail"]["changes"]
    assert changes["applicant"] == {"old": "某某公司", "new": "新公司"}
    assert changes["forms.application.project_name"] == {"old": "工业园", "new": "工业园二期"}
    assert audit[2]["detail"]["handler"] == {"old": "officer", "new": "officer"}
    assert audit[2]["user"] == "reviewer"


# --- signatures and the record ------------------------------------------------------------------
def test_signatures_count_only_in_their_stage_on_unchanged_content(officer, reviewer, leader):
    n, _ = officer.create()
    officer.opinion(n, "收件时签字")  # at 收件: no step of the chain
    officer.attach(n, "申请表")
    officer.attach(n, "红线图")
    officer.step(n, "accept")
    officer.step(n, "submit")
    reviewer.step(n, "approve_first_review")
    reviewer.opinion(n)
    reviewer.step(n, "approve_review")
    leader.opinion(n)
    r = leader.step(n, "decide", expect=409)  # the handler's signature at 收件 does not count
    assert "handler" in r.json["violations"][0]["message"]
    record = officer.get(f"/api/v1/cases/{n}/record").json
    why = {s["stage"]: (s["counts"], s["why"]) for s in record["signatures"]}
    assert why["received"] == (False, "stage received needs no signature")
    assert why["review"][0] is False and "before the handler" in why["review"][1]


def test_a_content_change_voids_the_signatures(officer, reviewer, leader):
    n = _to_first_review(officer)
    officer.opinion(n)
    reviewer.step(n, "approve_first_review")
    reviewer.opinion(n)
    reviewer.step(n, "amend", reason="面积核减")
    officer.put(f"/api/v1/cases/{n}/parcels", {"parcels": [parcel(geometry=_moved(5),
                                                                  declared=None)]},
                etag=officer.etag(n))
    record = officer.get(f"/api/v1/cases/{n}/record").json
    assert [s["why"] for s in record["signatures"]] == ["the case changed after it was signed"] * 2


def test_the_record_verifies_offline_and_says_what_was_changed(officer, reviewer, leader,
                                                               tmp_path, capsys):
    n = _decided(officer, reviewer, leader)
    record = officer.get(f"/api/v1/cases/{n}/record").json
    assert [s["counts"] for s in record["signatures"]] == [True, True, True]
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert redline(["verify-record", str(path)]) == 0
    assert "verifies" in capsys.readouterr().out
    # the area of the approved parcel quietly raised: every hash that covers it disagrees
    forged = copy.deepcopy(record)
    ring = forged["redline_versions"][0]["parcels"][0]["geometry"]["coordinates"][0]
    ring[1][0] += 100.0
    path.write_text(json.dumps(forged, ensure_ascii=False), encoding="utf-8")
    assert redline(["verify-record", str(path)]) == 1
    out = capsys.readouterr().out
    assert "red-line version 1: sha256" in out and "planar area" in out
    assert "record_sha256 does not match" in out
    # a forged signature text
    forged = copy.deepcopy(record)
    forged["signatures"][2]["text"] = "不同意"
    path.write_text(json.dumps(forged, ensure_ascii=False), encoding="utf-8")
    assert redline(["verify-record", str(path)]) == 1
    assert "signature 3 (leader, decision): signed_sha256" in capsys.readouterr().out


def test_distinct_users_for_the_chain(app, officer, reviewer, leader, admin):
    # a reviewer who is also made chief representative signs twice: the second does not count
    admin.patch("/api/v1/admin/users/reviewer", {"signer_role": "section_chief"})
    n = _to_first_review(officer)
    officer.opinion(n)
    reviewer.step(n, "approve_first_review")
    reviewer.opinion(n)
    reviewer.step(n, "approve_review")
    admin.patch("/api/v1/admin/users/reviewer", {"signer_role": "chief_representative"})
    again = Api(app.test_client(), "reviewer")
    again.opinion(n)
    record = officer.get(f"/api/v1/cases/{n}/record").json
    assert record["signatures"][-1]["counts"] is False
    assert "already signed" in record["signatures"][-1]["why"]


# --- scoped roles -------------------------------------------------------------------------------
def test_only_the_handler_edits_and_reassignment_is_for_reviewers(app, officer, reviewer, admin):
    n, _ = officer.create()
    admin.post("/api/v1/admin/users", {"username": "officer3", "password": "a-long-password-3",
                                       "role": "officer", "district": "JA"})
    colleague = Api(app.test_client(), "officer3", "a-long-password-3")
    r = colleague.patch(f"/api/v1/cases/{n}", {"location": "别处"}, etag="*")
    assert r.status_code == 403
    r = colleague.patch(f"/api/v1/cases/{n}", {"handler": "officer3"}, etag="*")
    assert r.status_code == 403
    r = reviewer.patch(f"/api/v1/cases/{n}", {"handler": "officer3"}, etag=reviewer.etag(n))
    assert r.status_code == 200 and r.json["handler"] == "officer3"
    assert officer.patch(f"/api/v1/cases/{n}", {"location": "x"},
                         etag=officer.etag(n)).status_code == 403
    assert colleague.patch(f"/api/v1/cases/{n}", {"location": "x"},
                           etag=colleague.etag(n)).status_code == 200
    r = reviewer.patch(f"/api/v1/cases/{n}", {"handler": "officer2"}, etag=reviewer.etag(n))
    assert r.status_code == 422 and "JB" in r.json["detail"]


def test_officers_belong_to_a_district(app, admin, officer):
    r = admin.post("/api/v1/admin/users", {"username": "nodistrict", "password": "long-enough-1",
                                           "role": "officer"})
    assert r.status_code == 422 and "district" in r.json["detail"]
    officer.create()
    # an officer whose district was taken away sees and registers nothing
    from redline_approval.server_api.models import User
    from sqlalchemy import update

    _read, write = app.extensions["redline_engines"]
    with write.begin() as conn:
        conn.execute(update(User).where(User.username == "officer2").values(district=None))
    lost = Api(app.test_client(), "officer2")
    assert lost.get("/api/v1/cases").json["total"] == 0
    r = lost.post("/api/v1/cases", {"business_code": "AA", "district": "JA", "applicant": "x"})
    assert r.status_code == 403


def test_admin_changes_and_deleted_cases_leave_a_trail(officer, reviewer, admin):
    rules = admin.get("/api/v1/admin/rules").json["definition"]
    assert admin.post("/api/v1/admin/rules", {"definition": dict(rules, blocking=[])}
                      ).status_code == 201
    admin.put("/api/v1/admin/calendar", {"holidays": ["2026-12-31"]})
    trail = reviewer.get("/api/v1/admin/audit").json
    assert [t["action"] for t in trail[:2]] == ["admin:calendar", "admin:rules"]
    assert len(trail[1]["detail"]["old"]["definition"]["blocking"]) == 4
    assert trail[1]["detail"]["new"]["definition"]["blocking"] == []
    assert officer.get("/api/v1/admin/audit").status_code == 403
    n, _ = officer.create()
    admin.delete(f"/api/v1/cases/{n}", etag=admin.etag(n))
    assert officer.get(f"/api/v1/cases/{n}/audit").status_code == 404
    assert [a["action"] for a in reviewer.get(f"/api/v1/cases/{n}/audit").json] == \
        ["create", "delete"]


# --- stored = validated = measured --------------------------------------------------------------
@pytest.mark.parametrize("geometry,code", [
    # a hole outside its shell: would be stored valid with its area wrongly subtracted
    ({"type": "Polygon", "coordinates": [
        [[38460000, 3343000], [38460100, 3343000], [38460100, 3343100], [38460000, 3343100],
         [38460000, 3343000]],
        [[38460300, 3343000], [38460350, 3343000], [38460350, 3343050], [38460300, 3343000]]]},
     "HOLE_OUTSIDE_SHELL"),
    # parts that overlap: would be counted twice
    ({"type": "MultiPolygon", "coordinates": [
        [[[38460000, 3343000], [38460200, 3343000], [38460200, 3343100], [38460000, 3343100],
          [38460000, 3343000]]],
        [[[38460100, 3343000], [38460300, 3343000], [38460300, 3343100], [38460100, 3343100],
          [38460100, 3343000]]]]}, "PARTS_OVERLAP"),
])
def test_invalid_red_lines_are_refused_with_findings(officer, geometry, code):
    n, _ = officer.create()
    r = officer.put(f"/api/v1/cases/{n}/parcels", {"parcels": [parcel(geometry=geometry)]},
                    etag=officer.etag(n))
    assert r.status_code == 422 and r.json["findings"][0]["code"] == code
    assert r.json["findings"][0]["parcel"] == "HX1" and r.json["findings"][0]["x"] > 3.8e7
    assert officer.get(f"/api/v1/cases/{n}").json["redline_version"] == 1


@pytest.mark.parametrize("ring,words", [
    ([[38460000, 3343000], [38460100, 3343000], [38460100, 3343100], [38460000, 3343100]],
     "not closed"),
    ([[38460000, 3343000, 12.5], [38460100, 3343000, 12.5], [38460100, 3343100, 12.5],
      [38460000, 3343000, 12.5]], "2-D"),
])
def test_rings_are_taken_as_written(officer, ring, words):
    r = officer.post("/api/v1/cases", {"business_code": "AA", "district": "JA",
                                       "applicant": "x", "parcels": [parcel(geometry={
                                           "type": "Polygon", "coordinates": [ring]})]})
    assert r.status_code == 422 and words in r.json["detail"] and "ring 1" in r.json["detail"]


# --- no 5xx, limits -----------------------------------------------------------------------------
def test_hostile_input_gets_4xx(app, officer, admin):
    c = app.test_client()
    deep = "[" * 5000 + "]" * 5000
    r = c.post("/api/v1/auth/token", data=deep, content_type="application/json")
    assert r.status_code == 422 and "nested" in r.json["title"]
    assert officer.get("/api/v1/cases?bbox=1..2,3,4,5").status_code == 422
    assert officer.get("/api/v1/cases?bbox=1,2,0,4").status_code == 422
    n, _ = officer.create()
    for text in ("\\ud800", "a\\u0000b"):
        r = officer.client.post(f"/api/v1/cases/{n}/opinions",
                                data='{"text": "' + text + '"}', content_type="application/json",
                                headers={**officer.headers, "If-Match": officer.etag(n)})
        assert r.status_code == 422, text
    assert officer.get("/api/v1/cases?applicant=%00").status_code == 422
    wf = admin.get("/api/v1/admin/workflow").json["definition"]
    bad_wf = copy.deepcopy(wf)
    bad_wf["transitions"][0]["roles"] = "officer"
    assert admin.post("/api/v1/admin/workflow", {"definition": bad_wf}).status_code == 422
    rules = admin.get("/api/v1/admin/rules").json["definition"]
    for bad in ({**rules, "routing": [{"when": ["x"], "section": "规划科"}]},
                {**rules, "blocking": [{"id": "A", "name": "a", "check": "area_consistent",
                                        "params": {"tolerance_m2": "abc"}}]}):
        assert admin.post("/api/v1/admin/rules", {"definition": bad}).status_code == 422
    # nothing broke: a case still moves
    assert officer.get(f"/api/v1/cases/{n}").status_code == 200


def test_size_and_vertex_limits(database_url):
    app = create_app({"DATABASE_URL": database_url, "DEMO": True,
                      "MAX_CONTENT_LENGTH": 200_000, "MAX_VERTICES": 1000})
    officer = Api(app.test_client(), "officer")
    import numpy as np

    t = np.linspace(0, 2 * np.pi, 1500, endpoint=False)
    ring = [[38460500 + 100 * np.cos(a), 3343500 + 100 * np.sin(a)] for a in t]
    ring.append(ring[0])
    r = officer.post("/api/v1/cases", {"business_code": "AA", "district": "JA",
                                       "applicant": "x", "parcels": [parcel(geometry={
                                           "type": "Polygon", "coordinates": [ring]},
                                           declared=None)]})
    assert r.status_code == 413 and "1501" in r.json["detail"]
    r = officer.client.post("/api/v1/cases", data=b"{" + b" " * 300_000 + b"}",
                            content_type="application/json", headers=officer.headers)
    assert r.status_code == 413


def test_lists_are_pages_in_a_constant_number_of_queries(app, officer):
    from sqlalchemy import event

    read, _write = app.extensions["redline_engines"]
    counted = []
    listen = lambda *a, **k: counted.append(1)  # noqa: E731
    for _ in range(12):
        officer.create()
    event.listen(read, "before_cursor_execute", listen)
    try:
        for limit in (3, 12):
            counted.clear()
            page = officer.get(f"/api/v1/cases?limit={limit}").json
            assert len(page["cases"]) == limit and page["total"] == 12
            assert "geometry" not in page["cases"][0]["parcels"][0]
            if limit == 3:
                small = len(counted)
        assert len(counted) == small
    finally:
        event.remove(read, "before_cursor_execute", listen)
    full = officer.get("/api/v1/cases?limit=2&include=geometry").json
    assert full["cases"][0]["parcels"][0]["geometry"]["type"] == "MultiPolygon"
    assert officer.get("/api/v1/cases?limit=501").status_code == 422
    assert officer.get("/api/v1/cases").json["cases"].__len__() == 12  # default 50


def test_a_calendar_edit_reaches_every_worker_at_once(database_url, officer):
    other = create_app({"DATABASE_URL": database_url, "DEMO": True}, init=False)
    # two apps over one database stand for two gunicorn workers
    n, _ = officer.create()
    officer.attach(n, "申请表")
    officer.attach(n, "红线图")
    officer.step(n, "accept")
    reader2 = Api(other.test_client(), "reviewer")
    due = reader2.get(f"/api/v1/cases/{n}").json["deadline"]["due"]
    admin = Api(officer.client, "admin", "admin")
    assert admin.put("/api/v1/admin/calendar", {"holidays": [due]}).status_code == 200
    assert reader2.get(f"/api/v1/cases/{n}").json["deadline"]["due"] != due


# --- authentication -----------------------------------------------------------------------------
def test_login_is_throttled_normalised_and_revocable(app, admin):
    c = app.test_client()
    for _ in range(5):
        assert c.post("/api/v1/auth/token", json={"username": "leader",
                                                  "password": "wrong"}).status_code == 401
    r = c.post("/api/v1/auth/token", json={"username": "Leader ", "password": "redline-demo"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    r = c.post("/api/v1/auth/token", json={"username": " OFFICER", "password": "redline-demo"})
    assert r.status_code == 200 and r.json["user"]["username"] == "officer"
    token = {"Authorization": f"Bearer {r.json['token']}"}
    assert c.get("/api/v1/cases", headers=token).status_code == 200
    assert c.delete("/api/v1/auth/token", headers=token).status_code == 204
    assert c.get("/api/v1/cases", headers=token).status_code == 401
    users = admin.get("/api/v1/admin/users").json
    assert {"admin", "officer", "reviewer", "leader"} <= {u["username"] for u in users}
    r = admin.post("/api/v1/admin/users", {"username": "short", "password": "short",
                                           "role": "reviewer"})
    assert r.status_code == 422
    officer = Api(app.test_client(), "officer")
    assert admin.patch("/api/v1/admin/users/officer", {"active": False}).status_code == 200
    assert officer.get("/api/v1/cases").status_code == 401  # deactivated: token revoked
    admin.patch("/api/v1/admin/users/officer", {"active": True})
    officer = Api(app.test_client(), "officer")
    r = officer.post("/api/v1/auth/password", {"old_password": "redline-demo",
                                               "new_password": "a-new-long-password"})
    assert r.status_code == 204
    assert officer.get("/api/v1/cases").status_code == 401
    Api(app.test_client(), "officer", "a-new-long-password")


def test_unknown_users_cost_the_same_work(app, monkeypatch):
    from redline_approval.server_api import auth

    calls = []
    real = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash",
                        lambda h, p: calls.append(h) or real(h, p))
    c = app.test_client()
    c.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"})
    c.post("/api/v1/auth/token", json={"username": "officer", "password": "x"})
    assert len(calls) == 2 and calls[0].startswith("pbkdf2:sha256:60000")


def test_no_admin_admin_outside_demo(tmp_path, capsys, monkeypatch):
    from redline_approval.core.errors import RedlineError

    url = f"sqlite:///{tmp_path / 'prod.db'}"
    with pytest.raises(RedlineError, match="set-password"):
        create_app({"DATABASE_URL": url})
    monkeypatch.setenv("REDLINE_ADMIN_PASSWORD", "correct-horse-battery")
    assert redline(["admin", "set-password", "--database", url]) == 0
    monkeypatch.delenv("REDLINE_ADMIN_PASSWORD")
    app = create_app({"DATABASE_URL": url})
    Api(app.test_client(), "admin", "correct-horse-battery")
    assert app.test_client().post("/api/v1/auth/token", json={
        "username": "officer", "password": "redline-demo"}).status_code == 401


def test_a_busy_database_answers_503_with_retry_after(tmp_path):
    import sqlite3

    path = tmp_path / "busy.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "DEMO": True,
                      "BUSY_TIMEOUT_MS": 300})
    officer = Api(app.test_client(), "officer")
    n, _ = officer.create()
    tag = officer.etag(n)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        r = officer.patch(f"/api/v1/cases/{n}", {"location": "x"}, etag=tag)
        assert r.status_code == 503 and r.headers["Retry-After"] == "1"
        assert officer.get(f"/api/v1/cases/{n}").status_code == 200  # reads go on
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert officer.patch(f"/api/v1/cases/{n}", {"location": "x"}, etag=tag).status_code == 200
