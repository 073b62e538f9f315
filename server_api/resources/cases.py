"""Cases: create, read, query, edit, opinions, attachments, transitions, audit.

Who may change what: the red line and the forms change only in the stages the workflow marks
editable, by the case's handler (an officer of its district) or an admin; the handler is
reassigned only by reviewers, leaders and admins. Every change is audited with old and new
values. Red lines: ``redlines.py``; the exported record: ``records.py``."""

from __future__ import annotations

import uuid

from flask import Response, g
from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ...core.approval.rules import blocking_violations, route
from ...core.approval.workflow import Workflow
from ...core.errors import RedlineError
from .. import services
from ..auth import Caller, require
from ..errors import ApiError
from ..http import (
    case_key,
    check_if_match,
    commit_change,
    etag,
    json_response,
    load_case,
    reader,
    replay_if_seen,
    visible,
)
from ..jsonio import Blueprint
from ..models import Attachment, AuditEntry, Case, Parcel, StageLog, User, utcnow
from ..schemas import (
    AttachmentIn,
    AuditOut,
    CaseIn,
    CaseListArgs,
    CaseListOut,
    CaseOut,
    CasePatch,
    DryRunOut,
    OpinionIn,
    TransitionIn,
    parse_bbox,
)
from ..services import (
    build_parcels,
    case_dict,
    changed_fields,
    check_forms,
    enter_stage,
    latest_workflow_version,
    new_case_number,
    store_redline,
    workflow_for,
)

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases",
                description="Approval cases and their red lines")

WRITE_HEADERS = {"If-Match": {"description": "the case's ETag", "schema": {"type": "string"},
                              "required": True},
                 "Idempotency-Key": {"description": "a client-made id: a replay changes "
                                     "nothing", "schema": {"type": "string"}}}
WRITE_ERRORS = (400, 401, 403, 404, 409, 412, 413, 422, 428, 503)
NUMBER_LINK = {"number": "$response.body#/number"}
WRITE_LINK = {**NUMBER_LINK, "header.If-Match": "$response.header.ETag"}
CASE_LINKS = {"links": {
    "GetCase": {"operationId": "getCase", "parameters": NUMBER_LINK},
    "PatchCase": {"operationId": "patchCase", "parameters": WRITE_LINK},
    "PutParcels": {"operationId": "putParcels", "parameters": WRITE_LINK},
    "GetParcels": {"operationId": "getParcels", "parameters": NUMBER_LINK},
    "Transition": {"operationId": "transition", "parameters": WRITE_LINK},
    "AddOpinion": {"operationId": "addOpinion", "parameters": WRITE_LINK},
    "AddAttachment": {"operationId": "addAttachment", "parameters": WRITE_LINK},
    "GetRecord": {"operationId": "getRecord", "parameters": NUMBER_LINK},
    "GetAudit": {"operationId": "getAudit", "parameters": NUMBER_LINK},
}}


def doc(operation_id: str, *codes: int, links: int | None = None, headers: bool = False
        ) -> dict:
    """OpenAPI of an endpoint: its id, its error answers (problem+json) and, for answers that
    carry a case, the links a client (or a stateful fuzzer) follows."""
    responses = {str(c): {"description": "problem+json", "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for c in codes}
    out = {"operationId": operation_id, "responses": responses}
    if headers:
        out["parameters"] = [{"in": "header", "name": k, **v} for k, v in WRITE_HEADERS.items()]
    if links:  # the success code whose answer is a case
        out["responses"] = {**responses, str(links): CASE_LINKS}
    return out


def _respond(case, status=200, extra_headers=None):
    def respond():
        headers = {"ETag": etag(case), **(extra_headers or {})}
        # the reader: after the commit no query of the writer may take the write lock again
        return json_response(None, services.render_case(reader(), case), status, headers)

    return respond


def _facts(session, case: Case, transition: str, wf: Workflow) -> dict:
    business = services.business_types(session)[case.business_code]
    return {"transition": transition, "stage": case.stage, "district": case.district,
            "business_type": business.name, "business_code": case.business_code,
            "forms": case.forms,
            "parcels": [{"number": p.number, "valid": p.valid,
                         "declared_area_m2": p.declared_area_m2,
                         "planar_area_m2": p.planar_area_m2} for p in case.parcels],
            "attachments": [{"name": a.name, "kind": a.kind} for a in case.attachments],
            "opinions": services.signatures(session, case, wf)}


# --- who may do what -------------------------------------------------------------------------
def may_edit(user: Caller, case: Case, wf: Workflow) -> bool:
    """The handler (an officer) or an admin; reviewers and leaders where the stage is theirs."""
    if user.role == "admin":
        return True
    if user.role == "officer":
        return case.handler_id in (None, user.id)
    return user.role in wf.stage_roles(case.stage)


def require_editor(case: Case, wf: Workflow) -> None:
    if not may_edit(g.user, case, wf):
        roles = " or ".join(sorted(wf.stage_roles(case.stage))) or "nobody"
        raise ApiError(403, "Forbidden", f"only the case's handler (or, in stage {case.stage}, "
                       f"{roles}) may change case {case.number}")


def require_editable(case: Case, wf: Workflow, what: str) -> None:
    """409 outside the editable stages, naming the way out."""
    if case.stage in wf.editable:
        return
    if case.stage in wf.final or case.stage in wf.sealed:
        raise ApiError(409, "Case sealed", f"case {case.number} is {case.stage} "
                       f"({wf.stages.get(case.stage, case.stage)}); its record never changes",
                       stage=case.stage)
    outs = [t.name for t in wf.allowed(case.stage)
            if t.to in wf.editable or t.name in ("send_back", "amend")]
    names = ", ".join(wf.stages.get(s, s) for s in wf.editable)
    raise ApiError(409, "Case locked", f"case {case.number} is in stage {case.stage} "
                   f"({wf.stages.get(case.stage, case.stage)}): its {what} can change only in "
                   f"{names}. Way out: {' or '.join(outs) or 'none from this stage'} (with a "
                   "reason; an amendment starts a new red-line version)",
                   stage=case.stage, editable=wf.editable, ways_out=outs)


# --- list and read -----------------------------------------------------------------------------
@blp.route("", methods=["GET"])
@blp.arguments(CaseListArgs, location="query")
@blp.response(200, CaseListOut)
@blp.doc(**doc("listCases", 401, 422))
@require()
def list_cases(args):
    """Query cases by attributes and extent (officers see their own district only). Paginated
    (default 50, at most 500); coordinates only with ``include=geometry``."""
    s = reader()
    conds = [Case.deleted.is_(False)]
    if g.user.role == "officer":
        conds.append(Case.district == (g.user.district or "--"))
    for key in ("business_code", "stage", "district", "project_tag"):
        if args.get(key):
            conds.append(getattr(Case, key) == args[key])
    if args.get("number"):
        conds.append(Case.number.startswith(args["number"], autoescape=True))
    if args.get("applicant"):
        conds.append(Case.applicant.contains(args["applicant"], autoescape=True))
    if args.get("bbox"):
        x0, y0, x1, y1 = parse_bbox(args["bbox"])
        conds.append(Case.id.in_(select(Parcel.case_id).where(
            Parcel.maxx >= x0, Parcel.minx <= x1, Parcel.maxy >= y0, Parcel.miny <= y1)))
    if args.get("overdue") is not None:
        # the deadline is working days over the calendar: computed here for the matching
        # cases (one query), then the page is taken from those
        rows = s.scalars(select(Case).where(*conds).order_by(Case.number)).all()
        ids = [c.id for c in rows if ((services.deadline_for(s, c) or {}).get("status")
                                      == "red") == args["overdue"]]
        total = len(ids)
        ids = ids[args["offset"]:args["offset"] + args["limit"]]
        query = select(Case.id, Case.revision).where(Case.id.in_(ids))
    else:
        total = s.scalar(select(func.count(Case.id)).where(*conds))
        query = select(Case.id, Case.revision).where(*conds).order_by(Case.number) \
            .offset(args["offset"]).limit(args["limit"])
    page = s.execute(query.order_by(Case.number)).all()
    geometry = args.get("include") == "geometry"
    # cases rendered before and unchanged come from the cache; the rest in four more queries
    out = {i: services.rendered(i, rev, geometry) for i, rev in page}
    misses = [i for i, hit in out.items() if hit is None]
    if misses:
        loaded = s.scalars(select(Case).where(Case.id.in_(misses)).options(
            selectinload(Case.parcels), selectinload(Case.opinions),
            selectinload(Case.attachments))).all()
        users = services._usernames(s, {c.handler_id for c in loaded}
                                    | {o.author_id for c in loaded for o in c.opinions})
        out.update({c.id: services.render_case(s, c, geometry, users) for c in loaded})
    return json_response(None, {"total": total, "cases": [out[i] for i, _rev in page]})


@blp.route("/<string:number>", methods=["GET"])
@blp.response(200, CaseOut)
@blp.doc(**doc("getCase", 401, 404))
@require()
def get_case(number):
    # the case's key first (fetched with the caller's token): an unchanged case is answered
    # from the worker's cache without loading it
    key = case_key(number)
    if not visible(g.user, key):
        raise ApiError(404, "Not Found", f"no case {number}")
    out = services.rendered(key.id, key.revision, True)
    if out is not None:
        return json_response(None, out, 200, {"ETag": etag(key)})
    s = reader()  # one snapshot: the case may have moved on since its key was read
    case = load_case(s, number)
    return json_response(None, services.render_case(s, case), 200, {"ETag": etag(case)})


# --- writes ------------------------------------------------------------------------------------
def _write(number: str):
    """Common start of every write: replay, lock the row (the write lock on SQLite), If-Match."""
    s = g.session
    replay = replay_if_seen(s)
    if replay is not None:
        return None, replay
    case = load_case(s, number, for_update=True)
    check_if_match(case, case_dict(s, case))
    case.version += 1
    return case, None


_INSERT_CASE = insert(Case.__table__).returning(Case.__table__.c.id)
_INSERT_STAGE = insert(StageLog.__table__)


@blp.route("", methods=["POST"])
@blp.arguments(CaseIn)
@blp.response(201, CaseOut)
@blp.doc(**doc("createCase", 400, 401, 403, 413, 422, 503, links=201),
         parameters=[{"in": "header", "name": "Idempotency-Key", "schema": {"type": "string"}}])
@require("officer")
def create_case(data):
    """Register a case (收件): the number is assigned atomically and gap-free."""
    user = g.user
    if user.role == "officer" and data["district"] != user.district:
        raise ApiError(403, "Forbidden", f"officers register cases of their own district "
                       f"({user.district or 'none assigned: ask an admin'}), not "
                       f"{data['district']}")
    # everything that takes time happens before the write transaction begins
    rows, versions, _findings = build_parcels(data["parcels"])
    text = services.redline_text(versions) if rows else None
    r = reader()
    business = check_forms(r, data["business_code"], data["forms"])
    version = latest_workflow_version(r)
    wf = workflow_for(r, version)
    section = route(services.rules(r)["routing"], {"business_type": business.name,
                                                   "district": data["district"]})
    s = g.session
    replay = replay_if_seen(s)
    if replay is not None:
        return replay
    # the number is taken last: its counter row stays locked until the commit, and the other
    # registrations of the district wait for it (a placeholder until then, never committed)
    now = utcnow()
    # every column set here: the row is inserted as this object holds it, and the object
    # (never added to the session) is what the answer is rendered from
    case = Case(number="~" + uuid.uuid4().hex[:11],
                business_code=business.code, district=data["district"],
                applicant=data["applicant"], location=data["location"],
                project_tag=data["project_tag"], forms=data["forms"], stage=wf.initial,
                stage_history=[], section=section, handler_id=user.id,
                workflow_version=version, accepted_on=None, extension_days=0, suspensions=[],
                closed_on=None, version=1, redline_version=1 if rows else 0, revision=0,
                created=now, updated=now, deleted=False)
    conn = s.connection()
    case.id = conn.execute(_INSERT_CASE, services.column_values(case)).scalar_one()
    for empty in ("parcels", "opinions", "attachments"):  # a new case: nothing to load
        set_committed_value(case, empty, [])
    conn.execute(_INSERT_STAGE, {"case_id": case.id, "stage": wf.initial, "entered": now})
    # the red line's rows before the number's counter row is locked
    redline = store_redline(s, case, rows, versions, "registered with the case", text,
                            new_case=True) if rows else None
    # written with the revision by commit_change
    set_committed_value(case, "number", new_case_number(s, data["district"],
                                                         data["business_code"]))
    detail = {"number": case.number, "content": services.case_content(case)}
    if redline:
        detail["redline"] = redline
    return commit_change(s, case, "create", detail,
                         _respond(case, 201, {"Location": f"/api/v1/cases/{case.number}"}))


@blp.route("/<string:number>", methods=["PATCH"])
@blp.arguments(CasePatch)
@blp.response(200, CaseOut)
@blp.doc(**doc("patchCase", *WRITE_ERRORS, links=200, headers=True))
@require("officer", "reviewer", "leader")
def patch_case(data, number):
    """Edit the case's fields and forms (editable stages, by its handler) or reassign its
    handler (reviewers, leaders, admins); optimistic concurrency with If-Match."""
    r = reader()
    peek = load_case(r, number)
    if "forms" in data:
        check_forms(r, peek.business_code, data["forms"])
    new_handler = None
    reassign = "handler" in data
    if reassign:
        if g.user.role not in ("reviewer", "leader", "admin"):
            raise ApiError(403, "Forbidden", "only reviewers, leaders and admins reassign a case")
        name = data.pop("handler")
        if name is not None:
            from ..auth import normalise

            new_handler = r.scalar(select(User).where(User.username == normalise(name)))
            if new_handler is None or not new_handler.active:
                raise ApiError(422, "Unknown user", f"no active user {name!r}")
            if new_handler.role == "officer" and new_handler.district != peek.district:
                raise ApiError(422, "Wrong district", f"{name} is an officer of "
                               f"{new_handler.district}, the case is in {peek.district}")
    case, replay = _write(number)
    if replay is not None:
        return replay
    s = g.session
    wf = workflow_for(s, case.workflow_version)
    detail: dict = {}
    if data:
        require_editable(case, wf, "forms and fields")
        require_editor(case, wf)
        before = services.case_content(case)
        for key, value in data.items():
            setattr(case, key, value)
        detail["changes"] = changed_fields(before, services.case_content(case))
    if reassign:
        if case.stage in wf.final:
            raise ApiError(409, "Case sealed", f"case {number} is {case.stage}")
        old = s.get(User, case.handler_id) if case.handler_id else None
        case.handler_id = new_handler.id if new_handler else None
        detail["handler"] = {"old": old.username if old else None,
                             "new": new_handler.username if new_handler else None}
    return commit_change(s, case, "update", detail, _respond(case))


@blp.route("/<string:number>", methods=["DELETE"])
@blp.response(204)
@blp.doc(**doc("deleteCase", *WRITE_ERRORS, headers=True))
@require("admin")
def delete_case(number):
    """Withdraw a case registered by mistake: it disappears from lists and sync (a tombstone
    in the change feed); its rows, versions and audit stay, readable to reviewers."""
    case, replay = _write(number)
    if replay is not None:
        return replay
    case.deleted = True
    return commit_change(g.session, case, "delete", {"number": number},
                         lambda: Response(status=204), op="delete")


@blp.route("/<string:number>/opinions", methods=["POST"])
@blp.arguments(OpinionIn)
@blp.response(200, CaseOut)
@blp.doc(**doc("addOpinion", *WRITE_ERRORS, links=200, headers=True))
@require("officer", "reviewer", "leader")
def add_opinion(data, number):
    """An opinion (意见) on the current stage; ``signed`` signs it: the signature records the
    SHA-256 of the case's content and counts for its stage's step of the chain while that
    content stays unchanged."""
    case, replay = _write(number)
    if replay is not None:
        return replay
    s = g.session
    wf = workflow_for(s, case.workflow_version)
    if case.stage in wf.final or case.stage in wf.sealed:
        raise ApiError(409, "Case sealed", f"case {number} is {case.stage}; no more opinions")
    opinion = services.sign(s, case, g.user, data["text"], data["signed"])
    s.add(opinion)
    s.flush()
    s.expire(case, ["opinions"])
    return commit_change(s, case, "opinion",
                         {"stage": case.stage, "signed": data["signed"],
                          "content_sha256": opinion.content_sha256,
                          "signed_sha256": opinion.signed_sha256}, _respond(case))


@blp.route("/<string:number>/attachments", methods=["POST"])
@blp.arguments(AttachmentIn)
@blp.response(200, CaseOut)
@blp.doc(**doc("addAttachment", *WRITE_ERRORS, links=200, headers=True))
@require("officer", "reviewer")
def add_attachment(data, number):
    """Attachment metadata (name, size, hash); the files live in the document store."""
    case, replay = _write(number)
    if replay is not None:
        return replay
    wf = workflow_for(g.session, case.workflow_version)
    if case.stage in wf.final or case.stage in wf.sealed:
        raise ApiError(409, "Case sealed", f"case {number} is {case.stage}")
    require_editor(case, wf)
    case.attachments.append(Attachment(**data))
    return commit_change(g.session, case, "attachment", data, _respond(case))


# --- transitions -------------------------------------------------------------------------------
def _plan(s, case: Case, wf: Workflow, data: dict):
    """(transition, target stage, violations) or an ApiError for a transition not allowed."""
    try:
        t = wf.find(data["transition"], case.stage)
        target = wf.target(t, case.stage, case.stage_history)
    except RedlineError as exc:
        raise ApiError(422, "Transition not possible", str(exc)) from exc
    user = g.user
    if user.role not in t.roles and user.role != "admin":
        raise ApiError(403, "Forbidden", f"{t.name} needs role {' or '.join(t.roles)}")
    if user.role == "officer" and case.handler_id not in (None, user.id):
        raise ApiError(403, "Forbidden", f"{t.name}: only the case's handler moves it on")
    if t.not_by:
        made = s.scalars(select(AuditEntry.detail).where(
            AuditEntry.case_id == case.id, AuditEntry.action == "transition",
            AuditEntry.user_id == user.id)).all()
        clash = sorted({d.get("transition") for d in made} & set(t.not_by))
        if clash:
            raise ApiError(403, "Separation of duties", f"{user.username} made "
                           f"{', '.join(clash)} on this case and may not make {t.name}")
    if t.requires_reason and not data.get("reason", "").strip():
        raise ApiError(422, "Reason required", f"{t.name} needs a reason")
    if t.adds_days and data.get("days", 0) <= 0:
        raise ApiError(422, "Days required", "an extension adds 1 or more working days")
    violations = blocking_violations(services.rules(s)["blocking"], _facts(s, case, t.name, wf))
    return t, target, violations


@blp.route("/<string:number>/transitions/dry-run", methods=["POST"])
@blp.arguments(TransitionIn)
@blp.response(200, DryRunOut)
@blp.doc(**doc("dryRun", 400, 401, 403, 404, 422))
@require("officer", "reviewer", "leader")
def dry_run(data, number):
    """Which rules would block this transition, without making it."""
    s = reader()
    case = load_case(s, number)
    _t, target, violations = _plan(s, case, workflow_for(s, case.workflow_version), data)
    return {"allowed": not violations, "target_stage": target,
            "violations": [v.to_dict() for v in violations]}


@blp.route("/<string:number>/transitions", methods=["POST"])
@blp.arguments(TransitionIn)
@blp.response(200, CaseOut)
@blp.doc(**doc("transition", *WRITE_ERRORS, links=200, headers=True))
@require("officer", "reviewer", "leader")
def transition(data, number):
    """Move the case on: every blocking rule is evaluated and all violations returned."""
    case, replay = _write(number)
    if replay is not None:
        return replay
    s = g.session
    wf = workflow_for(s, case.workflow_version)
    t, target, violations = _plan(s, case, wf, data)
    if violations:
        raise ApiError(409, "Blocked by rules", f"{len(violations)} rule(s) block {t.name}",
                       violations=[v.to_dict() for v in violations])
    day = services.today()
    if t.starts_clock and case.accepted_on is None:
        case.accepted_on = day
    if t.stops_clock:
        case.suspensions = [*case.suspensions, [day.isoformat(), None]]
    if case.stage == "suspended" and target != "suspended":
        last = case.suspensions[-1]
        case.suspensions = [*case.suspensions[:-1], [last[0], day.isoformat()]]
    if t.adds_days:
        case.extension_days += data["days"]
    if target in wf.final:
        case.closed_on = day
    previous = case.stage
    if target != case.stage:
        enter_stage(s, case, target)
    return commit_change(s, case, "transition",
                         {"transition": t.name, "from": previous, "to": target,
                          "reason": data.get("reason", ""), "days": data.get("days", 0)},
                         _respond(case))


@blp.route("/<string:number>/audit", methods=["GET"])
@blp.response(200, AuditOut(many=True))
@blp.doc(**doc("getAudit", 401, 404))
@require()
def audit(number):
    """Every change of the case with old and new values; also of a deleted case, for
    reviewers, leaders and admins."""
    s = reader()
    case = load_case(s, number, deleted_too=True)
    rows = s.execute(select(AuditEntry, User.username).outerjoin(User, User.id == AuditEntry.user_id)
                     .where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)).all()
    return [{"at": services.iso(a.at), "user": name, "action": a.action, "detail": a.detail}
            for a, name in rows]
