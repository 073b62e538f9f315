"""Users, roles and bearer tokens (stored hashed, server side)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from flask import current_app, g, request
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import ApiError
from .models import Token, User, utcnow

ROLES = ("officer", "reviewer", "leader", "admin")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:60000")


def issue_token(session, user: User) -> tuple[str, dt.datetime]:
    token = secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(hours=current_app.config["TOKEN_HOURS"])
    session.add(Token(token_hash=hash_token(token), user_id=user.id, expires=expires))
    return token, expires


def check_login(session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        raise ApiError(401, "Unauthorized", "wrong user name or password")
    return user


def _current_user(session) -> User:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise ApiError(401, "Unauthorized", "send Authorization: Bearer <token> "
                       "(POST /api/v1/auth/token)", headers={"WWW-Authenticate": "Bearer"})
    row = session.get(Token, hash_token(header[7:].strip()))
    expires = row.expires if row is not None else None
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.UTC)  # SQLite drops the zone
    if row is None or expires < utcnow() or not row.user.active:
        raise ApiError(401, "Unauthorized", "the token is unknown or expired: log in again",
                       headers={"WWW-Authenticate": "Bearer"})
    return row.user


def require(*roles: str):
    """The endpoint needs a logged-in user with one of ``roles`` (any role when empty)."""

    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            user = _current_user(g.session)
            if roles and user.role not in roles and user.role != "admin":
                raise ApiError(403, "Forbidden", f"role {user.role} may not do this; needs "
                               f"{' or '.join(roles)}")
            g.user = user
            return fn(*args, **kwargs)

        return wrapper

    return decorator
