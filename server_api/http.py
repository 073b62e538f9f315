"""HTTP helpers shared by the resources: JSON responses, ETag / If-Match, Idempotency-Key."""

from __future__ import annotations

import hashlib
import json

from flask import Response, g, request
from sqlalchemy import select

from .errors import ApiError
from .models import Case, IdempotencyRecord


def json_response(schema, data, status: int = 200, headers: dict | None = None) -> Response:
    body = json.dumps(schema.dump(data), ensure_ascii=False)
    resp = Response(body, status=status, mimetype="application/json")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def visible(user, case: Case | None) -> bool:
    """Officers see their district's cases; reviewers, leaders and admins see all."""
    if case is None or case.deleted:
        return False
    return user.role != "officer" or user.district in (None, case.district)


def load_case(session, number: str, for_update: bool = False) -> Case:
    query = select(Case).where(Case.number == number)
    if for_update:
        query = query.with_for_update()
    case = session.scalar(query)
    if not visible(g.user, case):
        raise ApiError(404, "Not Found", f"no case {number}")
    return case


def check_if_match(case: Case, current: dict) -> None:
    """428 without If-Match; 412 with the current state when it is stale."""
    from .schemas import CaseOut
    from .services import etag

    wanted = request.headers.get("If-Match")
    if not wanted:
        raise ApiError(428, "Precondition Required", "send If-Match with the case's ETag")
    tags = [t.strip() for t in wanted.split(",")]
    if "*" not in tags and etag(case) not in tags:
        raise ApiError(412, "Precondition Failed",
                       f"the case changed: it is now version {case.version}; merge and retry "
                       "with the new ETag", current=CaseOut().dump(current),
                       headers={"ETag": etag(case)})


def request_fingerprint() -> str:
    h = hashlib.sha256()
    h.update(request.method.encode())
    h.update(request.path.encode())
    h.update(request.headers.get("If-Match", "").encode())
    h.update(request.get_data())
    return h.hexdigest()


def replay_if_seen(session) -> Response | None:
    """A repeated Idempotency-Key gets the first response again and changes nothing."""
    key = request.headers.get("Idempotency-Key")
    if not key:
        return None
    if len(key) > 100:
        raise ApiError(400, "Bad Request", "Idempotency-Key is longer than 100 characters")
    record = session.get(IdempotencyRecord, (key, g.user.id))
    if record is None:
        g.idempotency = (key, request_fingerprint())
        return None
    if record.request_hash != request_fingerprint():
        raise ApiError(422, "Idempotency-Key reused",
                       "this key was used for a different request: use a new key")
    resp = Response(record.body, status=record.status, mimetype="application/json")
    for k, v in record.headers.items():
        resp.headers[k] = v
    resp.headers["Idempotent-Replayed"] = "true"
    return resp


def remember(session, response: Response) -> None:
    """Stores the response under the request's key, in the change's own transaction."""
    pending = getattr(g, "idempotency", None)
    if pending is None:
        return
    key, fingerprint = pending
    headers = {k: v for k, v in response.headers.items() if k in ("ETag", "Location")}
    session.add(IdempotencyRecord(key=key, user_id=g.user.id, request_hash=fingerprint,
                                  status=response.status_code,
                                  body=response.get_data(as_text=True), headers=headers))
