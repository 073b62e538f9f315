"""What the endpoints do with the database: numbering, parcels through ``core``, revisions,
audit, the case's JSON. Every write goes through ``commit_change`` so the audit entry, the
change-feed row and the revision are in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import shapely
from flask import current_app
from pyproj import Transformer
from shapely.geometry import mapping, shape
from sqlalchemy import select, update

from ..core.approval.business_types import validate_forms
from ..core.approval.calendar import WorkCalendar
from ..core.approval.deadlines import compute_deadline
from ..core.approval.numbering import format_case_number
from ..core.approval.workflow import Workflow
from ..core.check.engine import check_crs_for
from ..core.errors import CrsError, RedlineError
from ..core.geodesy.transforms import parse_crs
from ..core.redline.area import ellipsoidal_area, planar_area
from ..core.redline.model import parcel_from_geometry
from ..core.redline.validate import ERROR, validate_parcels
from ..core.units import area_units
from .errors import ApiError
from .models import (
    AuditEntry,
    BusinessType,
    CalendarDay,
    Case,
    CaseCounter,
    Change,
    Parcel,
    ServerState,
    StageLog,
    User,
    WorkflowVersion,
    utcnow,
)


def today() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()  # China time


def next_serial(session, district: str, business: str, year: int) -> int:
    """Gap-free: one atomic upsert; the counter row stays locked until the case insert
    commits, and a failed insert rolls the counter back with it."""
    key = f"{district}{business}{year}"
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(CaseCounter).values(key=key, value=1)
    stmt = stmt.on_conflict_do_update(index_elements=[CaseCounter.key],
                                      set_={"value": CaseCounter.value + 1})
    return session.execute(stmt.returning(CaseCounter.value)).scalar_one()


def new_case_number(session, district: str, business: str) -> str:
    year = today().year
    return format_case_number(district, business, year,
                              next_serial(session, district, business, year))


def calendar(session) -> WorkCalendar:
    cache = current_app.extensions.setdefault("redline_calendar", {})
    if "calendar" not in cache:
        rows = session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
        cache["calendar"] = WorkCalendar({d for d, k in rows if k == "holiday"},
                                         {d for d, k in rows if k == "workday"})
    return cache["calendar"]


def workflow_for(session, version: int) -> Workflow:
    cache = current_app.extensions.setdefault("redline_workflows", {})
    if version not in cache:
        row = session.get(WorkflowVersion, version)
        cache[version] = Workflow.from_dict(row.definition)
    return cache[version]


def latest_workflow_version(session) -> int:
    return session.scalar(select(WorkflowVersion.version).order_by(
        WorkflowVersion.version.desc()).limit(1))


def check_forms(session, business_code: str, forms: dict) -> BusinessType:
    business = session.get(BusinessType, business_code)
    if business is None:
        raise ApiError(422, "Unknown business type", f"no business type {business_code!r}")
    errors = validate_forms({"forms": business.forms}, forms)
    if errors:
        raise ApiError(422, "Invalid forms", "the forms do not match the business type's "
                       "schema", errors=errors)
    return business


_TO_GEO: dict[int, Transformer] = {}


def build_parcels(items: list[dict]) -> list[Parcel]:
    """Parcels from the API's GeoJSON, measured and validated by ``core``."""
    out = []
    seen = set()
    for i, item in enumerate(items):
        where = f"parcels[{i}] ({item['number']})"
        if item["number"] in seen:
            raise ApiError(422, "Invalid parcels", f"{where}: parcel number repeats")
        seen.add(item["number"])
        try:
            crs = check_crs_for(parse_crs(item["crs"]))
        except (CrsError, RedlineError) as exc:
            raise ApiError(422, "Invalid parcels", f"{where}: {exc}") from exc
        try:
            geom = shape(item["geometry"])
        except Exception as exc:  # shapely raises several types for malformed GeoJSON
            raise ApiError(422, "Invalid parcels", f"{where}: not a GeoJSON geometry") from exc
        if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
            raise ApiError(422, "Invalid parcels", f"{where}: a red line is a (Multi)Polygon")
        coords = shapely.get_coordinates(geom)
        if not np.isfinite(coords).all():
            raise ApiError(422, "Invalid parcels", f"{where}: coordinates must be finite")
        parcel = parcel_from_geometry(item["number"], item.get("name", ""), geom)
        findings = validate_parcels([parcel], crs)
        errors = [f for f in findings if f.severity == ERROR]
        if any(f.code == "OUTSIDE_ZONE" for f in errors):
            raise ApiError(422, "Invalid parcels", f"{where}: {errors[0].message}")
        epsg = crs.to_epsg()
        if epsg not in _TO_GEO:
            _TO_GEO[epsg] = Transformer.from_crs(crs, "EPSG:4490", always_xy=True)
        tr = _TO_GEO[epsg]
        geo = shapely.transform(geom, lambda c, t=tr: np.column_stack(t.transform(c[:, 0], c[:, 1])))
        multi = geo if geo.geom_type == "MultiPolygon" else shapely.MultiPolygon([geo])
        zone_multi = geom if geom.geom_type == "MultiPolygon" else shapely.MultiPolygon([geom])
        valid = not errors
        minx, miny, maxx, maxy = multi.bounds
        out.append(Parcel(
            number=item["number"], name=item.get("name", ""), use=item.get("use") or None,
            srid=epsg,
            geom_zone=shapely.to_wkb(zone_multi), geom=shapely.to_wkb(multi),
            minx=minx, miny=miny, maxx=maxx, maxy=maxy,
            declared_area_m2=item.get("declared_area_m2"),
            planar_area_m2=planar_area(geom) if valid else float(abs(geom.area)),
            ellipsoidal_area_m2=ellipsoidal_area(geom, crs) if valid else float(abs(geom.area)),
            valid=valid))
        out[-1].findings = [f.to_dict() for f in findings]
    return out


def parcel_dict(p: Parcel) -> dict:
    geom = shapely.from_wkb(p.geom_zone)
    units = area_units(p.ellipsoidal_area_m2)
    return {"number": p.number, "name": p.name, "crs": f"EPSG:{p.srid}",
            "geometry": mapping(geom), "declared_area_m2": p.declared_area_m2, "use": p.use,
            "planar_area_m2": round(p.planar_area_m2, 2),
            "ellipsoidal_area_m2": round(p.ellipsoidal_area_m2, 2),
            "hectares": units["hectares"], "mu": units["mu"], "valid": p.valid,
            "findings": getattr(p, "findings", [])}


def deadline_for(session, case: Case) -> dict | None:
    if case.accepted_on is None:
        return None
    business = session.get(BusinessType, case.business_code)
    stops = [(dt.date.fromisoformat(a), dt.date.fromisoformat(b) if b else None)
             for a, b in case.suspensions]
    end = case.closed_on or today()
    d = compute_deadline(calendar(session), case.accepted_on, business.time_limit_days,
                         case.extension_days, stops, end)
    return d.to_dict()


def case_dict(session, case: Case) -> dict:
    wf = workflow_for(session, case.workflow_version)
    business = session.get(BusinessType, case.business_code)
    handler = session.get(User, case.handler_id) if case.handler_id else None
    return {
        "number": case.number, "business_code": case.business_code,
        "business_name": business.name, "district": case.district,
        "applicant": case.applicant, "location": case.location,
        "project_tag": case.project_tag, "forms": case.forms, "stage": case.stage,
        "stage_name": wf.stages.get(case.stage, case.stage), "section": case.section,
        "handler": handler.username if handler else None,
        "workflow_version": case.workflow_version,
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
        "extension_days": case.extension_days, "deadline": deadline_for(session, case),
        "version": case.version, "revision": case.revision,
        "created": case.created, "updated": case.updated,
        "parcels": [parcel_dict(p) for p in case.parcels],
        "opinions": [{"stage": o.stage, "author": o.author.username,
                      "signer_role": o.signer_role, "signed": o.signed, "text": o.text,
                      "created": o.created} for o in case.opinions],
        "attachments": [{"name": a.name, "kind": a.kind, "size": a.size, "sha256": a.sha256,
                         "created": a.created} for a in case.attachments],
        "transitions": [t.name for t in wf.allowed(case.stage)],
    }


def etag(case: Case) -> str:
    return f'"{case.number}-{case.version}"'


def enter_stage(session, case: Case, stage: str) -> None:
    now = utcnow()
    last = session.scalar(select(StageLog).where(StageLog.case_id == case.id,
                                                 StageLog.left.is_(None)))
    if last is not None:
        last.left = now
    if case.stage and case.stage != stage:
        case.stage_history = [*case.stage_history, case.stage]
    case.stage = stage
    session.add(StageLog(case_id=case.id, stage=stage, entered=now))


def commit_change(session, user: User | None, case: Case, action: str, detail: dict,
                  respond, op: str = "upsert"):
    """Audit, change feed, revision and the idempotency record in the change's own
    transaction; the revision is taken last, so revisions follow commit order.
    ``respond()`` builds the response once the revision is known."""
    from sqlalchemy.exc import IntegrityError

    from .http import remember, replay_if_seen

    case.updated = utcnow()
    session.add(AuditEntry(user_id=user.id if user else None, case_id=case.id, action=action,
                           detail=json.loads(json.dumps(detail, default=str))))
    session.flush()
    revision = session.execute(update(ServerState).where(ServerState.id == 1)
                               .values(revision=ServerState.revision + 1)
                               .returning(ServerState.revision)).scalar_one()
    case.revision = revision
    session.add(Change(revision=revision, case_id=case.id, number=case.number,
                       district=case.district, op=op))
    session.flush()
    response = respond()
    remember(session, response)
    try:
        session.commit()
    except IntegrityError:
        # the same Idempotency-Key committed concurrently (PostgreSQL): answer as it did
        session.rollback()
        replay = replay_if_seen(session)
        if replay is not None:
            return replay
        raise ApiError(409, "Conflict", "a concurrent change got there first: retry") from None
    return response
