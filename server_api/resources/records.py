"""The approval record of a case as one JSON document: its content, every red-line version,
the signatures with what they signed, the audit, and hashes that ``redline verify-record``
checks offline (``core.approval.record``)."""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, fields
from sqlalchemy import select

from ...core.approval.record import RECORD_FORMAT, sha256
from ..auth import require
from ..http import load_case, reader
from ..jsonio import Blueprint
from ..models import AuditEntry, RedlineVersion, User
from ..services import case_content, case_content_sha, iso, signatures, workflow_for
from .cases import doc

blp = Blueprint("records", __name__, url_prefix="/api/v1/cases",
                description="The approval record, for archiving and offline verification")


class RecordOut(Schema):
    format = fields.String()
    exported_at = fields.String(metadata={"format": "date-time"})
    case = fields.Dict()
    content_sha256 = fields.String()
    redline_versions = fields.List(fields.Dict())
    signature_chain = fields.List(fields.Dict())
    signatures = fields.List(fields.Dict())
    audit = fields.List(fields.Dict())
    record_sha256 = fields.String()


@blp.route("/<string:number>/record", methods=["GET"])
@blp.response(200, RecordOut)
@blp.doc(**doc("getRecord", 401, 404))
@require()
def record(number):
    """The case's record. ``record_sha256`` covers everything else in it; each red-line
    version, the content and each signature carry their own SHA-256."""
    s = reader()
    case = load_case(s, number)
    wf = workflow_for(s, case.workflow_version)
    versions = s.scalars(select(RedlineVersion).where(RedlineVersion.case_id == case.id)
                         .order_by(RedlineVersion.version)).all()
    entries = s.execute(select(AuditEntry, User.username)
                        .outerjoin(User, User.id == AuditEntry.user_id)
                        .where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)).all()
    ids = {v.author_id for v in versions} | {case.handler_id}
    users = dict(s.execute(select(User.id, User.username).where(User.id.in_(
        [i for i in ids if i is not None]))).all())
    body = {
        "format": RECORD_FORMAT,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "case": {**case_content(case), "stage": case.stage,
                 "stage_history": list(case.stage_history),
                 "workflow_version": case.workflow_version,
                 "redline_version": case.redline_version,
                 "handler": users.get(case.handler_id),
                 "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
                 "closed_on": case.closed_on.isoformat() if case.closed_on else None},
        "content_sha256": case_content_sha(s, case),
        "redline_versions": [{"version": v.version, "created": iso(v.created),
                              "author": users.get(v.author_id), "reason": v.reason,
                              "sha256": v.sha256, "area_m2": v.area_m2, "parcels": v.parcels}
                             for v in versions],
        "signature_chain": wf.signatures,
        "signatures": signatures(s, case, wf),
        "audit": [{"at": iso(a.at), "user": name, "action": a.action, "detail": a.detail}
                  for a, name in entries],
    }
    body["record_sha256"] = sha256(body)
    return body
