"""Engine and sessions. SQLite runs in WAL mode with a busy timeout so readers never block
the writer; PostgreSQL is used as is. Geometry is PostGIS on PostgreSQL and WKB on SQLite."""

from __future__ import annotations

import threading

from sqlalchemy import LargeBinary, create_engine, event, func
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator, UserDefinedType


class Base(DeclarativeBase):
    pass


class _PostGIS(UserDefinedType):
    cache_ok = True

    def __init__(self, srid: int = 4490):
        self.srid = srid

    def get_col_spec(self, **kw) -> str:
        return f"geometry(MultiPolygon,{self.srid})"

    def bind_expression(self, bindvalue):
        return func.ST_Multi(func.ST_GeomFromWKB(bindvalue, self.srid))

    def column_expression(self, col):
        return func.ST_AsBinary(col)


class Geometry(TypeDecorator):
    """A MultiPolygon as WKB bytes in Python; PostGIS geometry(MultiPolygon, srid) on
    PostgreSQL, a BLOB on SQLite."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, srid: int = 4490):
        super().__init__()
        self.srid = srid

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_PostGIS(self.srid))
        return dialect.type_descriptor(LargeBinary())

    def process_result_value(self, value, dialect):
        return bytes(value) if value is not None else None


def make_engine(url: str, immediate: bool = False, busy_ms: int = 10_000) -> Engine:
    """``immediate``: SQLite write transactions take the write lock at BEGIN, so two writers
    never deadlock on a read-then-write; read transactions stay deferred and run in parallel
    (WAL). ``busy_ms``: how long a SQLite writer waits for the lock before the request is
    answered 503."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_ms / 1000,
                                                  "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # transactions are begun below, not by pysqlite
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            # no checkpoint inside a request's commit (after a 60 MB red line it takes a second):
            # the process's checkpointer thread does them (start_checkpointer)
            cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.close()

        gate = WriterGate(url.split("///", 1)[1], busy_ms / 1000) if immediate else None

        @event.listens_for(engine, "begin")
        def _begin(conn):
            if gate is None:
                if not conn.get_execution_options().get("autocommit_reads"):
                    conn.exec_driver_sql("BEGIN")
                return
            gate.enter()
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                gate.leave()
                raise
            conn.info["gate"] = True

        if gate is not None:
            @event.listens_for(engine, "commit")
            @event.listens_for(engine, "rollback")
            def _end(conn):
                if conn.info.pop("gate", False):
                    gate.leave()

        return engine
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    # no pre-ping (a round trip per request): a connection the server dropped fails its
    # request with 503 and is discarded with the pool's other stale ones
    # a request holds at most one connection of this pool (and one of single_statement_engine's)
    return create_engine(url, pool_size=5, max_overflow=5, pool_recycle=1800)


def single_statement_engine(engine: Engine) -> Engine:
    """The engine for reads of one statement (the caller's token with a case's key): no
    BEGIN and no ROLLBACK around it, two round trips fewer on PostgreSQL. On PostgreSQL a
    pool of its own whose connections stay in autocommit (switching a pooled connection there
    and back on every request cost a tenth of a cached read); a request holds at most one."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(autocommit_reads=True)  # see make_engine's _begin
    return create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_size=4,
                         max_overflow=4, pool_recycle=1800)


def snapshot_engine(engine: Engine) -> Engine:
    """The engine for reads of several statements: one snapshot for all of them (a case and
    its parcels, opinions and attachments as of one moment). SQLite's deferred BEGIN gives
    that; PostgreSQL needs REPEATABLE READ (read-only transactions there never fail)."""
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="REPEATABLE READ")


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


_CHECKPOINTERS: dict[str, threading.Thread] = {}


def start_checkpointer(url: str, every_s: float = 1.0) -> None:
    """One thread per process and SQLite database that moves the WAL into the database file
    (PASSIVE: never blocks readers or writers), instead of whichever request happens to commit
    when the WAL has grown."""
    if not url.startswith("sqlite") or url in _CHECKPOINTERS:
        return
    path = url.split("///", 1)[1]

    def run():
        import sqlite3
        import time

        con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        while True:
            time.sleep(every_s)
            try:
                con.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:
                pass  # busy or gone: the next round tries again

    thread = threading.Thread(target=run, name="redline-wal-checkpoint", daemon=True)
    _CHECKPOINTERS[url] = thread
    thread.start()


class WriterGate:
    """Writers of one SQLite database queue here before ``BEGIN IMMEDIATE``: a thread lock
    inside the process, an ``flock`` on ``<database>.writelock`` between processes. SQLite's own
    busy handler polls with growing sleeps, so under 16 concurrent writers a few wait seconds
    while others pass (p99 1.7 s at a 30 ms median, measured; 0.25 s with the gate); here a
    writer waits its turn and proceeds when the previous one commits. Past ``timeout_s`` the
    request gets 503."""

    def __init__(self, path: str, timeout_s: float):
        self.path = f"{path}.writelock"
        self.timeout_s = timeout_s
        self._local = threading.Lock()
        self._fd: int | None = None

    def enter(self) -> None:
        import fcntl
        import os
        import time

        from sqlalchemy.exc import OperationalError

        deadline = time.monotonic() + self.timeout_s
        if not self._local.acquire(timeout=self.timeout_s):
            raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            # blocking: the kernel wakes a waiter the moment the holder lets go (a process that
            # dies lets go too); a transaction is short, its heavy work runs before BEGIN
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            if time.monotonic() > deadline:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        except BaseException:
            self._local.release()
            raise

    def leave(self) -> None:
        import fcntl

        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._local.release()
