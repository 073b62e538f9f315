"""Log in and out, change one's password."""

from __future__ import annotations

from flask import Response, g
from sqlalchemy import select
from werkzeug.security import check_password_hash

from ..auth import (
    bearer,
    check_password_rules,
    hash_password,
    hash_token,
    issue_token,
    normalise,
    prune,
    record_failure,
    require,
    revoke_tokens,
    throttled,
    verify_login,
)
from ..errors import ApiError
from ..http import audit, reader
from ..jsonio import Blueprint
from ..models import Token, User
from ..schemas import LoginIn, PasswordIn, TokenOut
from .cases import doc

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Log in and out")


@blp.route("/token", methods=["POST"])
@blp.arguments(LoginIn)
@blp.response(200, TokenOut)
@blp.doc(security=[], **doc("login", 400, 401, 422, 429, 503))
def login(data):
    """Exchange user name and password for a bearer token. Too many failures for a user name
    or from an address answer 429 with Retry-After."""
    name = normalise(data["username"])
    r = reader()
    wait = throttled(r, name)
    if wait:
        raise ApiError(429, "Too Many Requests", f"too many failed logins: try again in {wait} "
                       "s", headers={"Retry-After": str(wait)})
    user = verify_login(r, name, data["password"])  # the slow hash, outside the write lock
    s = g.session
    if user is None:
        record_failure(s, name)
        s.commit()
        raise ApiError(401, "Unauthorized", "wrong user name or password")
    prune(s)
    token, expires = issue_token(s, user)
    s.commit()
    return {"token": token, "expires": expires.isoformat(), "user": user}


@blp.route("/token", methods=["DELETE"])
@blp.response(204)
@blp.doc(**doc("logout", 401))
@require()
def logout():
    """Log out: this token stops working at once."""
    s = g.session
    row = s.get(Token, hash_token(bearer()))
    if row is not None:
        s.delete(row)
    s.commit()
    return Response(status=204)


@blp.route("/password", methods=["POST"])
@blp.arguments(PasswordIn)
@blp.response(204)
@blp.doc(**doc("changePassword", 401, 422))
@require()
def change_password(data):
    """Change one's own password; every token of the user is revoked (log in again)."""
    # read before the write transaction: the hash check takes a while
    current = reader().scalar(select(User.password_hash).where(User.id == g.user.id))
    if not check_password_hash(current, data["old_password"]):
        raise ApiError(422, "Wrong password", "the old password is not right")
    check_password_rules(data["new_password"])
    new_hash = hash_password(data["new_password"])
    s = g.session
    user = s.get(User, g.user.id)
    user.password_hash = new_hash
    revoke_tokens(s, user.id)
    audit(s, "user:password", {"user": user.username})
    s.commit()
    return Response(status=204)
