"""HTTP helpers shared by the resources: sessions, JSON responses, ETag / If-Match,
Idempotency-Key, and ``commit_change``, the one way a case change is committed.

A write request has two sessions: ``reader()`` for everything before the write (the token,
look-ups, validation), and ``g.session`` for the write itself; on SQLite the write session
takes the database's write lock at its first statement, so the lock is held only while the
change is written, not while a large red line is parsed and measured."""

from __future__ import annotations

import hashlib
import json

from flask import Response, g, request
from sqlalchemy import Integer, String, bindparam, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from .auth import Caller, CaseKey
from .errors import ApiError
from .jsonio import dumps
from .models import AuditEntry, Case, Change, IdempotencyRecord, ServerState, utcnow


def reader():
    """The request's read session (opened on first use, closed at teardown)."""
    if "reader" not in g:
        g.reader = g.readers()
    return g.reader


def single():
    """The request's connection for reads of one statement, in autocommit (see
    ``db.single_statement_engine``); opened on first use, closed at teardown."""
    if "single" not in g:
        g.single = g.single_engine.connect()
    return g.single


def json_response(schema, data, status: int = 200, headers: dict | None = None) -> Response:
    """``data`` dumped by ``schema`` (None: already dumped) as a JSON response."""
    body = dumps(schema.dump(data) if schema is not None else data)
    resp = Response(body, status=status, mimetype="application/json")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def visible(user: Caller, case: Case | None, deleted_too: bool = False) -> bool:
    """Officers see their own district's cases (an officer without a district sees none);
    reviewers, leaders and admins see all. Deleted cases only where ``deleted_too`` (their
    audit, for reviewers, leaders and admins)."""
    if case is None or (case.deleted and not (deleted_too and user.role != "officer")):
        return False
    return user.role != "officer" or (user.district is not None
                                      and user.district == case.district)


def load_case(session, number: str, for_update: bool = False,
              deleted_too: bool = False) -> Case:
    query = select(Case).where(Case.number == number)
    if for_update:
        # the row as it is once locked, not as an earlier read of this session saw it
        query = query.with_for_update().execution_options(populate_existing=True)
    case = session.scalar(query)
    if not visible(g.user, case, deleted_too):
        raise ApiError(404, "Not Found", f"no case {number}")
    return case


def case_key(number: str) -> CaseKey | None:
    """The case's key row (None: no such case), fetched with the caller's token: ``require``
    does so for every path that names a case."""
    fetched, key = g.case_key
    assert fetched == number, "case_key() outside a request about that case"
    return key


def etag(case: Case | CaseKey) -> str:
    return f'"{case.number}-{case.version}"'


def check_if_match(case: Case, current: dict) -> None:
    """428 without If-Match; 412 with the current state when it is stale."""
    from .schemas import CaseOut

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


_AUDIT = insert(AuditEntry.__table__)
_CHANGE = insert(Change.__table__)
_state = ServerState.__table__.c
_NEXT_REVISION = (update(ServerState.__table__).where(_state.id == 1)
                  .values(revision=_state.revision + 1).returning(_state.revision))
_cases = Case.__table__.c
_SET_REVISION = update(Case.__table__).where(_cases.id == bindparam("case_id")).values(
    number=bindparam("number"), revision=bindparam("revision"), updated=bindparam("updated"))


def _finish_in_one_statement():
    """PostgreSQL: the audit entry, the next revision, its change-feed row and the case's new
    number/revision/time in one statement (data-modifying CTEs). From the revision row's lock
    to the commit is then one round trip, not four: under load each round trip waits for the
    GIL and the CPU, and every other writer waits for that lock."""
    audit_c, change_c = AuditEntry.__table__.c, Change.__table__.c
    rev = _NEXT_REVISION.cte("rev")
    audited = insert(AuditEntry.__table__).values(
        at=bindparam("p_at", type_=audit_c.at.type),
        user_id=bindparam("p_user", type_=Integer), case_id=bindparam("p_case", type_=Integer),
        action=bindparam("p_action", type_=String),
        detail=bindparam("p_detail", type_=audit_c.detail.type)).cte("audited")
    fed = insert(Change.__table__).from_select(
        [change_c.revision, change_c.case_id, change_c.number, change_c.district, change_c.op],
        select(rev.c.revision, bindparam("p_case", type_=Integer),
               bindparam("p_number", type_=String), bindparam("p_district", type_=String),
               bindparam("p_op", type_=String))).cte("fed")
    moved = update(Case.__table__).where(_cases.id == bindparam("p_case", type_=Integer)).values(
        number=bindparam("p_number", type_=String),
        revision=select(rev.c.revision).scalar_subquery(),
        updated=bindparam("p_at", type_=_cases.updated.type)).cte("moved")
    return select(rev.c.revision).add_cte(audited, fed, moved)


_FINISH_PG = _finish_in_one_statement()


def _audit_values(action: str, detail: dict, case_id: int | None) -> dict:
    user = getattr(g, "user", None)
    return {"at": utcnow(), "user_id": user.id if user else None, "case_id": case_id,
            "action": action,
            "detail": json.loads(json.dumps(detail, default=str, ensure_ascii=False))}


def audit(session, action: str, detail: dict, case_id: int | None = None) -> None:
    """An audit entry in the change's own transaction (old and new values in ``detail``)."""
    session.connection().execute(_AUDIT, _audit_values(action, detail, case_id))


def commit_change(session, case: Case, action: str, detail: dict, respond,
                  op: str = "upsert"):
    """Audit, change feed, revision and the idempotency record in the change's own
    transaction; the revision is taken last, so revisions follow commit order.
    ``respond()`` builds the response once the revision is known: inside the transaction when
    the request has an Idempotency-Key (its response is stored with the change), after the
    commit otherwise, so that rendering a large red line does not hold SQLite's write lock."""
    from sqlalchemy.exc import IntegrityError

    # the case's own rows first (a large red line is written here), then the revision: its
    # row stays locked until the commit, so it is held as briefly as can be
    session.flush()
    conn = session.connection()
    entry = _audit_values(action, detail, case.id)
    now = entry["at"]
    if conn.dialect.name == "postgresql":
        revision = conn.execute(_FINISH_PG, {
            "p_at": now, "p_user": entry["user_id"], "p_case": case.id, "p_action": action,
            "p_detail": entry["detail"], "p_number": case.number, "p_district": case.district,
            "p_op": op}).scalar_one()
    else:  # SQLite: no data-modifying CTEs, and its statements cost no round trip
        conn.execute(_AUDIT, entry)
        revision = conn.execute(_NEXT_REVISION).scalar_one()
        conn.execute(_CHANGE, {"revision": revision, "case_id": case.id,
                               "number": case.number, "district": case.district, "op": op})
        # number (new for a created case), revision and time in one statement
        conn.execute(_SET_REVISION, {"case_id": case.id, "number": case.number,
                                     "revision": revision, "updated": now})
    set_committed_value(case, "revision", revision)
    set_committed_value(case, "updated", now)
    keyed = getattr(g, "idempotency", None) is not None
    if keyed:
        response = respond()
        remember(session, response)
    else:
        for name in ("parcels", "opinions", "attachments"):
            getattr(case, name)  # loaded now, not by a lazy load after the commit
    try:
        session.commit()
    except IntegrityError:
        # the same Idempotency-Key committed concurrently (PostgreSQL): answer as it did
        session.rollback()
        replay = replay_if_seen(session)
        if replay is not None:
            return replay
        raise ApiError(409, "Conflict", "a concurrent change got there first: retry") from None
    return response if keyed else respond()


def commit_admin(session, action: str, detail: dict) -> None:
    """An admin change (workflow, rules, business types, calendar, users): audited with old
    and new values, and the configuration revision bumped so every worker reloads."""
    audit(session, action, detail)
    session.execute(update(ServerState).where(ServerState.id == 1)
                    .values(config_revision=ServerState.config_revision + 1))
    session.commit()
