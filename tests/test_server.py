"""The approval server on SQLite and on PostgreSQL + PostGIS: numbering, workflow, rules,
deadlines, concurrency, idempotency, the change feed, roles, statistics."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from redline_approval.server_api import create_app, services

from tests.server_helpers import SQUARE_AREA, Api, parcel


def test_health_without_auth_and_cases_need_it(app):
    c = app.test_client()
    assert c.get("/api/v1/health").json["status"] == "ok"
    r = c.get("/api/v1/cases")
    assert r.status_code == 401 and r.mimetype == "application/problem+json"
    assert c.post("/api/v1/auth/token", json={"username": "officer",
                                              "password": "wrong"}).status_code == 401


def test_numbers_are_sequential_and_gap_free(officer):
    year = services.today().year
    first, _ = officer.create()
    bad = officer.post("/api/v1/cases", {"business_code": "AA", "district": "JA",
                                         "applicant": "x", "forms": {"application": {"phone": "?"}}})
    assert bad.status_code == 422 and bad.json["errors"]
    second, _ = officer.create()
    other, _ = officer.create(business="LD")
    assert first == f"JAAA{year}0001" and second == f"JAAA{year}0002"
    assert other == f"JALD{year}0001"


def test_concurrent_creation_gives_distinct_gap_free_numbers(app):
    apis = [Api(app.test_client(), "officer") for _ in range(6)]
    numbers, errors = [], []

    def work(api):
        try:
            for _ in range(3):
                numbers.append(api.create()[0])
        except AssertionError as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(a,)) for a in apis]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    serials = sorted(int(n[-4:]) for n in numbers)
    assert serials == list(range(1, 19))


def test_full_workflow_with_rules(officer, reviewer, leader):
    n, _ = officer.create()
    blocked = officer.step(n, "accept", expect=409)
    assert [v["rule"] for v in blocked.json["violations"]] == ["R-MATERIALS"]
    officer.attach(n, "申请表")
    officer.attach(n, "红线图")
    r = officer.step(n, "accept")
    assert r.json["stage"] == "accepted" and r.json["deadline"]["status"] in ("normal", "yellow")
    officer.step(n, "submit")
    officer.opinion(n)  # the handler signs the first review
    r = officer.step(n, "approve_first_review", expect=403)  # who submitted does not approve
    assert r.json["title"] == "Separation of duties"
    reviewer.step(n, "approve_first_review")
    reviewer.opinion(n)
    reviewer.step(n, "approve_review")
    r = leader.step(n, "decide", expect=409)
    assert "three-signature" in r.json["violations"][0]["message"]
    leader.opinion(n)
    leader.step(n, "decide")
    r = officer.step(n, "close")
    assert r.json["stage"] == "closed" and r.json["transitions"] == []
    audit = officer.get(f"/api/v1/cases/{n}/audit").json
    assert [a["action"] for a in audit].count("transition") == 6  # blocked tries leave none


def test_send_back_suspend_resume_extend_terminate(officer, reviewer, leader):
    n, _ = officer.create()
    officer.attach(n, "申请表")
    officer.attach(n, "红线图")
    officer.step(n, "accept")
    officer.step(n, "submit")
    reviewer.step(n, "approve_first_review")
    r = reviewer.step(n, "send_back", expect=422)
    assert "reason" in r.json["detail"]
    r = reviewer.step(n, "send_back", reason="补充材料")
    assert r.json["stage"] == "first_review"
    r = officer.step(n, "suspend", reason="等待补正")
    assert r.json["stage"] == "suspended"
    officer.step(n, "submit", expect=422)
    r = officer.step(n, "resume")
    assert r.json["stage"] == "first_review"
    officer.step(n, "extend", expect=403, reason="x", days=5)
    leader.step(n, "extend", expect=422, reason="复杂项目")
    r = leader.step(n, "extend", reason="复杂项目", days=5)
    assert r.json["extension_days"] == 5 and r.json["stage"] == "first_review"
    officer.step(n, "terminate", expect=403, reason="撤回")
    r = leader.step(n, "terminate", reason="申请人撤回")
    assert r.json["stage"] == "terminated"
    r = officer.patch(f"/api/v1/cases/{n}", {"applicant": "新"}, etag=officer.etag(n))
    assert r.status_code == 409 and r.json["title"] == "Case sealed"


def test_red_line_rules_block_and_dry_run(officer):
    n, _ = officer.create(parcels=[])
    officer.attach(n, "申请表")
    officer.attach(n, "红线图")
    officer.step(n, "accept")
    r = officer.post(f"/api/v1/cases/{n}/transitions/dry-run", {"transition": "submit"})
    assert r.status_code == 200 and r.json["allowed"] is False
    assert r.json["violations"][0]["rule"] == "R-RED-LINE"
    r = officer.put(f"/api/v1/cases/{n}/parcels", {"parcels": [parcel(declared=161_000.0)]},
                    etag=officer.etag(n))
    assert r.status_code == 200 and r.json["parcels"][0]["planar_area_m2"] == SQUARE_AREA
    r = officer.post(f"/api/v1/cases/{n}/transitions/dry-run", {"transition": "submit"})
    assert [v["rule"] for v in r.json["violations"]] == ["R-AREA"]
    bowtie = {"type": "Polygon", "coordinates": [[[38461000, 3343000], [38461100, 3343100],
                                                  [38461100, 3343000], [38461000, 3343100],
                                                  [38461000, 3343000]]]}
    r = officer.put(f"/api/v1/cases/{n}/parcels", {"parcels": [parcel(geometry=bowtie,
                                                                      declared=None)]},
                    etag=officer.etag(n))
    assert r.status_code == 422  # refused with the findings, nothing stored
    assert any(f["code"] == "SELF_INTERSECTION" for f in r.json["findings"])
    assert officer.get(f"/api/v1/cases/{n}").json["parcels"][0]["planar_area_m2"] == SQUARE_AREA
    far = {"type": "Polygon", "coordinates": [[[39461000, 3343000], [39461100, 3343000],
                                               [39461100, 3343100], [39461000, 3343000]]]}
    r = officer.put(f"/api/v1/cases/{n}/parcels", {"parcels": [parcel(geometry=far)]},
                    etag=officer.etag(n))
    assert r.status_code == 422 and "zone" in r.json["detail"]
    r = officer.put(f"/api/v1/cases/{n}/parcels", {"parcels": [parcel(crs="EPSG:2362")]},
                    etag=officer.etag(n))
    assert r.status_code == 422 and "CGCS2000" in r.json["detail"]


def test_two_writers_one_wins_one_412(app):
    a, b = Api(app.test_client(), "officer"), Api(app.test_client(), "officer")
    n, tag = a.create()
    r1 = a.patch(f"/api/v1/cases/{n}", {"applicant": "A公司"}, etag=tag)
    r2 = b.patch(f"/api/v1/cases/{n}", {"applicant": "B公司"}, etag=tag)
    assert (r1.status_code, r2.status_code) == (200, 412)
    assert r2.json["current"]["applicant"] == "A公司" and r2.headers["ETag"] == r1.headers["ETag"]
    assert a.patch(f"/api/v1/cases/{n}", {"applicant": "C"}).status_code == 428


def test_two_writers_in_parallel(app):
    a = Api(app.test_client(), "officer")
    n, tag = a.create()
    results = []
    barrier = threading.Barrier(8)

    def work(i):
        api = Api(app.test_client(), "officer")
        barrier.wait()
        results.append(api.patch(f"/api/v1/cases/{n}", {"location": f"地点{i}"},
                                 etag=tag).status_code)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [412] * 7


def test_idempotency_key_replay_changes_nothing(officer):
    body = {"business_code": "AA", "district": "JA", "applicant": "某某", "parcels": [parcel()]}
    r1 = officer.post("/api/v1/cases", body, key="create-1")
    r2 = officer.post("/api/v1/cases", body, key="create-1")
    assert r1.status_code == r2.status_code == 201
    assert r1.json == r2.json and r2.headers["Idempotent-Replayed"] == "true"
    assert officer.get("/api/v1/cases").json["total"] == 1
    other = dict(body, applicant="别人")
    assert officer.post("/api/v1/cases", other, key="create-1").status_code == 422
    n, tag = r1.json["number"], r1.headers["ETag"]
    p1 = officer.patch(f"/api/v1/cases/{n}", {"location": "x"}, etag=tag, key="p-1")
    p2 = officer.patch(f"/api/v1/cases/{n}", {"location": "x"}, etag=tag, key="p-1")
    assert p1.status_code == p2.status_code == 200 and p1.json["version"] == p2.json["version"]
    changes = officer.get("/api/v1/changes?since=0").json
    assert changes["last_revision"] == 2


def test_change_feed_with_tombstones(officer, admin):
    numbers = [officer.create()[0] for _ in range(3)]
    feed = officer.get("/api/v1/changes?since=0&limit=2").json
    assert feed["more"] is True and len(feed["changes"]) == 2
    rest = officer.get(f"/api/v1/changes?since={feed['last_revision']}").json
    assert rest["more"] is False
    assert [c["number"] for c in feed["changes"] + rest["changes"]] == numbers
    officer.patch(f"/api/v1/cases/{numbers[0]}", {"location": "改"}, etag=officer.etag(numbers[0]))
    r = admin.delete(f"/api/v1/cases/{numbers[1]}", etag=admin.etag(numbers[1]))
    assert r.status_code == 204
    since = rest["last_revision"]
    later = officer.get(f"/api/v1/changes?since={since}").json["changes"]
    assert [(c["number"], c["op"]) for c in later] == [(numbers[0], "upsert"),
                                                       (numbers[1], "delete")]
    revs = [c["revision"] for c in later]
    assert revs == sorted(revs)
    assert officer.get(f"/api/v1/cases/{numbers[1]}").status_code == 404


def test_roles_and_visibility(app, officer, reviewer):
    n, _ = officer.create()
    other = Api(app.test_client(), "officer2")
    assert other.get(f"/api/v1/cases/{n}").status_code == 404
    assert other.get("/api/v1/cases").json["total"] == 0
    assert reviewer.get(f"/api/v1/cases/{n}").status_code == 200
    r = other.post("/api/v1/cases", {"business_code": "AA", "district": "JA", "applicant": "x"})
    assert r.status_code == 403
    assert officer.get("/api/v1/stats?from=2026-01-01&to=2026-12-31").status_code == 403
    assert reviewer.post("/api/v1/cases", {"business_code": "AA", "district": "JA",
                                           "applicant": "x"}).status_code == 403


def test_queries_by_attribute_and_extent(officer, reviewer):
    a, _ = officer.create(project_tag="P-1")
    b, _ = officer.create(business="LD", parcels=[parcel(geometry={
        "type": "Polygon", "coordinates": [[[38470000, 3350000], [38470100, 3350000],
                                            [38470100, 3350100], [38470000, 3350000]]]})])
    assert [c["number"] for c in reviewer.get("/api/v1/cases?business_code=LD").json["cases"]] \
        == [b]
    assert reviewer.get("/api/v1/cases?project_tag=P-1").json["total"] == 1
    assert reviewer.get("/api/v1/cases?applicant=某某").json["total"] == 2
    # the first parcel lies near 113.59E 30.21N
    box = reviewer.get("/api/v1/cases?bbox=113.58,30.20,113.60,30.215").json
    assert [c["number"] for c in box["cases"]] == [a]
    assert reviewer.get("/api/v1/cases?overdue=true").json["total"] == 0


def test_deadlines_yellow_and_red(app, officer, admin, monkeypatch):
    n, _ = officer.create()
    officer.attach(n, "申请表")
    officer.attach(n, "红线图")
    monkeypatch.setattr(services, "today", lambda: dt.date(2026, 3, 2))
    officer.step(n, "accept")
    monkeypatch.setattr(services, "today", lambda: dt.date(2026, 3, 25))  # 17 working days
    d = officer.get(f"/api/v1/cases/{n}").json["deadline"]
    assert d["status"] == "yellow" and d["remaining_working_days"] == 3
    monkeypatch.setattr(services, "today", lambda: dt.date(2026, 4, 2))
    d = officer.get(f"/api/v1/cases/{n}").json["deadline"]
    assert d["status"] == "red" and d["due"] == "2026-03-30"
    assert officer.get("/api/v1/cases?overdue=true").json["total"] == 1
    stats = Api(app.test_client(), "reviewer").get(
        "/api/v1/stats?from=2026-01-01&to=2026-12-31").json
    assert stats["overdue"][0]["number"] == n
    # a holiday added by the admin moves the deadline
    r = admin.put("/api/v1/admin/calendar", {"holidays": ["2026-03-30"]})
    assert r.status_code == 200
    assert officer.get(f"/api/v1/cases/{n}").json["deadline"]["due"] == "2026-03-31"


def test_statistics_shape(officer, reviewer):
    officer.create()
    officer.create(business="LD")
    s = reviewer.get(f"/api/v1/stats?from=2000-01-01&to={services.today().isoformat()}").json
    rows = {(r["business_code"], r["district"]): r for r in s["by_business_district"]}
    assert rows[("AA", "JA")]["new"] == 1 and rows[("LD", "JA")]["in_progress"] == 1
    assert s["stage_times"][0]["stage"] == "received"


def test_workflow_versions_are_kept_per_case(officer, admin):
    n, _ = officer.create()
    wf = admin.get("/api/v1/admin/workflow").json["definition"]
    wf["transitions"] = [t for t in wf["transitions"] if t["name"] != "suspend"]
    r = admin.post("/api/v1/admin/workflow", {"definition": wf})
    assert r.status_code == 201 and r.json["version"] == 2
    m, _ = officer.create()
    assert "suspend" in officer.get(f"/api/v1/cases/{n}").json["transitions"]
    assert "suspend" not in officer.get(f"/api/v1/cases/{m}").json["transitions"]
    bad = dict(wf, transitions=[{"name": "x", "from": "nowhere", "to": "closed", "roles": []}])
    assert admin.post("/api/v1/admin/workflow", {"definition": bad}).status_code == 422


def test_rules_are_data(officer, admin):
    rules = admin.get("/api/v1/admin/rules").json["definition"]
    rules["blocking"] = [r for r in rules["blocking"] if r["id"] != "R-MATERIALS"]
    assert admin.post("/api/v1/admin/rules", {"definition": rules}).status_code == 201
    n, _ = officer.create()
    officer.step(n, "accept")
    bad = dict(rules, blocking=[{"id": "X", "name": "x", "check": "astrology"}])
    r = admin.post("/api/v1/admin/rules", {"definition": bad})
    assert r.status_code == 422 and "astrology" in r.json["detail"]


def test_postgis_geometry_is_stored(pg_cluster):
    database_url = pg_cluster.new_database()
    app = create_app({"DATABASE_URL": database_url, "DEMO": True})
    Api(app.test_client(), "officer").create()
    from sqlalchemy import create_engine, text

    with create_engine(database_url).connect() as conn:
        srid, area = conn.execute(text(
            "SELECT ST_SRID(geom), ST_Area(geom::geography) FROM parcels")).one()
    assert srid == 4490 and area == pytest.approx(159_693.84, rel=1e-4)


def test_old_idempotency_keys_are_pruned_at_start(database_url):
    app = create_app({"DATABASE_URL": database_url, "DEMO": True})
    api = Api(app.test_client(), "officer")
    body = {"business_code": "AA", "district": "JA", "applicant": "x"}
    assert api.post("/api/v1/cases", body, key="old").status_code == 201
    from redline_approval.server_api.models import IdempotencyRecord
    from sqlalchemy import update

    _read, write = app.extensions["redline_engines"]
    with write.begin() as conn:
        conn.execute(update(IdempotencyRecord).values(
            created=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))
    app = create_app({"DATABASE_URL": database_url, "DEMO": True})  # a restart prunes
    api = Api(app.test_client(), "officer")
    again = api.post("/api/v1/cases", body, key="old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers


def test_geojson_equals_shapely_mapping():
    """The server's fast GeoJSON writes the same JSON as shapely's mapping, holes and parts too."""
    import json

    import shapely
    from shapely.geometry import mapping

    shell = [(38460200.125, 3343100.5), (38460650, 3343080), (38460700, 3343420.25),
             (38460230, 3343450), (38460200.125, 3343100.5)]
    hole = [(38460300, 3343200), (38460400, 3343200), (38460400, 3343300), (38460300, 3343200)]
    poly = shapely.Polygon(shell, [hole])
    for geom in (poly, shapely.MultiPolygon([poly, shapely.box(38461000, 3343000, 38461100,
                                                               3343100.1)])):
        assert json.dumps(services.geojson(geom)) == json.dumps(mapping(geom))


def test_big_bodies_pause_the_gc_and_leave_it_running(officer, monkeypatch):
    """A request with a big body is handled with the cyclic GC paused (its full passes over a
    big red line's objects held the GIL against the worker's other requests); nested pauses
    from two threads resume it once, and a refused request resumes it too."""
    import gc

    from redline_approval.server_api import gcpause

    seen = []
    original = gcpause.pause

    def pause():
        original()
        seen.append(gc.isenabled())

    monkeypatch.setattr(gcpause, "pause", pause)
    monkeypatch.setattr(gcpause, "BIG_BYTES", 100)
    officer.create()
    bad = officer.post("/api/v1/cases", {"business_code": "AA", "district": "JA",
                                         "applicant": "x" * 200, "parcels": [{"number": 1}]})
    assert bad.status_code == 422
    assert len(seen) >= 2 and not any(seen) and gc.isenabled()
    gcpause.pause()
    gcpause.pause()
    gcpause.resume()
    assert not gc.isenabled()
    gcpause.resume()
    assert gc.isenabled()


def test_case_json_is_exactly_caseout(officer, reviewer):
    """The server writes a case's JSON without a marshmallow dump (services.case_dict): it must
    be CaseOut's dump of itself, key for key and type for type (an int area given by the client
    answered as 159700 where the schema says 159700.0 would break clients that compare)."""
    import json

    from redline_approval.server_api.schemas import CaseListOut, CaseOut

    def same(data, schema):
        dumped = json.dumps(schema.dump(data), sort_keys=True, ensure_ascii=False)
        assert json.dumps(data, sort_keys=True, ensure_ascii=False) == dumped

    n, _ = officer.create(parcels=[parcel(declared=159700), parcel("HX2", declared=None)])
    same(officer.get(f"/api/v1/cases/{n}").json, CaseOut())
    officer.attach(n, "申请表")
    officer.attach(n, "红线图")
    officer.step(n, "accept")
    officer.step(n, "submit")
    officer.opinion(n)
    r = reviewer.step(n, "approve_first_review")
    same(r.json, CaseOut())
    for path in (f"/api/v1/cases/{n}", "/api/v1/cases?include=geometry", "/api/v1/cases"):
        r = reviewer.get(path)
        same(r.json, CaseOut() if "?" not in path and path.endswith(n) else CaseListOut())
    assert reviewer.get(f"/api/v1/cases/{n}").json["deadline"]["due"]


def test_reads_of_several_statements_see_one_snapshot_and_single_reads_see_the_latest(app):
    """A case rendered from several statements (the row, then its parcels, opinions and
    attachments) is cached under its revision: those statements must see one moment, or a
    concurrent change would be cached under the old revision. Single-statement reads (the
    token with a case's key) run in autocommit and see every commit at once."""
    from redline_approval.server_api.db import make_sessionmaker, single_statement_engine, snapshot_engine
    from redline_approval.server_api.models import ServerState
    from sqlalchemy import select, update

    read_engine, write_engine = app.extensions["redline_engines"]
    revision = select(ServerState.revision).where(ServerState.id == 1)

    def bump():
        with make_sessionmaker(write_engine)() as w:
            w.execute(update(ServerState).where(ServerState.id == 1)
                      .values(revision=ServerState.revision + 1))
            w.commit()

    with make_sessionmaker(snapshot_engine(read_engine))() as s:
        first = s.scalar(revision)
        bump()
        assert s.scalar(revision) == first  # the same snapshot
    with single_statement_engine(read_engine).connect() as c:
        seen = c.execute(revision).scalar()
        bump()
        assert c.execute(revision).scalar() == seen + 1  # no transaction holds it back
