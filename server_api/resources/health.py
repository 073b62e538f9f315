from __future__ import annotations

from flask import g
from marshmallow import Schema, fields
from sqlalchemy import text

from ... import __version__
from ..jsonio import Blueprint

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Liveness")


class HealthOut(Schema):
    status = fields.String()
    version = fields.String()
    database = fields.String()


@blp.route("/health")
@blp.response(200, HealthOut)
@blp.doc(security=[], operationId="health")
def health():
    """No authentication: for load balancers and the plugin's connection test."""
    g.session.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__,
            "database": g.session.get_bind().dialect.name}
