"""The server's tables (SQLAlchemy 2 typed models)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base, Geometry


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))  # officer | reviewer | leader | admin
    district: Mapped[str | None] = mapped_column(String(2))
    signer_role: Mapped[str | None] = mapped_column(String(40))  # handler | section_chief | …
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Token(Base):
    __tablename__ = "tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """A failed login, by user name and by address: throttling shared by every worker."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), index=True)  # user:<name> | addr:<ip>
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BusinessType(Base):
    __tablename__ = "business_types"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    time_limit_days: Mapped[int] = mapped_column(Integer)
    forms: Mapped[dict] = mapped_column(JSON)


class WorkflowVersion(Base):
    __tablename__ = "workflows"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition: Mapped[dict] = mapped_column(JSON)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RuleSet(Base):
    __tablename__ = "rule_sets"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition: Mapped[dict] = mapped_column(JSON)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CalendarDay(Base):
    __tablename__ = "calendar_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # holiday | workday


class CaseCounter(Base):
    __tablename__ = "case_counters"
    key: Mapped[str] = mapped_column(String(8), primary_key=True)  # district+business+year
    value: Mapped[int] = mapped_column(Integer, default=0)


class ServerState(Base):
    """One row: the revision counter of the change feed (taken last in each write
    transaction, so revisions follow commit order)."""

    __tablename__ = "server_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    # bumped by every admin change of workflow, rules, business types or calendar: each worker
    # compares it with the one its caches were filled at
    config_revision: Mapped[int] = mapped_column(BigInteger, default=0)


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(12), unique=True)
    business_code: Mapped[str] = mapped_column(ForeignKey("business_types.code"))
    district: Mapped[str] = mapped_column(String(2))
    applicant: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(300), default="")
    project_tag: Mapped[str | None] = mapped_column(String(64), index=True)
    forms: Mapped[dict] = mapped_column(JSON, default=dict)
    stage: Mapped[str] = mapped_column(String(32))
    stage_history: Mapped[list] = mapped_column(JSON, default=list)
    section: Mapped[str | None] = mapped_column(String(50))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    workflow_version: Mapped[int] = mapped_column(ForeignKey("workflows.version"))
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    suspensions: Mapped[list] = mapped_column(JSON, default=list)  # [[from, to|None], …]
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    redline_version: Mapped[int] = mapped_column(Integer, default=0)  # 0: no red line yet
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    parcels: Mapped[list[Parcel]] = relationship(back_populates="case", order_by="Parcel.id",
                                                 cascade="all, delete-orphan")
    opinions: Mapped[list[Opinion]] = relationship(order_by="Opinion.id",
                                                   cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id",
                                                         cascade="all, delete-orphan")

    __table_args__ = (Index("ix_cases_district_stage", "district", "stage"),)


class Parcel(Base):
    __tablename__ = "parcels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200), default="")
    use: Mapped[str | None] = mapped_column(String(100))  # 地块用途, what the checks take
    srid: Mapped[int] = mapped_column(Integer)  # the CGCS2000 zone the coordinates are in
    geom_zone: Mapped[bytes] = mapped_column(LargeBinary)  # WKB, exact legal coordinates
    # CGCS2000 lon/lat for PostGIS queries (on SQLite its bounding box: see build_parcels)
    geom: Mapped[bytes] = mapped_column(Geometry(4490))
    minx: Mapped[float] = mapped_column(Float)
    miny: Mapped[float] = mapped_column(Float)
    maxx: Mapped[float] = mapped_column(Float)
    maxy: Mapped[float] = mapped_column(Float)
    declared_area_m2: Mapped[float | None] = mapped_column(Float)
    planar_area_m2: Mapped[float] = mapped_column(Float)
    ellipsoidal_area_m2: Mapped[float] = mapped_column(Float)
    valid: Mapped[bool] = mapped_column(Boolean, default=True)
    case: Mapped[Case] = relationship(back_populates="parcels")

    __table_args__ = (UniqueConstraint("case_id", "number"),
                      Index("ix_parcels_bbox", "minx", "miny", "maxx", "maxy"))


class RedlineVersion(Base):
    """Every red line a case ever had, never deleted: the parcels as stored (canonical dicts
    with GeoJSON in the zone's coordinates and the measured areas), who, when, why, and the
    SHA-256 of the parcels (``core.approval.record.redline_sha256``). ``parcels`` holds the
    current version's rows for queries by extent."""

    __tablename__ = "redline_versions"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author: Mapped[User | None] = relationship()
    reason: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64))
    parcel_count: Mapped[int] = mapped_column(Integer)
    area_m2: Mapped[float] = mapped_column(Float)  # Σ ellipsoidal area
    # JSON text, written before the write transaction begins (a large red line serialises in
    # seconds; SQLite's write lock should not wait for that)
    parcels_json: Mapped[str] = mapped_column(Text)

    @property
    def parcels(self) -> list:
        from .jsonio import loads

        return loads(self.parcels_json)


class Opinion(Base):
    __tablename__ = "opinions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author: Mapped[User] = relationship()
    signer_role: Mapped[str | None] = mapped_column(String(40))
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # what was signed: the case's content hash at that moment, and the hash of the signature
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_sha256: Mapped[str | None] = mapped_column(String(64))


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50), default="")
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StageLog(Base):
    """When each stage began and ended, for time-per-stage statistics."""

    __tablename__ = "stage_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    entered: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    left: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Append-only: written in the same transaction as the change it records."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class Change(Base):
    """The change feed: one row per created/updated/deleted case, by server revision."""

    __tablename__ = "changes"
    revision: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[str] = mapped_column(String(12))
    district: Mapped[str] = mapped_column(String(2))
    op: Mapped[str] = mapped_column(String(10))  # upsert | delete


class IdempotencyRecord(Base):
    __tablename__ = "idempotency"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
