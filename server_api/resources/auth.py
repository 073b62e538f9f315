from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ..auth import check_login, issue_token
from ..schemas import LoginIn, TokenOut

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Log in")


@blp.route("/token", methods=["POST"])
@blp.arguments(LoginIn)
@blp.response(200, TokenOut)
def login(data):
    """Exchange user name and password for a bearer token."""
    user = check_login(g.session, data["username"], data["password"])
    token, expires = issue_token(g.session, user)
    g.session.commit()
    return {"token": token, "expires": expires, "user": user}
