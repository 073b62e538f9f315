"""Users, roles and bearer tokens (stored hashed, server side), login throttling.

User names are compared normalised (NFKC, trimmed, case-folded): ``Admin`` and `` leader `` are
``admin`` and ``leader``. A login costs the same work whether the user exists or not, so the
answer's timing says nothing about which names exist. Failed logins are counted per user name
and per address in the database, so every worker sees them; too many in the window answer 429
with Retry-After.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
import unicodedata

from flask import current_app, g, request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import ApiError
from .models import LoginFailure, ServerState, Token, User, utcnow

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


def _current_user(session) -> User:
    token = bearer()
    if token is None:
        raise ApiError(401, "Unauthorized", "send Authorization: Bearer <token> "
                       "(POST /api/v1/auth/token)", headers={"WWW-Authenticate": "Bearer"})
    # the configuration revision rides along: one round trip for both (services._config)
    config = select(ServerState.config_revision).where(ServerState.id == 1).scalar_subquery()
    found = session.execute(select(Token, config).where(Token.token_hash == hash_token(token))
                            .options(joinedload(Token.user))).first()
    row = found[0] if found else None
    if found:
        g.config_revision = found[1]
    expires = row.expires if row is not None else None
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.UTC)  # SQLite drops the zone
    if row is None or expires < utcnow() or not row.user.active:
        raise ApiError(401, "Unauthorized", "the token is unknown, revoked or expired: log in "
                       "again", headers={"WWW-Authenticate": "Bearer"})
    return row.user


def require(*roles: str):
    """The endpoint needs a logged-in user with one of ``roles`` (any role when empty)."""

    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            from .http import reader

            user = _current_user(reader())  # a read: no write lock for the token look-up
            if roles and user.role not in roles and user.role != "admin":
                raise ApiError(403, "Forbidden", f"role {user.role} may not do this; needs "
                               f"{' or '.join(roles)}")
            g.user = user
            return fn(*args, **kwargs)

        return wrapper

    return decorator
