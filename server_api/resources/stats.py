"""Statistics for a period: new, in progress and finished cases per business type and
district; the overdue list; average and longest time per stage."""

from __future__ import annotations

import datetime as dt

from flask import g
from marshmallow import Schema, fields
from sqlalchemy import select

from ..auth import require
from ..jsonio import Blueprint
from ..models import BusinessType, Case, StageLog
from ..schemas import StatsArgs
from ..services import deadline_for, today, workflow_for

blp = Blueprint("stats", __name__, url_prefix="/api/v1/stats", description="Statistics")


class StatsOut(Schema):
    period = fields.Dict()
    by_business_district = fields.List(fields.Dict())
    overdue = fields.List(fields.Dict())
    stage_times = fields.List(fields.Dict())


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@blp.route("", methods=["GET"])
@blp.arguments(StatsArgs, location="query")
@blp.response(200, StatsOut)
@blp.doc(operationId="stats")
@require("reviewer", "leader")
def stats(args):
    s = g.session
    start, end = args["start"], args["end"]
    names = {b.code: b.name for b in s.scalars(select(BusinessType))}
    table: dict[tuple[str, str], dict] = {}
    overdue = []
    for case in s.scalars(select(Case).where(Case.deleted.is_(False))):
        created = _as_date(case.created)
        if created > end:
            continue
        wf = workflow_for(s, case.workflow_version)
        key = (case.business_code, case.district)
        row = table.setdefault(key, {"business_code": key[0], "business_name": names.get(key[0]),
                                     "district": key[1], "new": 0, "in_progress": 0,
                                     "finished": 0})
        if start <= created <= end:
            row["new"] += 1
        finished = case.closed_on is not None and case.closed_on <= end
        if finished and case.closed_on >= start:
            row["finished"] += 1
        elif not finished and case.stage not in wf.final:
            row["in_progress"] += 1
        deadline = deadline_for(s, case)
        if deadline and deadline["status"] == "red" and case.stage not in wf.final:
            overdue.append({"number": case.number, "stage": case.stage, **deadline})
    stage_rows: dict[str, list[float]] = {}
    now = dt.datetime.now(dt.UTC)
    for log in s.scalars(select(StageLog)):
        entered = log.entered if log.entered.tzinfo else log.entered.replace(tzinfo=dt.UTC)
        left = log.left or now
        left = left if left.tzinfo else left.replace(tzinfo=dt.UTC)
        if _as_date(entered) > end or _as_date(left) < start:
            continue
        stage_rows.setdefault(log.stage, []).append((left - entered).total_seconds() / 3600)
    stage_times = [{"stage": k, "count": len(v), "average_hours": round(sum(v) / len(v), 2),
                    "longest_hours": round(max(v), 2)} for k, v in sorted(stage_rows.items())]
    return {"period": {"from": start.isoformat(), "to": end.isoformat(),
                       "today": today().isoformat()},
            "by_business_district": sorted(table.values(),
                                           key=lambda r: (r["business_code"], r["district"])),
            "overdue": sorted(overdue, key=lambda r: r["due"]), "stage_times": stage_times}
