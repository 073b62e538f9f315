"""The change feed for sync: revisions follow commit order; deleted cases are tombstones."""

from __future__ import annotations

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth import require
from ..http import visible
from ..jsonio import Blueprint
from ..models import Case, Change
from ..schemas import ChangesArgs, ChangesOut
from ..services import case_dict

blp = Blueprint("changes", __name__, url_prefix="/api/v1/changes",
                description="Incremental sync")


@blp.route("", methods=["GET"])
@blp.arguments(ChangesArgs, location="query")
@blp.response(200, ChangesOut)
@blp.doc(operationId="changes")
@require()
def changes(args):
    """Changes after revision ``since``, oldest first; each case once, at its newest revision.

    Resume by passing the returned ``last_revision`` as the next ``since``."""
    s = g.session
    rows = s.scalars(select(Change).where(Change.revision > args["since"])
                     .order_by(Change.revision).limit(args["limit"] + 1)).all()
    more = len(rows) > args["limit"]
    rows = rows[: args["limit"]]
    latest: dict[int, Change] = {}
    for row in rows:
        latest[row.case_id] = row
    user = g.user
    out = []
    cases = {c.id: c for c in s.scalars(
        select(Case).where(Case.id.in_(list(latest)))
        .options(selectinload(Case.parcels), selectinload(Case.opinions),
                 selectinload(Case.attachments)))}
    for row in sorted(latest.values(), key=lambda r: r.revision):
        case = cases.get(row.case_id)
        if user.role == "officer" and row.district != user.district:
            continue
        if row.op == "delete" or case is None or case.deleted:
            out.append({"revision": row.revision, "op": "delete", "number": row.number,
                        "case": None})
        elif visible(user, case):
            out.append({"revision": row.revision, "op": "upsert", "number": row.number,
                        "case": case_dict(s, case)})
    last = rows[-1].revision if rows else args["since"]
    return {"changes": out, "last_revision": last, "more": more}
