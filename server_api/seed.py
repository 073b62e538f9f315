"""First data of a new database: business types, workflow v1, rules v1, the calendar from
``chinesecalendar``, the admin and (for demos and tests) one user per role. Idempotent."""

from __future__ import annotations

from sqlalchemy import select

from ..core.approval.business_types import DEFAULT_BUSINESS_TYPES
from ..core.approval.calendar import seed_from_chinese_calendar
from ..core.approval.rules import DEFAULT_RULES
from ..core.approval.workflow import DEFAULT_WORKFLOW
from .auth import hash_password
from .models import BusinessType, CalendarDay, RuleSet, ServerState, User, WorkflowVersion

DEMO_USERS = [
    # username, role, district, signer role
    ("officer", "officer", "JA", "handler"),
    ("officer2", "officer", "JB", "handler"),
    ("reviewer", "reviewer", None, "section_chief"),
    ("leader", "leader", None, "chief_representative"),
]
DEMO_PASSWORD = "redline-demo"


def seed(session, admin_password: str, demo_users: bool) -> None:
    if session.get(ServerState, 1) is None:
        session.add(ServerState(id=1, revision=0))
    if session.get(WorkflowVersion, 1) is None:
        session.add(WorkflowVersion(version=1, definition=DEFAULT_WORKFLOW))
    if session.get(RuleSet, 1) is None:
        session.add(RuleSet(version=1, definition=DEFAULT_RULES))
    for b in DEFAULT_BUSINESS_TYPES:
        if session.get(BusinessType, b["code"]) is None:
            session.add(BusinessType(**b))
    if session.scalar(select(CalendarDay).limit(1)) is None:
        cal = seed_from_chinese_calendar()
        session.add_all([CalendarDay(day=d, kind="holiday") for d in sorted(cal.holidays)]
                        + [CalendarDay(day=d, kind="workday") for d in sorted(cal.workdays)])
    users = [("admin", "admin", None, None)] + (DEMO_USERS if demo_users else [])
    for name, role, district, signer in users:
        if session.scalar(select(User).where(User.username == name)) is None:
            password = admin_password if name == "admin" else DEMO_PASSWORD
            session.add(User(username=name, display_name=name, role=role, district=district,
                             signer_role=signer, password_hash=hash_password(password)))
    session.commit()
