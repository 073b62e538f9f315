"""Engine and sessions. SQLite runs in WAL mode with a busy timeout so readers never block
the writer; PostgreSQL is used as is. Geometry is PostGIS on PostgreSQL and WKB on SQLite."""

from __future__ import annotations

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


def make_engine(url: str, immediate: bool = False) -> Engine:
    """``immediate``: SQLite write transactions take the write lock at BEGIN, so two writers
    never deadlock on a read-then-write; read transactions stay deferred and run in parallel
    (WAL)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # transactions are begun below, not by pysqlite
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
