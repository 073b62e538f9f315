"""the approval record: red-line versions, signed content hashes, login throttling, the
configuration revision, normalised user names

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redline_versions",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("parcel_count", sa.Integer(), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("parcels_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("case_id", "version"),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failures_key", "login_failures", ["key"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("redline_version", sa.Integer(), nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("opinions") as batch:
        batch.add_column(sa.Column("content_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("signed_sha256", sa.String(length=64), nullable=True))
    with op.batch_alter_table("server_state") as batch:
        batch.add_column(sa.Column("config_revision", sa.BigInteger(), nullable=False,
                                   server_default="0"))
    op.execute("UPDATE users SET username = lower(trim(username))")
    _first_versions()


def _first_versions() -> None:
    """The red line each existing case has becomes its version 1."""
    import datetime as dt

    import shapely
    from redline_approval.core.approval.record import redline_sha256
    from shapely.geometry import mapping

    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT case_id, number, name, use, srid, geom_zone, declared_area_m2, planar_area_m2, "
        "ellipsoidal_area_m2, valid FROM parcels ORDER BY case_id, id")).all()
    by_case: dict[int, list[dict]] = {}
    for r in rows:
        geom = shapely.from_wkb(bytes(r.geom_zone))
        by_case.setdefault(r.case_id, []).append({
            "number": r.number, "name": r.name, "use": r.use, "crs": f"EPSG:{r.srid}",
            "declared_area_m2": r.declared_area_m2, "geometry": mapping(geom),
            "planar_area_m2": r.planar_area_m2, "ellipsoidal_area_m2": r.ellipsoidal_area_m2,
            "valid": bool(r.valid)})
    table = sa.table("redline_versions", sa.column("case_id"), sa.column("version"),
                     sa.column("created"), sa.column("author_id"), sa.column("reason"),
                     sa.column("sha256"), sa.column("parcel_count"), sa.column("area_m2"),
                     sa.column("parcels_json"))
    now = dt.datetime.now(dt.UTC)
    for case_id, parcels in by_case.items():
        import json

        parcels = json.loads(json.dumps(parcels))  # tuples -> lists, as the API stores them
        conn.execute(table.insert().values(
            case_id=case_id, version=1, created=now, author_id=None,
            reason="red line before versions were kept", sha256=redline_sha256(parcels),
            parcel_count=len(parcels), area_m2=sum(p["ellipsoidal_area_m2"] for p in parcels),
            parcels_json=json.dumps(parcels, ensure_ascii=False)))
        conn.execute(sa.text("UPDATE cases SET redline_version = 1 WHERE id = :id"),
                     {"id": case_id})


def downgrade() -> None:
    with op.batch_alter_table("server_state") as batch:
        batch.drop_column("config_revision")
    with op.batch_alter_table("opinions") as batch:
        batch.drop_column("signed_sha256")
        batch.drop_column("content_sha256")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("redline_version")
    op.drop_index("ix_login_failures_key", "login_failures")
    op.drop_table("login_failures")
    op.drop_table("redline_versions")
