"""A case's red line: replaced as a whole (a new version each time, earlier versions kept and
readable), validated, measured and stored from one ring structure."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from ..auth import require
from ..errors import ApiError
from ..http import load_case, reader
from ..jsonio import Blueprint
from ..models import RedlineVersion, User
from ..schemas import CaseOut, ParcelsIn, RedlineOut, RedlineVersionOut, VersionArgs
from ..services import build_parcels, iso, redline_text, store_redline, workflow_for
from .cases import WRITE_ERRORS, _respond, _write, doc, require_editable, require_editor

blp = Blueprint("redlines", __name__, url_prefix="/api/v1/cases",
                description="Red lines and their versions")


@blp.route("/<string:number>/parcels", methods=["PUT"])
@blp.arguments(ParcelsIn)
@blp.response(200, CaseOut)
@blp.doc(**doc("putParcels", *WRITE_ERRORS, links=200, headers=True))
@require("officer", "reviewer")
def put_parcels(data, number):
    """Store the case's red line (红线入库) as a new version: areas and validity come from
    ``core``; a red line with an error finding (self-intersection, hole outside its shell,
    overlapping parts, ring not closed, 3-D coordinates, outside the zone …) is refused with
    the findings and nothing is stored."""
    from ..http import commit_change

    rows, versions, _findings = build_parcels(data["parcels"])  # before the write lock
    text = redline_text(versions)
    case, replay = _write(number)
    if replay is not None:
        return replay
    s = g.session
    wf = workflow_for(s, case.workflow_version)
    require_editable(case, wf, "red line")
    require_editor(case, wf)
    detail = store_redline(s, case, rows, versions, data["reason"], text)
    return commit_change(s, case, "parcels", detail, _respond(case))


def _version_dict(v: RedlineVersion, users: dict, parcels: bool) -> dict:
    out = {"version": v.version, "created": iso(v.created), "author": users.get(v.author_id),
           "reason": v.reason, "sha256": v.sha256, "parcel_count": v.parcel_count,
           "area_m2": v.area_m2}
    if parcels:
        out["parcels"] = v.parcels
    return out


def _users(s, ids) -> dict:
    ids = {i for i in ids if i is not None}
    return dict(s.execute(select(User.id, User.username).where(User.id.in_(ids))).all()) \
        if ids else {}


@blp.route("/<string:number>/parcels", methods=["GET"])
@blp.arguments(VersionArgs, location="query")
@blp.response(200, RedlineOut)
@blp.doc(**doc("getParcels", 401, 404, 422))
@require()
def get_parcels(args, number):
    """One version of the red line (default: the current one) with its parcels, areas and
    hash."""
    s = reader()
    case = load_case(s, number)
    wanted = args.get("version") or case.redline_version
    v = s.get(RedlineVersion, (case.id, wanted)) if wanted else None
    if v is None:
        raise ApiError(404, "Not Found", f"case {number} has no red-line version {wanted} "
                       f"(it has 1 to {case.redline_version})" if case.redline_version else
                       f"case {number} has no red line yet")
    return _version_dict(v, _users(s, [v.author_id]), True)


@blp.route("/<string:number>/parcels/versions", methods=["GET"])
@blp.response(200, RedlineVersionOut(many=True))
@blp.doc(**doc("listRedlineVersions", 401, 404))
@require()
def versions(number):
    """Every red line the case had: who, when, why, parcels, area and hash."""
    s = reader()
    case = load_case(s, number)
    rows = s.scalars(select(RedlineVersion).where(RedlineVersion.case_id == case.id)
                     .order_by(RedlineVersion.version)).all()
    users = _users(s, [v.author_id for v in rows])
    return [_version_dict(v, users, False) for v in rows]
