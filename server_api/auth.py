"""Users, roles and bearer tokens (stored hashed, server side), login throttling.

User names are compared normalised (NFKC, trimmed, case-folded): ``Admin`` and `` leader `` are
``admin`` and ``leader``. A login costs the same work whether the user exists or not, so the
answer's timing says nothing about which names exist. Failed logins are counted per user name
and per address in the database, so every worker sees them; too many in the window answer 429
with Retry-After.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import secrets
import unicodedata
from typing import NamedTuple

from flask import current_app, g, request
from sqlalchemy import bindparam, delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import ApiError
from .models import Case, LoginFailure, ServerState, Token, User, utcnow

ROLES = ("officer", "reviewer", "leader", "admin")
MIN_PASSWORD = 10
WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_USER = 5
MAX_FAILURES_ADDRESS = 30
_DUMMY_HASH = generate_password_hash("no user has this password", method="pbkdf2:sha256:60000")


def normalise(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip().casefold()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ApiError(422, "Password too short",
                       f"a password needs at least {MIN_PASSWORD} characters")
    if password.strip().casefold() in ("admin", "password", "redline-demo", "1234567890"):
        raise ApiError(422, "Password too common", "choose a password nobody would guess")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:60000")


def issue_token(session, user: User) -> tuple[str, dt.datetime]:
    token = secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(hours=current_app.config["TOKEN_HOURS"])
    session.add(Token(token_hash=hash_token(token), user_id=user.id, expires=expires))
    return token, expires


def _address() -> str:
    return request.remote_addr or "unknown"


def throttled(session, username: str) -> int:
    """Seconds until a login for ``username`` from this address may be tried again (0: now)."""
    since = utcnow() - WINDOW
    waits = []
    for key, limit in ((f"user:{username}", MAX_FAILURES_USER),
                       (f"addr:{_address()}", MAX_FAILURES_ADDRESS)):
        count, first = session.execute(
            select(func.count(LoginFailure.id), func.min(LoginFailure.at))
            .where(LoginFailure.key == key, LoginFailure.at >= since)).one()
        if count >= limit and first is not None:
            first = first if first.tzinfo else first.replace(tzinfo=dt.UTC)
            waits.append(max(1, int((first + WINDOW - utcnow()).total_seconds()) + 1))
    return max(waits, default=0)


def verify_login(session, username: str, password: str) -> User | None:
    """The user, or None; the password check runs (on a dummy hash) for unknown names too."""
    user = session.scalar(select(User).where(User.username == username))
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    return user if user is not None and ok and user.active else None


def record_failure(session, username: str) -> None:
    session.add_all([LoginFailure(key=f"user:{username}"),
                     LoginFailure(key=f"addr:{_address()}")])


def prune(session) -> None:
    """Expired tokens and old failures go: neither is part of the approval record."""
    session.execute(delete(Token).where(Token.expires < utcnow()))
    session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - WINDOW))


def revoke_tokens(session, user_id: int) -> int:
    return session.execute(delete(Token).where(Token.user_id == user_id)).rowcount


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


@dataclasses.dataclass(frozen=True)
class Caller:
    """The logged-in user of a request, as read with its token: plain values, no ORM object
    (a read request costs one small query for it)."""

    id: int
    username: str
    role: str
    district: str | None
    signer_role: str | None
    active: bool


class CaseKey(NamedTuple):
    """What a case's cached JSON, ETag and visibility depend on: one small row."""

    id: int
    revision: int
    number: str
    version: int
    district: str
    deleted: bool


_users, _tokens, _state = User.__table__.c, Token.__table__.c, ServerState.__table__.c
_cases = Case.__table__.c
CASE_KEY = (_cases.id, _cases.revision, _cases.number, _cases.version, _cases.district,
            _cases.deleted)
# built once: the statement's compiled form and cache key are reused by every request; the
# configuration revision rides along, one round trip for both (services._config)
_CALLER = (select(_tokens.expires, _users.id, _users.username, _users.role, _users.district,
                  _users.signer_role, _users.active,
                  select(_state.config_revision).where(_state.id == 1).scalar_subquery())
           .join_from(Token.__table__, User.__table__, _tokens.user_id == _users.id)
           .where(_tokens.token_hash == bindparam("token_hash")))
# a request about one case fetches that case's key in the same round trip
_CALLER_AND_CASE = _CALLER.add_columns(*CASE_KEY).outerjoin(
    Case.__table__, _cases.number == bindparam("number"))


def _unknown_token() -> ApiError:
    return ApiError(401, "Unauthorized", "the token is unknown, revoked or expired: log in "
                    "again", headers={"WWW-Authenticate": "Bearer"})


def _current_user(connection, number: str | None = None) -> tuple[Caller, CaseKey | None]:
    """The caller, and the key of case ``number`` (None when there is no such case)."""
    token = bearer()
    if token is None:
        raise ApiError(401, "Unauthorized", "send Authorization: Bearer <token> "
                       "(POST /api/v1/auth/token)", headers={"WWW-Authenticate": "Bearer"})
    params = {"token_hash": hash_token(token)}
    if number is not None:
        params["number"] = number
    row = connection.execute(_CALLER if number is None else _CALLER_AND_CASE, params).first()
    if row is None:
        raise _unknown_token()
    # the columns in _CALLER's order, then the case key's
    expires, caller, g.config_revision, case = row[0], Caller(*row[1:7]), row[7], row[8:]
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.UTC)  # SQLite drops the zone
    if expires < utcnow() or not caller.active:
        raise _unknown_token()
    return caller, CaseKey(*case) if case and case[0] is not None else None


def require(*roles: str):
    """The endpoint needs a logged-in user with one of ``roles`` (any role when empty)."""

    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            from .http import single

            number = kwargs.get("number")
            # one statement in autocommit: no write lock, no transaction for the token look-up
            user, key = _current_user(single(), number)
            if number is not None:
                g.case_key = (number, key)
            if roles and user.role not in roles and user.role != "admin":
                raise ApiError(403, "Forbidden", f"role {user.role} may not do this; needs "
                               f"{' or '.join(roles)}")
            g.user = user
            return fn(*args, **kwargs)

        return wrapper

    return decorator
