"""Administration: workflow and rule versions, business types, the holiday calendar, users,
and the audit log of all of these (old and new values). A definition is checked whole before
it is stored; every change bumps the configuration revision, so every worker reloads."""

from __future__ import annotations

from flask import g
from sqlalchemy import delete, select

from ...core.approval.business_types import FORMS, check_schema
from ...core.approval.rules import validate_rules
from ...core.approval.workflow import Workflow
from ...core.errors import RedlineError
from ..auth import check_password_rules, hash_password, normalise, require, revoke_tokens
from ..errors import ApiError
from ..http import commit_admin, reader
from ..jsonio import Blueprint
from ..models import AuditEntry, BusinessType, CalendarDay, RuleSet, User, WorkflowVersion
from ..schemas import (
    AdminAuditArgs,
    AuditOut,
    BusinessTypeIn,
    CalendarIn,
    DefinitionIn,
    DefinitionOut,
    UserIn,
    UserOut,
    UserPatch,
)
from ..services import iso
from .cases import doc

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin",
                description="Workflow, rules, business types, calendar, users, their audit")


def _latest(session, model):
    return session.scalar(select(model).order_by(model.version.desc()).limit(1))


@blp.route("/workflow", methods=["GET"])
@blp.response(200, DefinitionOut)
@blp.doc(**doc("getWorkflow", 401))
@require()
def get_workflow():
    return _latest(reader(), WorkflowVersion)


@blp.route("/workflow", methods=["POST"])
@blp.arguments(DefinitionIn)
@blp.response(201, DefinitionOut)
@blp.doc(**doc("newWorkflow", 401, 403, 422))
@require("admin")
def new_workflow(data):
    """A new workflow version; running cases keep the version they started with."""
    s = g.session
    latest = _latest(s, WorkflowVersion)
    definition = dict(data["definition"], version=latest.version + 1)
    try:
        Workflow.from_dict(definition)
    except RedlineError as exc:
        raise ApiError(422, "Invalid workflow", str(exc)) from exc
    row = WorkflowVersion(version=definition["version"], definition=definition)
    s.add(row)
    commit_admin(s, "admin:workflow", {"old": {"version": latest.version,
                                               "definition": latest.definition},
                                       "new": {"version": row.version, "definition": definition}})
    return row


@blp.route("/rules", methods=["GET"])
@blp.response(200, DefinitionOut)
@blp.doc(**doc("getRules", 401))
@require()
def get_rules():
    return _latest(reader(), RuleSet)


@blp.route("/rules", methods=["POST"])
@blp.arguments(DefinitionIn)
@blp.response(201, DefinitionOut)
@blp.doc(**doc("newRules", 401, 403, 422))
@require("admin")
def new_rules(data):
    definition = data["definition"]
    try:
        validate_rules(definition)
    except RedlineError as exc:
        raise ApiError(422, "Invalid rules", str(exc)) from exc
    s = g.session
    latest = _latest(s, RuleSet)
    row = RuleSet(version=latest.version + 1, definition=dict(definition,
                                                              version=latest.version + 1))
    s.add(row)
    commit_admin(s, "admin:rules", {"old": {"version": latest.version,
                                            "definition": latest.definition},
                                    "new": {"version": row.version,
                                            "definition": row.definition}})
    return row


@blp.route("/business-types", methods=["PUT"])
@blp.arguments(BusinessTypeIn)
@blp.response(200, BusinessTypeIn)
@blp.doc(**doc("putBusinessType", 401, 403, 422))
@require("admin")
def put_business_type(data):
    for form, schema in data["forms"].items():
        if form not in FORMS:
            raise ApiError(422, "Invalid forms", f"unknown form {form!r}")
        try:
            check_schema(schema)
        except RedlineError as exc:
            raise ApiError(422, "Invalid forms", f"{form}: {exc}") from exc
    s = g.session
    clash = s.scalar(select(BusinessType).where(BusinessType.name == data["name"],
                                                BusinessType.code != data["code"]))
    if clash is not None:
        raise ApiError(422, "Name in use", f"business type {clash.code} is already called "
                       f"{data['name']!r}")
    old = s.get(BusinessType, data["code"])
    before = None if old is None else {"code": old.code, "name": old.name,
                                       "time_limit_days": old.time_limit_days, "forms": old.forms}
    s.merge(BusinessType(**data))
    commit_admin(s, "admin:business_type", {"old": before, "new": data})
    return data


@blp.route("/business-types", methods=["GET"])
@blp.response(200, BusinessTypeIn(many=True))
@blp.doc(**doc("listBusinessTypes", 401))
@require()
def list_business_types():
    return reader().scalars(select(BusinessType).order_by(BusinessType.code)).all()


@blp.route("/calendar", methods=["PUT"])
@blp.arguments(CalendarIn)
@blp.response(200, CalendarIn)
@blp.doc(**doc("putCalendar", 401, 403, 422))
@require("admin")
def put_calendar(data):
    """Replace the given days' kinds (holidays and adjusted working weekends)."""
    days = set(data["holidays"]) | set(data["workdays"])
    if set(data["holidays"]) & set(data["workdays"]):
        raise ApiError(422, "Invalid calendar", "a day cannot be both holiday and workday")
    s = g.session
    old = {d.isoformat(): k for d, k in s.execute(
        select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.day.in_(days))).all()} \
        if days else {}
    if days:
        s.execute(delete(CalendarDay).where(CalendarDay.day.in_(days)))
    s.add_all([CalendarDay(day=d, kind="holiday") for d in data["holidays"]]
              + [CalendarDay(day=d, kind="workday") for d in data["workdays"]])
    new = {d.isoformat(): "holiday" for d in data["holidays"]} | \
        {d.isoformat(): "workday" for d in data["workdays"]}
    commit_admin(s, "admin:calendar", {"old": old, "new": new})
    return data


# --- users -------------------------------------------------------------------------------------
def _user_dict(u: User) -> dict:
    return {"username": u.username, "display_name": u.display_name, "role": u.role,
            "district": u.district, "signer_role": u.signer_role, "active": u.active}


def _check_user(role: str, district: str | None) -> None:
    if role == "officer" and not district:
        raise ApiError(422, "District required", "an officer belongs to a district: give its "
                       "two-letter code")


@blp.route("/users", methods=["GET"])
@blp.response(200, UserOut(many=True))
@blp.doc(**doc("listUsers", 401, 403))
@require("admin")
def list_users():
    return [_user_dict(u) for u in reader().scalars(select(User).order_by(User.username))]


@blp.route("/users", methods=["POST"])
@blp.arguments(UserIn)
@blp.response(201, UserOut)
@blp.doc(**doc("createUser", 401, 403, 422))
@require("admin")
def create_user(data):
    name = normalise(data["username"])
    _check_user(data["role"], data["district"])
    check_password_rules(data["password"])
    password_hash = hash_password(data["password"])  # before the write transaction
    s = g.session
    if s.scalar(select(User).where(User.username == name)):
        raise ApiError(422, "User exists", f"{name} exists")
    user = User(username=name, display_name=data["display_name"], password_hash=password_hash,
                role=data["role"], district=data["district"], signer_role=data["signer_role"])
    s.add(user)
    commit_admin(s, "admin:user", {"old": None, "new": _user_dict(user)})
    return _user_dict(user)


@blp.route("/users/<string:username>", methods=["PATCH"])
@blp.arguments(UserPatch)
@blp.response(200, UserOut)
@blp.doc(**doc("patchUser", 401, 403, 404, 422))
@require("admin")
def patch_user(data, username):
    """Change a user's role, district, signer role or password, or deactivate them (their
    tokens are revoked at once)."""
    password_hash = None
    if "password" in data:
        check_password_rules(data["password"])
        password_hash = hash_password(data.pop("password"))
    s = g.session
    user = s.scalar(select(User).where(User.username == normalise(username)))
    if user is None:
        raise ApiError(404, "Not Found", f"no user {username}")
    before = _user_dict(user)
    for key, value in data.items():
        setattr(user, key, value)
    _check_user(user.role, user.district)
    if password_hash:
        user.password_hash = password_hash
    revoked = revoke_tokens(s, user.id) if (password_hash or not user.active) else 0
    commit_admin(s, "admin:user", {"old": before, "new": _user_dict(user),
                                   "password_changed": password_hash is not None,
                                   "tokens_revoked": revoked})
    return _user_dict(user)


@blp.route("/audit", methods=["GET"])
@blp.arguments(AdminAuditArgs, location="query")
@blp.response(200, AuditOut(many=True))
@blp.doc(**doc("adminAudit", 401, 403, 422))
@require("reviewer", "leader")
def admin_audit(args):
    """Changes of workflow, rules, business types, calendar and users, newest first."""
    s = reader()
    rows = s.execute(select(AuditEntry, User.username)
                     .outerjoin(User, User.id == AuditEntry.user_id)
                     .where(AuditEntry.case_id.is_(None))
                     .order_by(AuditEntry.id.desc())
                     .offset(args["offset"]).limit(args["limit"])).all()
    return [{"at": iso(a.at), "user": name, "action": a.action, "detail": a.detail}
            for a, name in rows]
