"""Cases: create, read, query, edit, parcels, opinions, attachments, transitions, audit."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select

from ...core.approval.rules import blocking_violations, route
from ...core.approval.workflow import Workflow
from ...core.errors import RedlineError
from .. import services
from ..auth import require
from ..errors import ApiError
from ..http import check_if_match, json_response, load_case, replay_if_seen
from ..models import Attachment, AuditEntry, Case, Opinion, Parcel, RuleSet, User
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
    ParcelsIn,
    TransitionIn,
)
from ..services import (
    build_parcels,
    case_dict,
    check_forms,
    commit_change,
    deadline_for,
    enter_stage,
    etag,
    latest_workflow_version,
    new_case_number,
    workflow_for,
)

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases",
                description="Approval cases and their red lines")

WRITE_HEADERS = {"If-Match": {"description": "the case's ETag", "schema": {"type": "string"},
                              "required": True},
                 "Idempotency-Key": {"description": "a client-made id: a replay changes "
                                     "nothing", "schema": {"type": "string"}}}
ERRORS = {400, 401, 403, 404, 412, 422, 428}


def _doc(*codes):
    return {"responses": {str(c): {"description": "problem+json",
                                   "content": {"application/problem+json": {"schema": {
                                       "type": "object"}}}} for c in codes}}


def _respond(case, status=200, extra_headers=None):
    def respond():
        headers = {"ETag": etag(case), **(extra_headers or {})}
        return json_response(CaseOut(), case_dict(g.session, case), status, headers)

    return respond


def _rules(session) -> dict:
    row = session.scalar(select(RuleSet).order_by(RuleSet.version.desc()).limit(1))
    return row.definition


def _facts(session, case: Case, transition: str) -> dict:
    business = case_dict(session, case)
    return {"transition": transition, "stage": case.stage, "district": case.district,
            "business_type": business["business_name"], "business_code": case.business_code,
            "forms": case.forms,
            "parcels": [{"number": p.number, "valid": p.valid,
                         "declared_area_m2": p.declared_area_m2,
                         "planar_area_m2": p.planar_area_m2} for p in case.parcels],
            "attachments": [{"name": a.name, "kind": a.kind} for a in case.attachments],
            "opinions": [{"signer_role": o.signer_role, "signed": o.signed}
                         for o in case.opinions]}


@blp.route("", methods=["GET"])
@blp.arguments(CaseListArgs, location="query")
@blp.response(200, CaseListOut)
@blp.doc(**_doc(401, 422))
@require()
def list_cases(args):
    """Query cases by attributes and extent (officers see their own district only)."""
    s = g.session
    q = select(Case).where(Case.deleted.is_(False))
    if g.user.role == "officer" and g.user.district:
        q = q.where(Case.district == g.user.district)
    for key in ("business_code", "stage", "district", "project_tag"):
        if args.get(key):
            q = q.where(getattr(Case, key) == args[key])
    if args.get("number"):
        q = q.where(Case.number.startswith(args["number"]))
    if args.get("applicant"):
        q = q.where(Case.applicant.contains(args["applicant"]))
    if args.get("bbox"):
        x0, y0, x1, y1 = map(float, args["bbox"].split(","))
        hits = select(Parcel.case_id).where(Parcel.maxx >= x0, Parcel.minx <= x1,
                                            Parcel.maxy >= y0, Parcel.miny <= y1)
        q = q.where(Case.id.in_(hits))
    cases = s.scalars(q.order_by(Case.number)).all()
    if args.get("overdue") is not None:
        cases = [c for c in cases
                 if ((deadline_for(s, c) or {}).get("status") == "red") == args["overdue"]]
    total = len(cases)
    page = cases[args["offset"]:args["offset"] + args["limit"]]
    return {"total": total, "cases": [case_dict(s, c) for c in page]}


@blp.route("", methods=["POST"])
@blp.arguments(CaseIn)
@blp.response(201, CaseOut)
@blp.doc(parameters=[{"in": "header", "name": "Idempotency-Key", "schema": {"type": "string"}}],
         **_doc(401, 403, 422))
@require("officer")
def create_case(data):
    """Register a case (收件): the number is assigned atomically and gap-free."""
    s = g.session
    replay = replay_if_seen(s)
    if replay is not None:
        return replay
    if g.user.role == "officer" and g.user.district and data["district"] != g.user.district:
        raise ApiError(403, "Forbidden", f"officers of {g.user.district} register cases of "
                       f"their own district, not {data['district']}")
    business = check_forms(s, data["business_code"], data["forms"])
    version = latest_workflow_version(s)
    wf = workflow_for(s, version)
    parcels = build_parcels(data["parcels"])
    case = Case(number=new_case_number(s, data["district"], data["business_code"]),
                business_code=business.code, district=data["district"],
                applicant=data["applicant"], location=data["location"],
                project_tag=data["project_tag"], forms=data["forms"], stage="",
                stage_history=[], workflow_version=version, handler_id=g.user.id,
                suspensions=[], parcels=parcels,
                section=route(_rules(s)["routing"], {"business_type": business.name,
                                                     "district": data["district"]}))
    s.add(case)
    s.flush()
    enter_stage(s, case, wf.initial)
    return commit_change(s, g.user, case, "create", {"number": case.number},
                         _respond(case, 201, {"Location": f"/api/v1/cases/{case.number}"}))


@blp.route("/<string:number>", methods=["GET"])
@blp.response(200, CaseOut)
@blp.doc(**_doc(401, 404))
@require()
def get_case(number):
    case = load_case(g.session, number)
    return json_response(CaseOut(), case_dict(g.session, case), 200, {"ETag": etag(case)})


def _write(number: str):
    """Common start of every write: replay, lock, If-Match."""
    s = g.session
    replay = replay_if_seen(s)
    if replay is not None:
        return None, replay
    case = load_case(s, number, for_update=True)
    check_if_match(case, case_dict(s, case))
    case.version += 1
    return case, None


@blp.route("/<string:number>", methods=["PATCH"])
@blp.arguments(CasePatch)
@blp.response(200, CaseOut)
@blp.doc(parameters=[{"in": "header", "name": k, **v} for k, v in WRITE_HEADERS.items()],
         **_doc(*ERRORS))
@require("officer", "reviewer", "leader")
def patch_case(data, number):
    """Edit the case's fields and forms (optimistic concurrency: If-Match)."""
    case, replay = _write(number)
    if replay is not None:
        return replay
    s = g.session
    wf = workflow_for(s, case.workflow_version)
    if case.stage in wf.final:
        raise ApiError(422, "Case closed", f"case {number} is {case.stage}; it cannot change")
    if "forms" in data:
        check_forms(s, case.business_code, data["forms"])
    if "handler" in data:
        handler = s.scalar(select(User).where(User.username == data.pop("handler"))) \
            if data.get("handler") else None
        if data.get("handler") is not None and handler is None:
            raise ApiError(422, "Unknown user", "no such handler")
        case.handler_id = handler.id if handler else None
    for key, value in data.items():
        setattr(case, key, value)
    return commit_change(s, g.user, case, "update", {"fields": sorted(data)}, _respond(case))


@blp.route("/<string:number>", methods=["DELETE"])
@blp.response(204)
@blp.doc(parameters=[{"in": "header", "name": k, **v} for k, v in WRITE_HEADERS.items()],
         **_doc(*ERRORS))
@require("admin")
def delete_case(number):
    """Remove a case registered by mistake (the change feed carries a tombstone)."""
    case, replay = _write(number)
    if replay is not None:
        return replay
    case.deleted = True
    from flask import Response

    return commit_change(g.session, g.user, case, "delete", {}, lambda: Response(status=204),
                         op="delete")


@blp.route("/<string:number>/parcels", methods=["PUT"])
@blp.arguments(ParcelsIn)
@blp.response(200, CaseOut)
@blp.doc(parameters=[{"in": "header", "name": k, **v} for k, v in WRITE_HEADERS.items()],
         **_doc(*ERRORS))
@require("officer", "reviewer")
def put_parcels(data, number):
    """Store the case's red line (红线入库): areas and validity come from ``core``."""
    case, replay = _write(number)
    if replay is not None:
        return replay
    s = g.session
    if case.stage in workflow_for(s, case.workflow_version).final:
        raise ApiError(422, "Case closed", f"case {number} is {case.stage}")
    parcels = build_parcels(data["parcels"])
    case.parcels.clear()
    s.flush()
    case.parcels.extend(parcels)
    return commit_change(s, g.user, case, "parcels",
                         {"parcels": [p.number for p in parcels],
                          "valid": all(p.valid for p in parcels)}, _respond(case))


@blp.route("/<string:number>/opinions", methods=["POST"])
@blp.arguments(OpinionIn)
@blp.response(200, CaseOut)
@blp.doc(parameters=[{"in": "header", "name": k, **v} for k, v in WRITE_HEADERS.items()],
         **_doc(*ERRORS))
@require("officer", "reviewer", "leader")
def add_opinion(data, number):
    """An opinion (意见) on the current stage; ``signed`` adds the author's signature."""
    case, replay = _write(number)
    if replay is not None:
        return replay
    case.opinions.append(Opinion(stage=case.stage, author_id=g.user.id, author=g.user,
                                 signer_role=g.user.signer_role, signed=data["signed"],
                                 text=data["text"]))
    return commit_change(g.session, g.user, case, "opinion",
                         {"stage": case.stage, "signed": data["signed"]}, _respond(case))


@blp.route("/<string:number>/attachments", methods=["POST"])
@blp.arguments(AttachmentIn)
@blp.response(200, CaseOut)
@blp.doc(parameters=[{"in": "header", "name": k, **v} for k, v in WRITE_HEADERS.items()],
         **_doc(*ERRORS))
@require("officer", "reviewer")
def add_attachment(data, number):
    """Attachment metadata (name, size, hash); the files live in the document store."""
    case, replay = _write(number)
    if replay is not None:
        return replay
    case.attachments.append(Attachment(**data))
    return commit_change(g.session, g.user, case, "attachment", data, _respond(case))


def _plan(s, case: Case, wf: Workflow, data: dict):
    """(transition, target stage, violations) or an ApiError for a transition not allowed."""
    try:
        t = wf.find(data["transition"], case.stage)
        target = wf.target(t, case.stage, case.stage_history)
    except RedlineError as exc:
        raise ApiError(422, "Transition not possible", str(exc)) from exc
    if g.user.role not in t.roles and g.user.role != "admin":
        raise ApiError(403, "Forbidden", f"{t.name} needs role {' or '.join(t.roles)}")
    if t.requires_reason and not data.get("reason", "").strip():
        raise ApiError(422, "Reason required", f"{t.name} needs a reason")
    if t.adds_days and data.get("days", 0) <= 0:
        raise ApiError(422, "Days required", "an extension adds 1 or more working days")
    violations = blocking_violations(_rules(s)["blocking"], _facts(s, case, t.name))
    return t, target, violations


@blp.route("/<string:number>/transitions/dry-run", methods=["POST"])
@blp.arguments(TransitionIn)
@blp.response(200, DryRunOut)
@blp.doc(**_doc(401, 403, 404, 422))
@require("officer", "reviewer", "leader")
def dry_run(data, number):
    """Which rules would block this transition, without making it."""
    s = g.session
    case = load_case(s, number)
    _t, target, violations = _plan(s, case, workflow_for(s, case.workflow_version), data)
    return {"allowed": not violations, "target_stage": target,
            "violations": [v.to_dict() for v in violations]}


@blp.route("/<string:number>/transitions", methods=["POST"])
@blp.arguments(TransitionIn)
@blp.response(200, CaseOut)
@blp.doc(parameters=[{"in": "header", "name": k, **v} for k, v in WRITE_HEADERS.items()],
         **_doc(*ERRORS, 409))
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
    return commit_change(s, g.user, case, "transition",
                         {"transition": t.name, "from": previous, "to": target,
                          "reason": data.get("reason", ""), "days": data.get("days", 0)},
                         _respond(case))


@blp.route("/<string:number>/audit", methods=["GET"])
@blp.response(200, AuditOut(many=True))
@blp.doc(**_doc(401, 404))
@require()
def audit(number):
    s = g.session
    case = load_case(s, number)
    rows = s.execute(select(AuditEntry, User.username).outerjoin(User, User.id == AuditEntry.user_id)
                     .where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)).all()
    return [{"at": a.at, "user": name, "action": a.action, "detail": a.detail} for a, name in rows]


