"""Push the outbox, pull the change feed, and resolve conflicts field by field.

Push: each case's operations in order, If-Match with the version we hold, Idempotency-Key =
the operation's id (so a retry after a lost answer changes nothing twice). A 412 stops that
case's queue only and keeps the server's state beside ours for the officer; a refusal (rules,
validation) stops that case's queue too and says why. Nothing is dropped. Pull: from the last
revision, resumable; cases with local changes waiting are not overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import shapely

from ..store.local_store import CONFLICT, FAILED, PENDING, LocalStore
from .client import ApiClient, ConflictError, OfflineError, RejectedError, etag

Progress = Callable[[float, str], None]
MERGEABLE = ("applicant", "location", "project_tag", "forms", "handler")


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    deleted: int = 0
    conflicts: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    offline: bool = False
    renamed: dict[str, str] = field(default_factory=dict)
    last_revision: int = 0

    def summary(self) -> str:
        parts = [f"pushed {self.pushed}", f"pulled {self.pulled}", f"deleted {self.deleted}"]
        if self.conflicts:
            parts.append(f"conflicts: {', '.join(self.conflicts)}")
        if self.failed:
            parts.append(f"refused: {', '.join(self.failed)}")
        if self.offline:
            parts.append("server not reachable: changes kept for the next sync")
        return "; ".join(parts)


_PATHS = {"patch": ("PATCH", ""), "parcels": ("PUT", "/parcels"),
          "opinion": ("POST", "/opinions"), "attachment": ("POST", "/attachments"),
          "transition": ("POST", "/transitions")}


def _set_op(store: LocalStore, op_ids: list[str], status: str, error: str | None) -> None:
    with store.transaction() as conn:
        conn.executemany("UPDATE outbox SET status=?, error=? WHERE op_id=?",
                         [(status, error, op) for op in op_ids])


def _rename(store: LocalStore, old: str, new: str) -> None:
    with store.transaction() as conn:
        conn.execute("UPDATE cases SET number=?, local_only=0 WHERE number=?", (new, old))
        conn.execute("UPDATE parcels SET case_number=? WHERE case_number=?", (new, old))
        conn.execute("UPDATE outbox SET case_number=? WHERE case_number=?", (new, old))


def push(store: LocalStore, client: ApiClient, report: SyncReport,
         progress: Progress | None = None) -> None:
    ops = store.outbox(PENDING)
    by_case: dict[str, list[dict]] = {}
    for op in ops:
        by_case.setdefault(op["case_number"], []).append(op)
    done = 0
    for number, queue in by_case.items():
        blocked = {o["case_number"] for o in store.outbox(CONFLICT) + store.outbox(FAILED)}
        if number in blocked:
            continue  # an earlier operation of this case waits for the officer
        version = (store.get_case(number) or {}).get("version") or 0
        current = number
        last_state = None
        for i, op in enumerate(queue):
            if progress:
                progress(100.0 * done / max(1, len(ops)), f"{current}: {op['kind']}")
            try:
                if op["kind"] == "create":
                    last_state = client.create_case(op["payload"], op["op_id"])
                    _rename(store, current, last_state["number"])
                    report.renamed[current] = last_state["number"]
                    current = last_state["number"]
                else:
                    method, suffix = _PATHS[op["kind"]]
                    last_state = client.write(method, f"/cases/{current}{suffix}", op["payload"],
                                              etag(current, version), op["op_id"])
                version = last_state["version"]
                _set_op(store, [op["op_id"]], "done", None)
                with store.transaction() as conn:
                    conn.execute("UPDATE cases SET version=? WHERE number=?", (version, current))
                report.pushed += 1
                done += 1
            except OfflineError:
                report.offline = True
                return
            except ConflictError as exc:
                rest = [o["op_id"] for o in queue[i:]]
                _set_op(store, rest, CONFLICT, str(exc))
                with store.transaction() as conn:
                    conn.execute("UPDATE cases SET conflict=? WHERE number=?",
                                 (json.dumps(exc.current, ensure_ascii=False), current))
                report.conflicts.append(current)
                last_state = None
                break
            except RejectedError as exc:
                rest = [o["op_id"] for o in queue[i:]]
                _set_op(store, [rest[0]], FAILED, str(exc))
                _set_op(store, rest[1:], FAILED, "waits for an earlier refused operation")
                report.failed.append(f"{current} ({op['kind']}: {exc})")
                last_state = None
                break
        if last_state is not None and not store.outbox_for(current):
            store.put_server_case(last_state)


def pull(store: LocalStore, client: ApiClient, report: SyncReport,
         progress: Progress | None = None, batch: int = 500) -> None:
    """From the last revision on, page by page; the next page is fetched while the current one
    is written. Each page is one transaction followed by the new revision, so an interrupted
    pull resumes where it stopped."""
    from concurrent.futures import ThreadPoolExecutor

    since = store.get_state("last_revision", 0)
    first = since
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(client.changes, since, batch)
        while True:
            try:
                feed = pending.result()
            except OfflineError:
                report.offline = True
                return
            if feed["more"]:
                pending = pool.submit(client.changes, feed["last_revision"], batch)
            waiting = store.cases_with_local_changes()
            upserts, deletes = [], []
            for change in feed["changes"]:
                if change["number"] in waiting:
                    continue  # local edits wait to be pushed; the server copy comes with them
                if change["op"] == "delete":
                    deletes.append(change["number"])
                else:
                    upserts.append(change["case"])
            store.put_server_cases(upserts, deletes)
            report.pulled += len(upserts)
            report.deleted += len(deletes)
            since = feed["last_revision"]
            store.set_state("last_revision", since)
            report.last_revision = since
            if progress and feed["changes"]:
                progress(min(99.0, 100.0 * (since - first) / max(1, since - first + batch)),
                         f"revision {since}")
            if not feed["more"]:
                break


def sync(store: LocalStore, client: ApiClient, progress: Progress | None = None) -> SyncReport:
    report = SyncReport()
    push(store, client, report, progress)
    if not report.offline:
        pull(store, client, report, progress)
    if not report.offline:
        try:  # the forms' schemas, so the plugin builds each case's forms offline too
            store.set_state("business_types", client.business_types())
        except OfflineError:
            report.offline = True
    store.set_state("last_sync", dt.datetime.now(dt.UTC).isoformat())
    store.set_state("last_report", report.summary())
    return report


def conflict_view(store: LocalStore, number: str) -> dict:
    """Local and server values side by side for a case in conflict: fields and geometry."""
    case = store.get_case(number)
    server = case.get("conflict") or {}
    mine = {k: case.get(k) for k in MERGEABLE}
    for op in store.outbox_for(number):
        if op["kind"] == "patch":
            mine.update(op["payload"])
    local_parcels = [p.to_api(f"EPSG:{store.epsg}") for p in store.parcels(number)]
    geometry_changed = any(o["kind"] == "parcels" for o in store.outbox_for(number))
    fields = [{"field": k, "mine": mine.get(k), "theirs": server.get(k),
               "differs": mine.get(k) != server.get(k)} for k in MERGEABLE]
    return {"number": number, "fields": fields, "server_version": server.get("version"),
            "mine_parcels": local_parcels if geometry_changed else None,
            "theirs_parcels": server.get("parcels")}


def resolve(store: LocalStore, number: str, choices: dict[str, object],
            geometry: str = "theirs") -> None:
    """Resolve a conflict: per field ``"mine"``, ``"theirs"`` or a merged value; the red line
    ``"mine"`` or ``"theirs"``. The result is queued on top of the server's version."""
    view = conflict_view(store, number)
    server = store.get_case(number)["conflict"]
    patch = {}
    for f in view["fields"]:
        choice = choices.get(f["field"], "theirs")
        value = f["mine"] if choice == "mine" else f["theirs"] if choice == "theirs" else choice
        if value != f["theirs"]:
            patch[f["field"]] = value
    others = [o for o in store.outbox_for(number)
              if o["kind"] not in ("patch", "parcels")]
    mine_parcels = view["mine_parcels"]
    with store.transaction() as conn:
        conn.execute("DELETE FROM outbox WHERE case_number=? AND status IN (?, ?)",
                     (number, CONFLICT, PENDING))
    store.put_server_case(server)
    if patch:
        store.update_case(number, patch)
    if geometry == "mine" and mine_parcels:
        parcels = [store.measure(p["number"], p["name"], shapely.geometry.shape(p["geometry"]),
                                 p["declared_area_m2"], p.get("use")) for p in mine_parcels]
        store.set_parcels(number, parcels)
    with store.transaction() as conn:
        for o in others:
            conn.execute("INSERT INTO outbox (op_id, case_number, kind, base_version, payload, "
                         "created, status) VALUES (?,?,?,?,?,?,?)",
                         (o["op_id"], number, o["kind"], server["version"],
                          json.dumps(o["payload"], ensure_ascii=False), o["created"], PENDING))
