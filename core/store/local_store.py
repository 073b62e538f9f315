"""The local store: cases, parcels (a GeoPackage layer QGIS draws), and the outbox of
operations waiting for the server.

The plugin shows ``parcels`` and ``cases`` as ordinary QGIS layers; this module reads and
writes them through sqlite3 (WAL, so QGIS keeps reading while we write) and never through Qt,
so the ``redline sync`` CLI and the tests use the same code.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS

from ..errors import RedlineError
from ..geodesy.transforms import make_transform, parse_crs
from ..redline.area import ellipsoidal_area, planar_area
from ..redline.model import parcel_from_geometry
from ..redline.validate import ERROR, validate_parcels
from .gpkg import from_blob, register_functions, to_blob

CASE_FIELDS = [
    ("number", "str"), ("business_code", "str"), ("business_name", "str"), ("district", "str"),
    ("applicant", "str"), ("location", "str"), ("project_tag", "str"), ("stage", "str"),
    ("stage_name", "str"), ("section", "str"), ("handler", "str"), ("accepted_on", "str"),
    ("deadline_due", "str"), ("deadline_status", "str"), ("version", "int"),
    ("server_revision", "int"), ("forms", "json"), ("opinions", "json"),
    ("attachments", "json"), ("transitions", "json"), ("created", "str"), ("updated", "str"),
    ("local_only", "int"), ("dirty", "int"), ("conflict", "json"),
    # the server copy local edits are made against (for the three-way merge), and whether the
    # server removed a case that has local changes
    ("base", "json"), ("removed", "int"),
]
PARCEL_FIELDS = [
    ("case_number", "str"), ("number", "str"), ("name", "str"), ("declared_area_m2", "float"),
    ("planar_area_m2", "float"), ("ellipsoidal_area_m2", "float"), ("valid", "int"),
    ("srid", "int"), ("use", "str"),
]
OUTBOX_FIELDS = [
    ("op_id", "str"), ("case_number", "str"), ("kind", "str"), ("base_version", "int"),
    ("payload", "json"), ("created", "str"), ("status", "str"), ("error", "str"),
]
STATE_FIELDS = [("key", "str"), ("value", "str")]
JSON_FIELDS = {n for n, t in CASE_FIELDS + OUTBOX_FIELDS if t == "json"}
PENDING, CONFLICT, FAILED = "pending", "conflict", "failed"  # failed: refused by the server
# what the officer edits locally; the rest of a case is the server's
MERGED_FIELDS = {"applicant", "location", "project_tag", "forms", "handler"}


@dataclass
class StoredParcel:
    case_number: str
    number: str
    name: str
    geometry: object
    declared_area_m2: float | None
    planar_area_m2: float
    ellipsoidal_area_m2: float
    valid: bool
    srid: int
    fid: int | None = None
    use: str | None = None  # 地块用途; the case's intended use applies when None

    def to_api(self, crs: str) -> dict:
        return {"number": self.number, "name": self.name, "crs": crs,
                "geometry": shapely.geometry.mapping(self.geometry),
                "declared_area_m2": self.declared_area_m2, "use": self.use}


def _create(path: Path, epsg: int) -> None:
    from osgeo import gdal, ogr, osr

    gdal.UseExceptions()
    gdal.AllRegister()  # a QGIS that has exited in this process unregistered the drivers
    kinds = {"str": ogr.OFTString, "int": ogr.OFTInteger64, "float": ogr.OFTReal,
             "json": ogr.OFTString}
    tmp = path.with_suffix(".part.gpkg")
    tmp.unlink(missing_ok=True)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    layers = [("parcels", srs, ogr.wkbMultiPolygon, PARCEL_FIELDS),
              ("cases", None, ogr.wkbNone, CASE_FIELDS),
              ("outbox", None, ogr.wkbNone, OUTBOX_FIELDS),
              ("sync_state", None, ogr.wkbNone, STATE_FIELDS)]
    for name, ref, kind, fields in layers:
        layer = ds.CreateLayer(name, ref, kind, ["GEOMETRY_NAME=geom", "FID=fid"])
        for field, t in fields:
            defn = ogr.FieldDefn(field, kinds[t])
            if t == "json":
                defn.SetSubType(ogr.OFSTJSON)
            layer.CreateField(defn)
    ds = None
    conn = sqlite3.connect(tmp)
    conn.executescript("""
        CREATE UNIQUE INDEX cases_number ON cases(number);
        CREATE INDEX parcels_case ON parcels(case_number);
        CREATE UNIQUE INDEX outbox_op ON outbox(op_id);
        CREATE UNIQUE INDEX sync_state_key ON sync_state(key);
        PRAGMA journal_mode=WAL;
    """)
    conn.close()
    tmp.rename(path)


def _upgrade(conn: sqlite3.Connection) -> None:
    """Columns added since a store was created (stores of earlier versions open unchanged
    otherwise): ALTER TABLE is what QGIS and GDAL read back as a new field."""
    sql_type = {"str": "TEXT", "json": "TEXT", "int": "INTEGER", "float": "REAL"}
    for table, fields in (("parcels", PARCEL_FIELDS), ("cases", CASE_FIELDS)):
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        for name, kind in fields:
            if name not in have:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type[kind]}")


class LocalStore:
    def __init__(self, path: str | Path, crs: str = "EPSG:4526", busy_ms: int = 30_000):
        """``busy_ms``: how long to wait when another program (QGIS saving an edit) holds
        the store's write lock."""
        self.path = Path(path)
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _create(self.path, parse_crs(crs).to_epsg())
        self._conn = sqlite3.connect(self.path, timeout=busy_ms / 1000, isolation_level=None,
                                     check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        register_functions(self._conn)
        _upgrade(self._conn)
        row = self._conn.execute(
            "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name='parcels'").fetchone()
        self.epsg = int(row[0])
        self.crs: CRS = parse_crs(f"EPSG:{self.epsg}")

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self):
        """All or nothing: a failed sync step leaves the store as it was."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # --- cases -------------------------------------------------------------------------------
    @staticmethod
    def _row(row: sqlite3.Row | None) -> dict | None:
        if row is None:
            return None
        out = dict(row)
        for key in JSON_FIELDS & set(out):
            out[key] = json.loads(out[key]) if out[key] else None
        out.pop("fid", None)
        return out

    def list_cases(self) -> list[dict]:
        rows = self._conn.execute("SELECT * FROM cases ORDER BY number").fetchall()
        return [self._row(r) for r in rows]

    def get_case(self, number: str) -> dict | None:
        return self._row(self._conn.execute("SELECT * FROM cases WHERE number=?",
                                            (number,)).fetchone())

    def _write_case(self, conn, case: dict) -> None:
        names = [n for n, _t in CASE_FIELDS]
        values = [json.dumps(case.get(n), ensure_ascii=False) if n in JSON_FIELDS
                  else case.get(n) for n in names]
        placeholders = ",".join("?" * len(names))
        updates = ",".join(f"{n}=excluded.{n}" for n in names if n != "number")
        conn.execute(f"INSERT INTO cases ({','.join(names)}) VALUES ({placeholders}) "
                     f"ON CONFLICT(number) DO UPDATE SET {updates}", values)

    def put_server_case(self, case: dict) -> None:
        """A case as the server sent it: replaces the local copy and its parcels (unless the
        case has local changes waiting: see ``put_server_cases``)."""
        self.put_server_cases([case])

    def put_server_cases(self, cases: list[dict], deleted: list[str] = ()) -> dict:
        """A page of the change feed in one transaction. Which cases have local changes waiting
        is decided inside that transaction, so an edit saved while the page was on its way is
        never overwritten: such a case keeps its local state and its base (the server copy the
        edits were made against); the merge happens when they are pushed. A tombstone of a case
        with local changes is remembered (``removed``) and offered to the officer.
        Returns {"applied": [...], "kept": [...], "removed": [...]}."""
        out = {"applied": [], "kept": [], "removed": []}
        with self.transaction() as conn:
            dirty = self._dirty(conn)
            for case in cases:
                if case["number"] in dirty:
                    out["kept"].append(case["number"])
                    continue
                self._write_server_case(conn, case)
                out["applied"].append(case["number"])
            for number in deleted:
                if number in dirty:
                    conn.execute("UPDATE cases SET removed=1 WHERE number=?", (number,))
                    out["removed"].append(number)
                    continue
                conn.execute("DELETE FROM parcels WHERE case_number=?", (number,))
                conn.execute("DELETE FROM cases WHERE number=?", (number,))
                out["applied"].append(number)
        return out

    def _write_server_case(self, conn, case: dict) -> None:
        deadline = case.get("deadline") or {}
        row = {k: case.get(k) for k, _t in CASE_FIELDS}
        row.update(deadline_due=deadline.get("due"), deadline_status=deadline.get("status"),
                   server_revision=case.get("revision"), local_only=0, dirty=0,
                   conflict=None, base=case, removed=0)
        self._write_case(conn, row)
        conn.execute("DELETE FROM parcels WHERE case_number=?", (case["number"],))
        for p in case.get("parcels", []):
            self._insert_parcel(conn, case["number"], self._parcel_from_api(p))

    @staticmethod
    def _dirty(conn) -> set[str]:
        return {r[0] for r in conn.execute(
            "SELECT DISTINCT case_number FROM outbox WHERE status!='done'")}

    def delete_case(self, number: str) -> None:
        self.put_server_cases([], [number])

    def create_local_case(self, business_code: str, district: str, applicant: str,
                          location: str = "", forms: dict | None = None,
                          project_tag: str | None = None, confirmed: bool = False) -> str:
        """An offline case: a LOCAL- number until the server assigns the real one.
        ``confirmed``: the officer was shown the possible duplicates and registers anyway
        (``core.sync.duplicates``); otherwise a create with duplicates waits for that."""
        number = f"LOCAL-{uuid.uuid4().hex[:8].upper()}"
        payload = {"business_code": business_code, "district": district, "applicant": applicant,
                   "location": location, "forms": forms or {}, "project_tag": project_tag}
        with self.transaction() as conn:
            self._write_case(conn, {**payload, "number": number, "stage": "received",
                                    "stage_name": "收件", "version": 0, "local_only": 1,
                                    "dirty": 1, "opinions": [], "attachments": [],
                                    "transitions": []})
            self._queue(conn, number, "create", 0, payload)
            if confirmed:
                self.set_state(f"duplicate_ok:{number}", True)
        return number

    def update_case(self, number: str, fields: dict) -> None:
        """A local edit, queued. A refused edit of the same case is replaced by this one (its
        other fields carried over), so correcting a refused edit is just editing again."""
        allowed = {"applicant", "location", "project_tag", "forms", "handler"}
        bad = set(fields) - allowed
        if bad:
            raise RedlineError(f"cannot edit {', '.join(sorted(bad))} of a case")
        with self.transaction() as conn:
            case = self._require_in(conn, number)
            create = conn.execute("SELECT op_id, payload FROM outbox WHERE case_number=? AND "
                                  "kind='create' AND status!='done'", (number,)).fetchone()
            if create is not None:  # not registered yet: the registration itself changes
                payload = {**json.loads(create["payload"]), **fields}
                conn.execute("UPDATE outbox SET payload=?, status=?, error=NULL WHERE op_id=?",
                             (json.dumps(payload, ensure_ascii=False), PENDING,
                              create["op_id"]))
                self._write_case(conn, {**case, **fields, "dirty": 1})
                return
            refused = self._take_refused(conn, number, "patch")
            merged = {}
            for op in refused:
                merged.update(op["payload"])
            merged.update(fields)
            self._write_case(conn, {**case, **fields, "dirty": 1})
            self._queue(conn, number, "patch", case["version"], merged)

    def add_opinion(self, number: str, text: str, signed: bool, author: str = "") -> None:
        with self.transaction() as conn:
            case = self._require_in(conn, number)
            opinion = {"stage": case["stage"], "author": author, "signed": signed, "text": text,
                       "signer_role": None, "created": None}
            self._write_case(conn, {**case, "opinions": [*(case["opinions"] or []), opinion],
                                    "dirty": 1})
            self._queue(conn, number, "opinion", case["version"],
                        {"text": text, "signed": signed})

    def add_attachment(self, number: str, name: str, kind: str, size: int, sha256: str) -> None:
        item = {"name": name, "kind": kind, "size": size, "sha256": sha256}
        with self.transaction() as conn:
            case = self._require_in(conn, number)
            self._write_case(conn, {**case, "attachments": [*(case["attachments"] or []), item],
                                    "dirty": 1})
            self._queue(conn, number, "attachment", case["version"], item)

    def queue_transition(self, number: str, transition: str, reason: str = "",
                         days: int = 0) -> None:
        """A workflow step, queued; a refused step of the same name is replaced by it."""
        with self.transaction() as conn:
            case = self._require_in(conn, number)
            for op in self._refused(conn, number, "transition"):
                if op["payload"].get("transition") == transition:
                    conn.execute("DELETE FROM outbox WHERE op_id=?", (op["op_id"],))
            self._write_case(conn, {**case, "dirty": 1})
            self._queue(conn, number, "transition", case["version"],
                        {"transition": transition, "reason": reason, "days": days})

    def _require(self, number: str) -> dict:
        case = self.get_case(number)
        if case is None:
            raise RedlineError(f"no case {number} in the local store")
        return case

    def _require_in(self, conn, number: str) -> dict:
        case = self._row(conn.execute("SELECT * FROM cases WHERE number=?", (number,))
                         .fetchone())
        if case is None:
            raise RedlineError(f"no case {number} in the local store")
        return case

    def _refused(self, conn, number: str, kind: str) -> list[dict]:
        rows = conn.execute("SELECT * FROM outbox WHERE case_number=? AND kind=? AND status=? "
                            "ORDER BY fid", (number, kind, FAILED)).fetchall()
        return [self._row(r) for r in rows]

    def _take_refused(self, conn, number: str, kind: str) -> list[dict]:
        ops = self._refused(conn, number, kind)
        conn.executemany("DELETE FROM outbox WHERE op_id=?", [(o["op_id"],) for o in ops])
        return ops

    # --- parcels -----------------------------------------------------------------------------
    def _parcel_from_api(self, p: dict) -> StoredParcel:
        geom = shapely.geometry.shape(p["geometry"])
        srid = int(str(p.get("crs", f"EPSG:{self.epsg}")).split(":")[1])
        if srid != self.epsg:
            tr = make_transform(f"EPSG:{srid}", self.crs)
            geom = shapely.transform(geom, lambda c: np.column_stack(tr.transform(c[:, 0],
                                                                                  c[:, 1])))
        return StoredParcel("", p["number"], p.get("name", ""), geom, p.get("declared_area_m2"),
                            p.get("planar_area_m2", 0.0), p.get("ellipsoidal_area_m2", 0.0),
                            bool(p.get("valid", True)), srid, use=p.get("use"))

    def measure(self, number: str, name: str, geom, declared: float | None,
                use: str | None = None) -> StoredParcel:
        """A parcel measured and checked by ``core`` in the store's zone."""
        parcel = parcel_from_geometry(number, name, geom)
        errors = [f for f in validate_parcels([parcel], self.crs) if f.severity == ERROR]
        valid = not errors
        return StoredParcel("", number, name, geom, declared,
                            planar_area(geom) if valid else float(abs(geom.area)),
                            ellipsoidal_area(geom, self.crs) if valid else float(abs(geom.area)),
                            valid, self.epsg, use=use)

    def _insert_parcel(self, conn, case_number: str, p: StoredParcel) -> None:
        geom = p.geometry if p.geometry.geom_type == "MultiPolygon" else \
            shapely.MultiPolygon([p.geometry])
        conn.execute("INSERT INTO parcels (geom, case_number, number, name, declared_area_m2, "
                     "planar_area_m2, ellipsoidal_area_m2, valid, srid, use) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?)",
                     (to_blob(geom, self.epsg), case_number, p.number, p.name,
                      p.declared_area_m2, p.planar_area_m2, p.ellipsoidal_area_m2, int(p.valid),
                      p.srid, p.use))

    def parcels(self, case_number: str | None = None) -> list[StoredParcel]:
        sql = "SELECT * FROM parcels" + (" WHERE case_number=?" if case_number else "") + \
            " ORDER BY case_number, fid"
        rows = self._conn.execute(sql, (case_number,) if case_number else ()).fetchall()
        return [StoredParcel(r["case_number"], r["number"], r["name"], from_blob(r["geom"]),
                             r["declared_area_m2"], r["planar_area_m2"],
                             r["ellipsoidal_area_m2"], bool(r["valid"]), r["srid"], r["fid"],
                             r["use"])
                for r in rows]

    def set_parcels(self, case_number: str, parcels: list[StoredParcel]) -> None:
        """The case's red line replaced locally and queued for the server (红线入库); a refused
        red line of the case is replaced by this one."""
        with self.transaction() as conn:
            case = self._require_in(conn, case_number)
            self._take_refused(conn, case_number, "parcels")
            conn.execute("DELETE FROM parcels WHERE case_number=?", (case_number,))
            for p in parcels:
                self._insert_parcel(conn, case_number, p)
            self._write_case(conn, {**case, "dirty": 1})
            self._queue_parcels(conn, case_number, case["version"], parcels)

    def rename_parcel(self, case_number: str, number: str, new_number: str, name: str) -> None:
        """A parcel's number and name changed; the red line is queued again."""
        parcels = self.parcels(case_number)
        if new_number != number and any(p.number == new_number for p in parcels):
            raise RedlineError(f"case {case_number} already has a parcel {new_number}")
        for p in parcels:
            if p.number == number:
                p.number, p.name = new_number, name
        self.set_parcels(case_number, parcels)

    def delete_parcel(self, case_number: str, number: str) -> None:
        self.set_parcels(case_number, [p for p in self.parcels(case_number)
                                       if p.number != number])

    def update_parcel_geometry(self, fid: int, geom) -> StoredParcel:
        """After an edit saved on the map (QGIS wrote the geometry): areas measured again and
        the case's whole red line queued for the server."""
        row = self._conn.execute("SELECT case_number, number, name, declared_area_m2, use FROM "
                                 "parcels WHERE fid=?", (fid,)).fetchone()
        if row is None:
            raise RedlineError(f"no parcel with fid {fid}")
        updated = self.measure(row["number"], row["name"], geom, row["declared_area_m2"],
                               row["use"])
        updated.case_number, updated.fid = row["case_number"], fid
        multi = geom if geom.geom_type == "MultiPolygon" else shapely.MultiPolygon([geom])
        case = self._require(row["case_number"])
        with self.transaction() as conn:
            conn.execute("UPDATE parcels SET geom=?, planar_area_m2=?, ellipsoidal_area_m2=?, "
                         "valid=? WHERE fid=?",
                         (to_blob(multi, self.epsg), updated.planar_area_m2,
                          updated.ellipsoidal_area_m2, int(updated.valid), fid))
            self._write_case(conn, {**case, "dirty": 1})
            parcels = self.parcels(row["case_number"])
            self._queue_parcels(conn, row["case_number"], case["version"], parcels)
        return updated

    # --- outbox and sync state -----------------------------------------------------------------
    def _queue_parcels(self, conn, case_number: str, version: int,
                       parcels: list[StoredParcel]) -> None:
        """The case's whole red line, as the server's PUT …/parcels replaces it."""
        self._queue(conn, case_number, "parcels", version,
                    {"parcels": [p.to_api(f"EPSG:{self.epsg}") for p in parcels]})

    def _queue(self, conn, case_number: str, kind: str, base_version: int, payload: dict) -> None:
        import datetime as dt

        conn.execute("INSERT INTO outbox (op_id, case_number, kind, base_version, payload, "
                     "created, status) VALUES (?,?,?,?,?,?,?)",
                     (str(uuid.uuid4()), case_number, kind, base_version,
                      json.dumps(payload, ensure_ascii=False),
                      dt.datetime.now(dt.UTC).isoformat(), PENDING))

    # --- what sync does with the outbox --------------------------------------------------------
    def acknowledge(self, op_id: str, server_case: dict | None) -> None:
        """The server accepted an operation: in one transaction it is marked done and the
        server's answer becomes the case's base and version. With no other change waiting the
        case becomes the server's copy; otherwise only what the server owns (stage, version,
        opinions…) is taken, the officer's waiting edits stay."""
        with self.transaction() as conn:
            conn.execute("UPDATE outbox SET status='done', error=NULL WHERE op_id=?", (op_id,))
            if server_case is None:
                return
            number = server_case["number"]
            if number not in self._dirty(conn):
                self._write_server_case(conn, server_case)
                return
            case = self._require_in(conn, number)
            own = {k: v for k, v in server_case.items() if k not in MERGED_FIELDS
                   and k in {n for n, _t in CASE_FIELDS}}
            deadline = server_case.get("deadline") or {}
            self._write_case(conn, {**case, **own, "base": server_case,
                                    "server_revision": server_case.get("revision"),
                                    "deadline_due": deadline.get("due"),
                                    "deadline_status": deadline.get("status")})

    def set_ops(self, op_ids: list[str], status: str, error: str | None = None) -> None:
        with self.transaction() as conn:
            conn.executemany("UPDATE outbox SET status=?, error=? WHERE op_id=?",
                             [(status, error, op) for op in op_ids])

    def rename_local(self, old: str, new: str) -> None:
        """A LOCAL- case got its number from the server."""
        with self.transaction() as conn:
            conn.execute("UPDATE cases SET number=?, local_only=0 WHERE number=?", (new, old))
            conn.execute("UPDATE parcels SET case_number=? WHERE case_number=?", (new, old))
            conn.execute("UPDATE outbox SET case_number=? WHERE case_number=?", (new, old))

    def retry(self, number: str) -> int:
        """Refused operations of a case go out again at the next sync."""
        with self.transaction() as conn:
            return conn.execute("UPDATE outbox SET status=?, error=NULL WHERE case_number=? "
                                "AND status=?", (PENDING, number, FAILED)).rowcount

    def discard(self, number: str) -> None:
        """Drop the case's waiting, refused and conflicting changes: it returns to the server's
        copy (its base); a case never sent to the server is removed."""
        with self.transaction() as conn:
            case = self._require_in(conn, number)
            conn.execute("DELETE FROM outbox WHERE case_number=? AND status!='done'", (number,))
            if case.get("base"):
                self._write_server_case(conn, case["base"])
            else:
                conn.execute("DELETE FROM parcels WHERE case_number=?", (number,))
                conn.execute("DELETE FROM cases WHERE number=?", (number,))

    def keep_as_new(self, number: str) -> str:
        """A case removed on the server while it had local changes, registered again as a new
        case with the local content (fields, forms, red line)."""
        case = self._require(number)
        parcels = self.parcels(number)
        new = self.create_local_case(case["business_code"], case["district"], case["applicant"],
                                     case.get("location") or "", case.get("forms") or {},
                                     case.get("project_tag"), confirmed=True)
        if parcels:
            self.set_parcels(new, parcels)
        self.drop(number)
        return new

    def drop(self, number: str) -> None:
        """Forget a case removed on the server, with its local changes."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM outbox WHERE case_number=?", (number,))
            conn.execute("DELETE FROM parcels WHERE case_number=?", (number,))
            conn.execute("DELETE FROM cases WHERE number=?", (number,))

    def removed_cases(self) -> list[str]:
        return [r[0] for r in self._conn.execute(
            "SELECT number FROM cases WHERE removed=1 ORDER BY number")]

    def outbox(self, status: str | None = None) -> list[dict]:
        sql = "SELECT * FROM outbox" + (" WHERE status=?" if status else "") + " ORDER BY fid"
        rows = self._conn.execute(sql, (status,) if status else ()).fetchall()
        return [dict(self._row(r), id=r["fid"]) for r in rows]

    def outbox_for(self, case_number: str) -> list[dict]:
        """Operations of one case not yet accepted by the server (pending, conflict, failed)."""
        rows = self._conn.execute("SELECT * FROM outbox WHERE case_number=? AND status!='done' "
                                  "ORDER BY fid", (case_number,)).fetchall()
        return [dict(self._row(r), id=r["fid"]) for r in rows]

    def cases_with_local_changes(self) -> set[str]:
        rows = self._conn.execute("SELECT DISTINCT case_number FROM outbox "
                                  "WHERE status!='done'").fetchall()
        return {r[0] for r in rows}

    def set_state(self, key: str, value) -> None:
        self._conn.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) "
                           "DO UPDATE SET value=excluded.value", (key, json.dumps(value)))

    def get_state(self, key: str, default=None):
        row = self._conn.execute("SELECT value FROM sync_state WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default
