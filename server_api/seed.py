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


def seed(session, admin_password: str | None, demo: bool) -> None:
    """First data, and the admin's password: ``admin_password`` (REDLINE_ADMIN_PASSWORD) is
    applied when given; outside demo mode the server refuses to start while the admin has no
    password or the password ``admin``."""
    from werkzeug.security import check_password_hash

    from ..core.errors import RedlineError
    from .auth import MIN_PASSWORD, normalise

    if session.get(ServerState, 1) is None:
        session.add(ServerState(id=1, revision=0, config_revision=0))
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
    if admin_password is not None and not demo and len(admin_password) < MIN_PASSWORD:
        raise RedlineError(f"REDLINE_ADMIN_PASSWORD needs at least {MIN_PASSWORD} characters")
    admin = session.scalar(select(User).where(User.username == "admin"))
    if admin is None:
        admin = User(username="admin", display_name="admin", role="admin",
                     password_hash="!")  # no password matches until one is set
        session.add(admin)
    if admin_password is not None:
        admin.password_hash = hash_password(admin_password)
    elif demo and admin.password_hash == "!":
        admin.password_hash = hash_password("admin")
    if demo:
        for name, role, district, signer in DEMO_USERS:
            if session.scalar(select(User).where(User.username == normalise(name))) is None:
                session.add(User(username=name, display_name=name, role=role, district=district,
                                 signer_role=signer, password_hash=hash_password(DEMO_PASSWORD)))
    elif admin.password_hash == "!" or check_password_hash(admin.password_hash, "admin"):
        session.rollback()
        raise RedlineError("the admin has no password or the password 'admin': set "
                           "REDLINE_ADMIN_PASSWORD (at least 10 characters) or run "
                           "'redline admin set-password', or start in demo mode (--demo)")
    session.commit()


def set_admin_password(session, password: str) -> None:
    """``redline admin set-password``."""
    from ..core.errors import RedlineError
    from .auth import MIN_PASSWORD
    from .models import AuditEntry

    if len(password) < MIN_PASSWORD:
        raise RedlineError(f"a password needs at least {MIN_PASSWORD} characters")
    admin = session.scalar(select(User).where(User.username == "admin"))
    if admin is None:
        admin = User(username="admin", display_name="admin", role="admin", password_hash="!")
        session.add(admin)
    admin.password_hash = hash_password(password)
    session.add(AuditEntry(user_id=None, case_id=None, action="admin:password",
                           detail={"user": "admin", "by": "redline admin set-password"}))
    session.commit()
