"""Push the outbox, pull the change feed, merge three ways, keep refusals actionable.

Push: each case's operations in order, ``If-Match`` from the case's base (the server copy the
edits were made against), ``Idempotency-Key`` = the operation's id (a retry after a lost answer
changes nothing twice). An accepted operation is marked done and its answer stored as the new
base in one transaction. A 412 merges field by field with the stored base
(``merge.merge``): changes on one side only go through at once, only the same field changed on
both sides becomes a conflict for the officer. Answers that mean "not now" (401, 408, 429, 503,
5xx, a 409 that asks to retry, no network) stop the push and keep everything pending; answers
about the operation itself (rules, locks, validation, rights) refuse that operation with the
server's reason, and the case's other operations that do not depend on it still go out.
Nothing is dropped without the officer saying so (``LocalStore.discard``).

Pull: from the last revision, page by page, each page one transaction that leaves cases with
local changes alone (``LocalStore.put_server_cases``).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

import shapely

from ..errors import RedlineError
from ..store.local_store import CONFLICT, FAILED, PENDING, LocalStore
from .client import (
    ApiClient,
    AuthError,
    ConflictError,
    OfflineError,
    RejectedError,
    RetryLater,
    etag,
)
from .merge import FIELDS, flatten, merge, unflatten_forms

Progress = Callable[[float, str], None]
MERGEABLE = (*FIELDS, "forms")
_PATHS = {"patch": ("PATCH", ""), "parcels": ("PUT", "/parcels"),
          "opinion": ("POST", "/opinions"), "attachment": ("POST", "/attachments"),
          "transition": ("POST", "/transitions")}


@dataclass
class SyncReport:
    pushed: int = 0  # operations the server accepted
    pulled: int = 0  # cases updated from the server
    deleted: int = 0  # cases removed
    merged: list[str] = field(default_factory=list)  # cases merged without a conflict
    conflicts: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # refusals: "number (kind: reason)"
    waiting: list[str] = field(default_factory=list)  # held: duplicates to confirm, …
    removed: list[str] = field(default_factory=list)  # removed on the server, changes kept
    offline: bool = False
    login_required: bool = False
    retry_later: str = ""
    renamed: dict[str, str] = field(default_factory=dict)
    last_revision: int = 0

    @property
    def outstanding(self) -> bool:
        """Something the officer must act on, or could not be sent."""
        return bool(self.conflicts or self.failed or self.waiting or self.removed
                    or self.offline or self.login_required or self.retry_later)

    def summary(self, lang: str = "en") -> str:
        """One line for the CLI and the plugin's message bar, in ``lang`` (en or zh_CN)."""
        if lang != "en":
            return self._summary_zh()
        parts = [f"pushed {self.pushed}", f"pulled {self.pulled} case(s)",
                 f"deleted {self.deleted}"]
        if self.merged:
            parts.append(f"merged with others' changes: {', '.join(self.merged)}")
        if self.conflicts:
            parts.append(f"conflicts: {', '.join(self.conflicts)}")
        if self.failed:
            parts.append(f"refused: {'; '.join(self.failed)}")
        if self.waiting:
            parts.append(f"waiting: {'; '.join(self.waiting)}")
        if self.removed:
            parts.append(f"removed on the server, your changes kept: {', '.join(self.removed)} "
                         "(keep as a new case or drop)")
        if self.login_required:
            parts.append("login expired: log in again, nothing was lost")
        if self.retry_later:
            parts.append(self.retry_later)
        if self.offline:
            parts.append("server not reachable: changes kept for the next sync")
        return "; ".join(parts)

    def _summary_zh(self) -> str:
        parts = [f"已上传 {self.pushed} 项", f"已更新 {self.pulled} 个案卷",
                 f"已删除 {self.deleted} 个"]
        if self.merged:
            parts.append(f"已与他人的修改合并：{'、'.join(self.merged)}")
        if self.conflicts:
            parts.append(f"冲突待处理：{'、'.join(self.conflicts)}")
        if self.failed:
            parts.append(f"被服务器拒绝 {len(self.failed)} 项（在案卷中重试、补充或放弃）")
        if self.waiting:
            parts.append(f"待确认 {len(self.waiting)} 项（疑似重复案卷）")
        if self.removed:
            parts.append(f"服务器已删除但本地有修改：{'、'.join(self.removed)}（另存为新案卷或放弃）")
        if self.login_required:
            parts.append("登录已过期：请重新登录，修改均已保留")
        if self.retry_later:
            parts.append("服务器繁忙：稍后将重试，修改均已保留")
        if self.offline:
            parts.append("无法连接服务器：修改已保留，下次同步时上传")
        return "；".join(parts)


class _Stop(Exception):
    """The whole push stops here (offline, login, busy): everything stays pending."""


def _send(client: ApiClient, store: LocalStore, number: str, op: dict, version: int) -> dict:
    if op["kind"] == "create":
        return client.create_case(op["payload"], op["op_id"])
    method, suffix = _PATHS[op["kind"]]
    return client.write(method, f"/cases/{number}{suffix}", op["payload"],
                        etag(number, version), op["op_id"])


def _ordered(queue: list[dict]) -> list[dict]:
    """The case's operations in the order they were made, except that attachments go before
    workflow steps (a step refused for missing materials goes through once they are there)."""
    first = [o for o in queue if o["kind"] == "create"]
    attachments = [o for o in queue if o["kind"] == "attachment"]
    rest = [o for o in queue if o["kind"] not in ("create", "attachment")]
    return first + attachments + rest


def _depends(op: dict, refused: list[dict]) -> bool:
    """Whether ``op`` cannot go out while ``refused`` operations of its case wait: everything
    waits for a refused create; a workflow step waits for an earlier refused step."""
    kinds = {r["kind"] for r in refused}
    return "create" in kinds or (op["kind"] == "transition" and "transition" in kinds)


def _duplicate_hold(store: LocalStore, number: str, op: dict) -> str | None:
    if op["kind"] != "create" or store.get_state(f"duplicate_ok:{number}"):
        return None
    from .duplicates import possible_duplicates

    found = possible_duplicates(store, number)
    if not found:
        return None
    return (f"{number} looks like {', '.join(found)} (same applicant and project, or the same "
            "red line): confirm it is a new case before it is registered")


def push(store: LocalStore, client: ApiClient, report: SyncReport,
         progress: Progress | None = None) -> None:
    numbers = list(dict.fromkeys(o["case_number"] for o in store.outbox(PENDING)))
    total = max(1, len(numbers))
    try:
        for k, number in enumerate(numbers):
            if progress:
                progress(100.0 * k / total, number)
            _push_case(store, client, number, report)
    except _Stop:
        return


def _push_case(store: LocalStore, client: ApiClient, number: str, report: SyncReport) -> None:
    for _attempt in range(3):  # a merge after a 412 re-queues on the server's copy: again
        case = store.get_case(number)
        if case is None or case.get("conflict"):
            return  # waits for the officer
        queue = [o for o in store.outbox_for(number) if o["status"] == PENDING]
        refused = [o for o in store.outbox_for(number) if o["status"] == FAILED]
        version = case.get("version") or 0
        current = number
        for op in _ordered(queue):
            if _depends(op, refused):
                continue
            hold = _duplicate_hold(store, current, op)
            if hold:
                report.waiting.append(hold)
                return
            try:
                answer = _send(client, store, current, op, version)
            except OfflineError as exc:
                report.offline = True
                raise _Stop from exc
            except AuthError as exc:
                report.login_required = True
                raise _Stop from exc
            except RetryLater as exc:
                report.retry_later = str(exc)
                raise _Stop from exc
            except ConflictError as exc:
                if _merge(store, current, exc.current, report):
                    break  # re-queued on the server's copy: go round again
                return
            except RejectedError as exc:
                store.set_ops([op["op_id"]], FAILED, str(exc))
                refused.append(op)
                report.failed.append(f"{current} ({op['kind']}: {exc})")
                continue
            if op["kind"] == "create":
                store.rename_local(current, answer["number"])
                report.renamed[current] = answer["number"]
                current = answer["number"]
            if answer is not None:
                version = answer["version"]
            store.acknowledge(op["op_id"], answer)
            report.pushed += 1
        else:
            return
    return


def _merge(store: LocalStore, number: str, theirs: dict | None, report: SyncReport) -> bool:
    """After a 412: merge base, mine and theirs. Without a conflict the case's waiting
    operations are rebuilt on the server's copy and True is returned; with one, the case waits
    for the officer (its operations kept, marked conflict) and False is returned."""
    case = store.get_case(number)
    if theirs is None:
        report.conflicts.append(number)
        return False
    base = case.get("base") or theirs
    ops = store.outbox_for(number)
    redline_changed = any(o["kind"] == "parcels" for o in ops)
    mine_parcels = [p.to_api(f"EPSG:{store.epsg}") for p in store.parcels(number)]
    result = merge(base, case, theirs, mine_parcels, redline_changed)
    if not result.clean:
        with store.transaction() as conn:
            conn.execute("UPDATE outbox SET status=?, error=? WHERE case_number=? AND "
                         "status!='done'", (CONFLICT, "the same field changed on the server",
                                            number))
            conn.execute("UPDATE cases SET conflict=? WHERE number=?", (json.dumps({
                "base": base, "theirs": theirs, "conflicts": result.conflicts,
                "redline": result.redline}, ensure_ascii=False), number))
        report.conflicts.append(number)
        return False
    _rebuild(store, number, theirs, result.patch,
             mine_parcels if result.redline == "mine" else None, ops)
    report.merged.append(number)
    return True


def _rebuild(store: LocalStore, number: str, theirs: dict, patch: dict,
             parcels: list[dict] | None, ops: list[dict]) -> None:
    """The case becomes the server's copy with the merged edits on top, queued again: one
    patch, the red line when ours wins, and the other operations as they were."""
    keep = [o for o in ops if o["kind"] not in ("patch", "parcels") and o["status"] != "done"]
    with store.transaction() as conn:
        conn.execute("DELETE FROM outbox WHERE case_number=? AND status!='done'", (number,))
    store.put_server_case(theirs)
    if patch:
        store.update_case(number, patch)
    if parcels:
        store.set_parcels(number, [store.measure(p["number"], p.get("name") or "",
                                                 shapely.geometry.shape(p["geometry"]),
                                                 p.get("declared_area_m2"), p.get("use"))
                                   for p in parcels])
    with store.transaction() as conn:
        for o in keep:
            conn.execute("INSERT INTO outbox (op_id, case_number, kind, base_version, payload, "
                         "created, status, error) VALUES (?,?,?,?,?,?,?,?)",
                         (o["op_id"], number, o["kind"], theirs["version"],
                          json.dumps(o["payload"], ensure_ascii=False), o["created"],
                          o["status"] if o["status"] == FAILED else PENDING, o.get("error")))
        if keep:
            conn.execute("UPDATE cases SET dirty=1 WHERE number=?", (number,))


def pull(store: LocalStore, client: ApiClient, report: SyncReport,
         progress: Progress | None = None, batch: int = 500) -> None:
    """From the last revision on, page by page; the next page is fetched while the current one
    is written. Each page is one transaction followed by the new revision, so an interrupted
    pull resumes where it stopped. When the user's scope (role, district) changed since the
    last sync, the feed is read from the start and cases no longer in it are removed."""
    from concurrent.futures import ThreadPoolExecutor

    scope = [client.user.get(k) for k in ("username", "role", "district")] \
        if getattr(client, "user", None) else None
    rescan = scope is not None and store.get_state("scope") not in (None, scope)
    since = 0 if rescan else store.get_state("last_revision", 0)
    first, seen, counted = since, set(), set()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(client.changes, since, batch)
        while True:
            try:
                feed = pending.result()
            except OfflineError:
                report.offline = True
                return
            except AuthError:
                report.login_required = True
                return
            except RetryLater as exc:
                report.retry_later = str(exc)
                return
            if feed["more"]:
                pending = pool.submit(client.changes, feed["last_revision"], batch)
            latest: dict[str, dict] = {}
            for change in feed["changes"]:
                latest[change["number"]] = change
            upserts = [c["case"] for c in latest.values() if c["op"] != "delete"]
            deletes = [n for n, c in latest.items() if c["op"] == "delete"]
            seen |= {c["number"] for c in upserts}
            done = store.put_server_cases(upserts, deletes)
            counted |= set(done["applied"]) - set(deletes)
            report.deleted += len(set(done["applied"]) & set(deletes))
            report.removed += [n for n in done["removed"] if n not in report.removed]
            since = feed["last_revision"]
            store.set_state("last_revision", since)
            report.last_revision = since
            if progress and feed["changes"]:
                progress(min(99.0, 100.0 * (since - first) / max(1, since - first + batch)),
                         f"revision {since}")
            if not feed["more"]:
                break
    report.pulled = len(counted)
    if rescan:
        gone = [c["number"] for c in store.list_cases()
                if not c.get("local_only") and c["number"] not in seen]
        done = store.put_server_cases([], gone)
        report.deleted += len(done["applied"])
        report.removed += done["removed"]
    if scope is not None:
        store.set_state("scope", scope)


def sync(store: LocalStore, client: ApiClient, progress: Progress | None = None) -> SyncReport:
    report = SyncReport()
    try:
        push(store, client, report, progress)
        if not (report.offline or report.login_required or report.retry_later):
            pull(store, client, report, progress)
        if not (report.offline or report.login_required or report.retry_later):
            try:  # the forms' schemas, so the plugin builds each case's forms offline too
                store.set_state("business_types", client.business_types())
            except (OfflineError, AuthError, RetryLater):
                report.offline = True
        report.removed = sorted(set(report.removed) | set(store.removed_cases()))
        report.conflicts = sorted(set(report.conflicts) | {
            c["number"] for c in store.list_cases() if c.get("conflict")})
        for op in store.outbox(FAILED):
            line = f"{op['case_number']} ({op['kind']}: {op['error']})"
            if line not in report.failed:
                report.failed.append(line)
        store.set_state("last_sync", dt.datetime.now(dt.UTC).isoformat())
        store.set_state("last_report", report.summary())
    except sqlite3.OperationalError as exc:
        raise RedlineError(f"the local store {store.path} is locked by another program "
                           f"({exc}): finish or cancel the editing session there (QGIS: save "
                           "or roll back the parcels layer's edits) and sync again") from exc
    return report


# --- conflicts the officer decides ----------------------------------------------------------
def conflict_view(store: LocalStore, number: str) -> dict:
    """Base, mine and theirs of every field in conflict, and of the red line."""
    case = store.get_case(number)
    info = case.get("conflict") or {}
    theirs = info.get("theirs") or {}
    local_parcels = [p.to_api(f"EPSG:{store.epsg}") for p in store.parcels(number)]
    return {"number": number, "server_version": theirs.get("version"),
            "fields": info.get("conflicts", []), "redline": info.get("redline", "theirs"),
            "base_parcels": (info.get("base") or {}).get("parcels"),
            "mine_parcels": local_parcels, "theirs_parcels": theirs.get("parcels")}


def resolve(store: LocalStore, number: str, choices: dict[str, object],
            geometry: str | None = None) -> None:
    """Resolve a conflict: each field in conflict ``"mine"``, ``"theirs"`` or a value, the red
    line ``"mine"`` or ``"theirs"`` when it is in conflict — every one must be chosen (no
    default that would throw away an edit). The result is queued on the server's copy."""
    case = store.get_case(number)
    info = case.get("conflict") or {}
    theirs = info["theirs"]
    missing = [c["field"] for c in info.get("conflicts", []) if c["field"] not in choices]
    if info.get("redline") == "conflict" and geometry not in ("mine", "theirs"):
        missing.append("red line")
    if missing:
        raise RedlineError(f"choose mine or theirs for: {', '.join(missing)}")
    base = info.get("base") or theirs
    values = flatten(theirs)
    mine = flatten(case)
    for name in set(mine) | set(flatten(base)):
        if mine.get(name) != flatten(base).get(name):
            values[name] = mine.get(name)  # one-sided local changes
    for c in info.get("conflicts", []):
        choice = choices[c["field"]]
        values[c["field"]] = c["mine"] if choice == "mine" else c["theirs"] \
            if choice == "theirs" else choice
    patch = {k: values.get(k) for k in FIELDS if values.get(k) != theirs.get(k)}
    forms = unflatten_forms(values)
    if forms != unflatten_forms(flatten(theirs)):
        patch["forms"] = forms
    ours = info.get("redline") == "mine" or geometry == "mine"
    parcels = [p.to_api(f"EPSG:{store.epsg}") for p in store.parcels(number)] if ours else None
    _rebuild(store, number, theirs, patch, parcels, store.outbox_for(number))
