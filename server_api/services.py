"""What the endpoints do with the database: numbering, red lines through ``core`` (validated,
measured and stored from one ring structure), red-line versions, the case's content hash and
signatures, cached configuration, the case's JSON."""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely
from flask import current_app, g
from pyproj import Transformer
from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm.attributes import set_committed_value

from ..core.approval.business_types import validate_forms
from ..core.approval.calendar import WorkCalendar
from ..core.approval.deadlines import compute_deadline
from ..core.approval.numbering import format_case_number
from ..core.approval.record import (
    check_signatures,
    content_sha256,
    redline_sha256,
    signature_sha256,
)
from ..core.approval.workflow import Workflow
from ..core.check.engine import check_crs_for
from ..core.errors import CrsError, RedlineError
from ..core.geodesy.transforms import epsg_of, parse_crs
from ..core.redline.area import ellipsoidal_area, planar_area
from ..core.redline.model import parcel_from_polygon
from ..core.redline.validate import ERROR, validate_parcels
from ..core.units import area_units
from .auth import Caller
from .errors import ApiError
from .http import single
from .models import (
    BusinessType,
    CalendarDay,
    Case,
    Opinion,
    Parcel,
    RedlineVersion,
    RuleSet,
    ServerState,
    StageLog,
    User,
    WorkflowVersion,
    utcnow,
)


def today() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()  # China time


def iso(value: dt.datetime | None) -> str | None:
    """A timestamp as text with its zone (SQLite returns them without; they are UTC)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()


# the same SQL on SQLite and PostgreSQL; as text it is compiled once (SQLAlchemy's dialect
# upserts are not cacheable and were compiled anew inside every create's write transaction)
_NEXT_SERIAL = text('INSERT INTO case_counters ("key", value) VALUES (:key, 1) '
                    'ON CONFLICT ("key") DO UPDATE SET value = case_counters.value + 1 '
                    'RETURNING value')


def next_serial(session, district: str, business: str, year: int) -> int:
    """Gap-free: one atomic upsert; the counter row stays locked until the case insert
    commits, and a failed insert rolls the counter back with it."""
    # on the connection: no autoflush, the caller has written the case's rows before
    return session.connection().execute(
        _NEXT_SERIAL, {"key": f"{district}{business}{year}"}).scalar_one()


def new_case_number(session, district: str, business: str) -> str:
    year = today().year
    return format_case_number(district, business, year,
                              next_serial(session, district, business, year))


# --- configuration, cached per worker and reloaded when an admin changed it -------------------
def _config() -> dict:
    """The worker's configuration cache, emptied when the database's configuration revision
    moved (an admin's edit through any worker); checked once per request (the revision comes
    with the caller's token; requests without a token read it here)."""
    cache = current_app.extensions.setdefault("redline_config", {"revision": None})
    if not g.get("config_checked"):
        revision = g.get("config_revision")
        if revision is None:
            revision = single().execute(select(ServerState.config_revision)
                                        .where(ServerState.id == 1)).scalar()
        if revision != cache["revision"]:
            cache.clear()
            cache["revision"] = revision
        g.config_checked = True
    return cache


def calendar(session) -> WorkCalendar:
    cache = _config()
    if "calendar" not in cache:
        rows = session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
        cache["calendar"] = WorkCalendar({d for d, k in rows if k == "holiday"},
                                         {d for d, k in rows if k == "workday"})
    return cache["calendar"]


def workflow_for(session, version: int) -> Workflow:
    cache = _config().setdefault("workflows", {})
    if version not in cache:
        row = session.get(WorkflowVersion, version)
        cache[version] = Workflow.from_dict(row.definition)
    return cache[version]


def latest_workflow_version(session) -> int:
    cache = _config()
    if "latest_workflow" not in cache:
        cache["latest_workflow"] = session.scalar(select(WorkflowVersion.version).order_by(
            WorkflowVersion.version.desc()).limit(1))
    return cache["latest_workflow"]


def rules(session) -> dict:
    cache = _config()
    if "rules" not in cache:
        row = session.scalar(select(RuleSet).order_by(RuleSet.version.desc()).limit(1))
        cache["rules"] = row.definition
    return cache["rules"]


def business_types(session) -> dict[str, BusinessType]:
    cache = _config()
    if "business" not in cache:
        cache["business"] = {b.code: b for b in session.scalars(select(BusinessType))}
        for b in cache["business"].values():
            session.expunge(b)
    return cache["business"]


def check_forms(session, business_code: str, forms: dict) -> BusinessType:
    business = business_types(session).get(business_code)
    if business is None:
        raise ApiError(422, "Unknown business type", f"no business type {business_code!r}")
    errors = validate_forms({"forms": business.forms}, forms)
    if errors:
        raise ApiError(422, "Invalid forms", "the forms do not match the business type's "
                       "schema", errors=errors)
    return business


# --- red lines ----------------------------------------------------------------------------------
_TO_GEO: dict[int, Transformer] = {}


def _rings(geometry, where: str) -> list[list[np.ndarray]]:
    """The polygons of a GeoJSON (Multi)Polygon as given: a list of [shell, holes…], each ring
    an (n, 2) array of finite positions, closed as written. Refused (422) otherwise. Checked
    in bulk per ring: a request may carry a million positions."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ApiError(422, "Invalid parcels", f"{where}: a red line is a GeoJSON Polygon or "
                       "MultiPolygon")
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        raise ApiError(422, "Invalid parcels", f"{where}: no coordinates")
    out = []
    ring_no = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ApiError(422, "Invalid parcels", f"{where}: a polygon is a list of rings")
        rings = []
        for ring in polygon:
            ring_no += 1
            if not isinstance(ring, list) or len(ring) < 4:
                raise ApiError(422, "Invalid parcels", f"{where}, ring {ring_no}: a ring needs "
                               "at least 4 positions (3 points and the first repeated)")
            rings.append(_positions(ring, f"{where}, ring {ring_no}"))
        out.append(rings)
    return out


def _positions(ring: list, where: str) -> np.ndarray:
    try:
        arr = np.array(ring)
    except ValueError:  # ragged: some positions have another length
        arr = np.array([], dtype=object)
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.dtype.kind not in "if":
        k = next((i for i, p in enumerate(ring, start=1)
                  if not isinstance(p, list) or len(p) != 2
                  or not all(isinstance(c, int | float) and not isinstance(c, bool)
                             for c in p)), 1)
        raise ApiError(422, "Invalid parcels", f"{where}, point {k}: positions are [easting, "
                       "northing], two numbers (2-D; heights are not stored)")
    arr = arr.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(arr).all(axis=1))
    if len(bad):
        raise ApiError(422, "Invalid parcels", f"{where}, point {bad[0] + 1}: coordinates "
                       "must be finite numbers")
    if not np.array_equal(arr[0], arr[-1]):
        raise ApiError(422, "Invalid parcels", f"{where}: not closed — its last position must "
                       "repeat the first")
    return arr


def _finding(f, parcel_number: str) -> dict:
    d = f.to_dict()
    name = d.get("point") or ""
    if name.startswith("J") and name[1:].isdigit():
        d["point_index"] = int(name[1:])  # the n-th position of the parcel, rings in order
    d["parcel"] = parcel_number
    return d


def build_parcels(items: list[dict]) -> tuple[list[Parcel], list[dict], list[dict]]:
    """(rows of the current red line, canonical parcel dicts of the version, findings) from the
    API's GeoJSON. The rings are read as given and that one structure is validated, measured
    and stored; any error finding refuses the whole red line (422, nothing stored)."""
    limit = current_app.config["MAX_VERTICES"]
    # PostGIS queries the lon/lat geometry; SQLite has no spatial functions and queries the
    # bounding box columns, so it stores the box (a large red line writes half as much)
    spatial = not current_app.config["DATABASE_URL"].startswith("sqlite")
    vertices = sum(len(r) for item in items for poly in _polygons_of(item) for r in poly)
    if vertices > limit:
        raise ApiError(413, "Too many vertices", f"{vertices} positions in this request; at "
                       f"most {limit} are accepted (REDLINE_MAX_VERTICES)")
    rows, versions, findings, errors, seen = [], [], [], [], set()
    for i, item in enumerate(items):
        where = f"parcels[{i}] ({item['number']})"
        if item["number"] in seen:
            raise ApiError(422, "Invalid parcels", f"{where}: parcel number repeats")
        seen.add(item["number"])
        try:
            crs = check_crs_for(parse_crs(item["crs"]))
        except (CrsError, RedlineError) as exc:
            raise ApiError(422, "Invalid parcels", f"{where}: {exc}") from exc
        polygons = _rings(item["geometry"], where)
        parts = [shapely.Polygon(rings[0], rings[1:]) for rings in polygons]
        geom = parts[0] if item["geometry"]["type"] == "Polygon" else shapely.MultiPolygon(parts)
        parcel = parcel_from_polygon(item["number"], item.get("name", ""), geom,
                                     {"use": item.get("use")})
        own = [_finding(f, item["number"]) for f in validate_parcels([parcel], crs)]
        findings += own
        errors += [f for f in own if f["severity"] == ERROR]
        if errors:
            continue
        epsg = epsg_of(crs)
        if epsg not in _TO_GEO:
            _TO_GEO[epsg] = Transformer.from_crs(crs, "EPSG:4490", always_xy=True)
        tr = _TO_GEO[epsg]
        geo = shapely.transform(geom, lambda c, t=tr: np.column_stack(t.transform(c[:, 0],
                                                                                  c[:, 1])))
        multi = geo if geo.geom_type == "MultiPolygon" else shapely.MultiPolygon([geo])
        zone_multi = geom if geom.geom_type == "MultiPolygon" else shapely.MultiPolygon([geom])
        minx, miny, maxx, maxy = multi.bounds
        planar, ellipsoidal = planar_area(geom), ellipsoidal_area(geom, crs)
        rows.append(Parcel(number=item["number"], name=item.get("name", ""),
                           use=item.get("use") or None, srid=epsg,
                           geom_zone=shapely.to_wkb(zone_multi),
                           geom=shapely.to_wkb(multi if spatial else shapely.MultiPolygon(
                               [shapely.box(*multi.bounds)])),
                           minx=minx, miny=miny, maxx=maxx, maxy=maxy,
                           declared_area_m2=item.get("declared_area_m2"),
                           planar_area_m2=planar, ellipsoidal_area_m2=ellipsoidal, valid=True))
        rows[-1].findings = own
        versions.append({"number": item["number"], "name": item.get("name", ""),
                         "use": item.get("use") or None, "crs": f"EPSG:{epsg}",
                         "declared_area_m2": item.get("declared_area_m2"),
                         "geometry": item["geometry"], "planar_area_m2": round(planar, 4),
                         "ellipsoidal_area_m2": round(ellipsoidal, 4), "findings": own})
    if errors:
        raise ApiError(422, "Invalid parcels",
                       f"{len({f['parcel'] for f in errors})} parcel(s) cannot be stored: "
                       + "; ".join(f"{f['parcel']}: {f['message']}" for f in errors[:5]),
                       findings=errors)
    return rows, versions, findings


def _polygons_of(item: dict) -> list:
    geometry = item.get("geometry")
    if not isinstance(geometry, dict):
        return []
    coords = geometry.get("coordinates")
    if not isinstance(coords, list):
        return []
    polygons = [coords] if geometry.get("type") == "Polygon" else coords
    return [p for p in polygons if isinstance(p, list) and all(isinstance(r, list) for r in p)]


def redline_text(versions: list[dict]) -> tuple[str, str]:
    """(SHA-256, JSON text) of a red-line version's parcels: the slow part of storing a large
    red line, done before the write transaction."""
    from .jsonio import dumps

    return redline_sha256(versions), dumps(versions).decode("utf-8")


def column_values(obj) -> dict:
    """The column values set on an ORM object, for a Core insert of its row: a write
    transaction inserts with prebuilt statements instead of a unit-of-work flush (which took a
    third of a small create)."""
    table = type(obj).__table__
    return {c.key: obj.__dict__[c.key] for c in table.columns if c.key in obj.__dict__}


def store_redline(session, case: Case, rows: list[Parcel], versions: list[dict],
                  reason: str, text: tuple[str, str] | None = None,
                  new_case: bool = False) -> dict:
    """A new red-line version: kept for ever in ``redline_versions``; the current rows
    replaced for queries. Returns the audit detail (old and new hash, areas, parcels).
    ``new_case``: the case was just inserted with ``redline_version`` 1 (no old version)."""
    old = session.get(RedlineVersion, (case.id, case.redline_version)) \
        if case.redline_version and not new_case else None
    number = case.redline_version if new_case else case.redline_version + 1
    sha, parcels_json = text or redline_text(versions)
    version = RedlineVersion(case_id=case.id, version=number, created=utcnow(),
                             author_id=g.user.id if g.get("user") else None, reason=reason,
                             sha256=sha, parcel_count=len(versions),
                             area_m2=round(sum(p["ellipsoidal_area_m2"] for p in versions), 4),
                             parcels_json=parcels_json)
    conn = session.connection()
    conn.execute(insert(RedlineVersion.__table__), column_values(version))
    if old is not None:  # the current rows of the old version go (the version stays)
        conn.execute(delete(Parcel.__table__).where(Parcel.__table__.c.case_id == case.id))
    for row in rows:
        row.case_id = case.id
    if rows:
        conn.execute(insert(Parcel.__table__), [column_values(r) for r in rows])
    case.redline_version = number
    set_committed_value(case, "parcels", list(rows))  # as stored (rendered, never flushed)

    def summary(v):  # the hash names the content exactly; its text is not read back here
        return None if v is None else {"version": v.version, "sha256": v.sha256,
                                       "area_m2": v.area_m2, "parcel_count": v.parcel_count}

    return {"old": summary(old), "reason": reason,
            "new": {**summary(version), "parcels": [p["number"] for p in versions]}}


def current_redline_sha(session, case: Case) -> str:
    if not case.redline_version:
        return redline_sha256([])
    return session.scalar(select(RedlineVersion.sha256).where(
        RedlineVersion.case_id == case.id, RedlineVersion.version == case.redline_version))


def case_content(case: Case) -> dict:
    return {"number": case.number, "business_code": case.business_code,
            "district": case.district, "applicant": case.applicant, "location": case.location,
            "project_tag": case.project_tag, "forms": case.forms}


def case_content_sha(session, case: Case) -> str:
    return content_sha256(case_content(case), current_redline_sha(session, case))


def sign(session, case: Case, user: Caller, text: str, signed: bool) -> Opinion:
    created = utcnow().replace(microsecond=utcnow().microsecond // 1000 * 1000)
    content = case_content_sha(session, case)
    opinion = Opinion(case_id=case.id, stage=case.stage, author_id=user.id,
                      signer_role=user.signer_role, signed=signed, text=text, created=created,
                      content_sha256=content,
                      signed_sha256=signature_sha256(case.number, case.stage, user.username,
                                                     user.signer_role, text, iso(created),
                                                     content) if signed else None)
    return opinion


def signatures(session, case: Case, wf: Workflow, users: dict[int, str] | None = None
               ) -> list[dict]:
    """The case's opinions, oldest first, each with whether its signature counts and why not."""
    users = users if users is not None else _usernames(session, {o.author_id
                                                                 for o in case.opinions})
    rows = [{"stage": o.stage, "author": users.get(o.author_id), "signer_role": o.signer_role,
             "signed": o.signed, "text": o.text, "created": iso(o.created),
             "content_sha256": o.content_sha256, "signed_sha256": o.signed_sha256}
            for o in case.opinions]
    checks = check_signatures(rows, wf.signatures, case_content_sha(session, case))
    for row, check in zip(rows, checks, strict=True):
        row["counts"], row["why"] = check.counts, check.why
    return rows


def _usernames(session, ids: set) -> dict[int, str]:
    """User names by id, from the worker's cache: a user name never changes and a user is
    never deleted."""
    known = current_app.extensions.setdefault("redline_usernames", {})
    user = g.get("user")
    if user is not None:
        known[user.id] = user.username
    missing = {i for i in ids if i is not None and i not in known}
    if missing:
        known.update(session.execute(select(User.id, User.username)
                                     .where(User.id.in_(missing))).all())
    return {i: known[i] for i in ids if i in known}


def parcel_dict(p: Parcel, geometry: bool = True) -> dict:
    units = area_units(p.ellipsoidal_area_m2)
    declared = p.declared_area_m2
    out = {"number": p.number, "name": p.name, "crs": f"EPSG:{p.srid}",
           "declared_area_m2": None if declared is None else float(declared), "use": p.use,
           "planar_area_m2": round(p.planar_area_m2, 2),
           "ellipsoidal_area_m2": round(p.ellipsoidal_area_m2, 2),
           "hectares": units["hectares"], "mu": units["mu"], "valid": p.valid,
           "findings": getattr(p, "findings", [])}
    if geometry:
        out["geometry"] = geojson(shapely.from_wkb(p.geom_zone))
    return out


def geojson(geom) -> dict:
    """The GeoJSON of a (multi)polygon, ring by ring in one C call each (shapely's ``mapping``
    makes a tuple per vertex in Python: 0.6 s for a million vertices)."""
    def rings(poly) -> list:
        return [shapely.get_coordinates(r).tolist() for r in (poly.exterior, *poly.interiors)]

    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": rings(geom)}
    return {"type": geom.geom_type, "coordinates": [rings(g) for g in geom.geoms]}


def deadline_for(session, case: Case) -> dict | None:
    if case.accepted_on is None:
        return None
    business = business_types(session)[case.business_code]
    stops = [(dt.date.fromisoformat(a), dt.date.fromisoformat(b) if b else None)
             for a, b in case.suspensions]
    end = case.closed_on or today()
    d = compute_deadline(calendar(session), case.accepted_on, business.time_limit_days,
                         case.extension_days, stops, end)
    return d.to_dict()


def case_dict(session, case: Case, geometry: bool = True,
              users: dict[int, str] | None = None) -> dict:
    """The case's JSON. ``users``: user names by id when the caller loaded them for a page
    (a list stays a constant number of queries)."""
    wf = workflow_for(session, case.workflow_version)
    business = business_types(session)[case.business_code]
    if users is None:
        users = _usernames(session, {case.handler_id, *(o.author_id for o in case.opinions)})
    return {
        "number": case.number, "business_code": case.business_code,
        "business_name": business.name, "district": case.district,
        "applicant": case.applicant, "location": case.location,
        "project_tag": case.project_tag, "forms": case.forms, "stage": case.stage,
        "stage_name": wf.stages.get(case.stage, case.stage), "section": case.section,
        "handler": users.get(case.handler_id),
        "workflow_version": case.workflow_version,
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
        "extension_days": case.extension_days, "deadline": deadline_for(session, case),
        "version": case.version, "revision": case.revision,
        "redline_version": case.redline_version,
        "editable": case.stage in wf.editable,
        "created": iso(case.created), "updated": iso(case.updated),
        "parcels": [parcel_dict(p, geometry) for p in case.parcels],
        "opinions": [{"stage": o.stage, "author": users.get(o.author_id),
                      "signer_role": o.signer_role, "signed": o.signed, "text": o.text,
                      "created": iso(o.created)} for o in case.opinions],
        "attachments": [{"name": a.name, "kind": a.kind, "size": a.size, "sha256": a.sha256,
                         "created": iso(a.created)} for a in case.attachments],
        "transitions": [t.name for t in wf.allowed(case.stage)],
    }


_RENDERED_MAX = 5000


def render_case(session, case: Case, geometry: bool = True,
                users: dict[int, str] | None = None) -> dict:
    """``CaseOut`` of a case, from the worker's cache when the case is unchanged: the key holds
    everything the JSON depends on (the case's revision moves with every change, the
    configuration revision with every admin edit, the day with the deadline)."""
    import threading
    from collections import OrderedDict

    store = current_app.extensions.get("redline_rendered")
    if store is None:
        store = current_app.extensions.setdefault("redline_rendered",
                                                  (OrderedDict(), threading.Lock()))
    cache, lock = store
    key = _render_key(case.id, case.revision, geometry)
    with lock:
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
    # case_dict writes CaseOut's shape and types itself (a test holds them equal): a
    # marshmallow dump here cost a third of a small create
    out = case_dict(session, case, geometry, users)
    with lock:
        cache[key] = out
        if len(cache) > _RENDERED_MAX:
            cache.popitem(last=False)
    return out


def rendered(case_id: int, revision: int, geometry: bool) -> dict | None:
    """The cached ``CaseOut`` of a case at ``revision``, or None."""
    store = current_app.extensions.get("redline_rendered")
    if store is None:
        return None
    with store[1]:
        return store[0].get(_render_key(case_id, revision, geometry))


def _render_key(case_id: int, revision: int, geometry: bool) -> tuple:
    """Everything a case's JSON depends on: its revision, the configuration's, the day (the
    deadline) and whether coordinates are in it."""
    return case_id, revision, _config()["revision"], today(), geometry


def enter_stage(session, case: Case, stage: str) -> None:
    now = utcnow()
    last = session.scalar(select(StageLog).where(StageLog.case_id == case.id,
                                                 StageLog.left.is_(None))) if case.stage else None
    if last is not None:
        last.left = now
    if case.stage and case.stage != stage:
        case.stage_history = [*case.stage_history, case.stage]
    case.stage = stage
    session.add(StageLog(case_id=case.id, stage=stage, entered=now))


def changed_fields(old: dict, new: dict, prefix: str = "") -> dict:
    """{field: {"old": …, "new": …}} for every value that differs, nested forms flattened as
    ``forms.application.project_name``."""
    out = {}
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        name = f"{prefix}{key}"
        if isinstance(a, dict | None) and isinstance(b, dict | None) and (a or b) is not None:
            out.update(changed_fields(a or {}, b or {}, f"{name}."))
        elif a != b:
            out[name] = {"old": a, "new": b}
    return out
