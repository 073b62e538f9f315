"""Administration: workflow and rule versions, business types, the holiday calendar, users."""

from __future__ import annotations

from flask import current_app, g
from flask_smorest import Blueprint
from sqlalchemy import delete, select

from ...core.approval.business_types import FORMS, check_schema
from ...core.approval.rules import validate_rule_rows
from ...core.approval.workflow import Workflow
from ...core.errors import RedlineError
from ..auth import hash_password, require
from ..errors import ApiError
from ..models import BusinessType, CalendarDay, RuleSet, User, WorkflowVersion
from ..schemas import BusinessTypeIn, CalendarIn, DefinitionIn, DefinitionOut, UserIn, UserOut

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin",
                description="Workflow, rules, business types, calendar, users")


def _latest(model):
    return g.session.scalar(select(model).order_by(model.version.desc()).limit(1))


@blp.route("/workflow", methods=["GET"])
@blp.response(200, DefinitionOut)
@require()
def get_workflow():
    return _latest(WorkflowVersion)


@blp.route("/workflow", methods=["POST"])
@blp.arguments(DefinitionIn)
@blp.response(201, DefinitionOut)
@require("admin")
def new_workflow(data):
    """A new workflow version; running cases keep the version they started with."""
    latest = _latest(WorkflowVersion)
    definition = dict(data["definition"], version=latest.version + 1)
    try:
        Workflow.from_dict(definition)
    except RedlineError as exc:
        raise ApiError(422, "Invalid workflow", str(exc)) from exc
    row = WorkflowVersion(version=definition["version"], definition=definition)
    g.session.add(row)
    g.session.commit()
    return row


@blp.route("/rules", methods=["GET"])
@blp.response(200, DefinitionOut)
@require()
def get_rules():
    return _latest(RuleSet)


@blp.route("/rules", methods=["POST"])
@blp.arguments(DefinitionIn)
@blp.response(201, DefinitionOut)
@require("admin")
def new_rules(data):
    definition = data["definition"]
    try:
        if not isinstance(definition.get("routing"), list) or \
                not isinstance(definition.get("blocking"), list):
            raise RedlineError("rules need 'routing' and 'blocking' lists")
        validate_rule_rows(definition["blocking"])
        for i, row in enumerate(definition["routing"]):
            if not isinstance(row, dict) or not row.get("section"):
                raise RedlineError(f"routing row {i} needs a 'section'")
    except RedlineError as exc:
        raise ApiError(422, "Invalid rules", str(exc)) from exc
    latest = _latest(RuleSet)
    row = RuleSet(version=latest.version + 1, definition=dict(definition,
                                                              version=latest.version + 1))
    g.session.add(row)
    g.session.commit()
    return row


@blp.route("/business-types", methods=["PUT"])
@blp.arguments(BusinessTypeIn)
@blp.response(200, BusinessTypeIn)
@require("admin")
def put_business_type(data):
    for form, schema in data["forms"].items():
        if form not in FORMS:
            raise ApiError(422, "Invalid forms", f"unknown form {form!r}")
        try:
            check_schema(schema)
        except RedlineError as exc:
            raise ApiError(422, "Invalid forms", f"{form}: {exc}") from exc
    clash = g.session.scalar(select(BusinessType).where(BusinessType.name == data["name"],
                                                        BusinessType.code != data["code"]))
    if clash is not None:
        raise ApiError(422, "Name in use", f"business type {clash.code} is already called "
                       f"{data['name']!r}")
    g.session.merge(BusinessType(**data))
    g.session.commit()
    return data


@blp.route("/business-types", methods=["GET"])
@blp.response(200, BusinessTypeIn(many=True))
@require()
def list_business_types():
    return g.session.scalars(select(BusinessType).order_by(BusinessType.code)).all()


@blp.route("/calendar", methods=["PUT"])
@blp.arguments(CalendarIn)
@blp.response(200, CalendarIn)
@require("admin")
def put_calendar(data):
    """Replace the given days' kinds (holidays and adjusted working weekends)."""
    days = set(data["holidays"]) | set(data["workdays"])
    if set(data["holidays"]) & set(data["workdays"]):
        raise ApiError(422, "Invalid calendar", "a day cannot be both holiday and workday")
    s = g.session
    if days:
        s.execute(delete(CalendarDay).where(CalendarDay.day.in_(days)))
    s.add_all([CalendarDay(day=d, kind="holiday") for d in data["holidays"]]
              + [CalendarDay(day=d, kind="workday") for d in data["workdays"]])
    s.commit()
    current_app.extensions.pop("redline_calendar", None)
    return data


@blp.route("/users", methods=["POST"])
@blp.arguments(UserIn)
@blp.response(201, UserOut)
@require("admin")
def create_user(data):
    s = g.session
    if s.scalar(select(User).where(User.username == data["username"])):
        raise ApiError(422, "User exists", f"{data['username']} exists")
    user = User(username=data["username"], display_name=data["display_name"],
                password_hash=hash_password(data["password"]), role=data["role"],
                district=data["district"], signer_role=data["signer_role"])
    s.add(user)
    s.commit()
    return user
