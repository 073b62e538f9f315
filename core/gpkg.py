"""Plain GeoPackages read straight from their SQLite tables.

GDAL reads any GeoPackage, but opening it costs the GDAL import and driver set-up (~50 ms) and
its per-feature machinery; the check and the red-line reader meet mostly plain files written by
QGIS, GDAL or fiona: one feature table, standard geometry blobs, columns of SQLite's own types.
Those are read here; anything else (several tables, dates, booleans, extended blobs) goes to
GDAL, so both paths give the same values (tests compare them).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

_ENVELOPE = (0, 32, 48, 48, 64)  # bytes of the envelope by the flags' indicator
# column types whose values SQLite returns as GDAL's Arrow stream does (dates, datetimes and
# booleans come back from GDAL as typed values and are left to it)
PLAIN_TYPES = ("TEXT", "INTEGER", "INT", "MEDIUMINT", "SMALLINT", "TINYINT", "REAL", "DOUBLE",
               "FLOAT", "BLOB")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def blob_to_wkb(blob: bytes) -> bytes | None:
    """The WKB inside a GeoPackage geometry blob (None for an empty geometry)."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    flags = blob[3]
    if flags & 0x10:
        return None
    if flags & 0x20:
        raise ValueError("an extended GeoPackage geometry")
    return blob[8 + _ENVELOPE[(flags >> 1) & 7]:]


@dataclass
class FeatureTable:
    """One feature table of an open GeoPackage."""

    con: sqlite3.Connection
    table: str
    geometry: str
    fid: str
    srs_id: int
    columns: list[tuple[str, str]]  # (name, declared type) besides fid and geometry

    def crs_text(self) -> tuple[str | None, str | None]:
        """("EPSG:code" or None, the WKT definition or None) from gpkg_spatial_ref_sys."""
        row = self.con.execute("SELECT organization, organization_coordsys_id, definition FROM "
                               "gpkg_spatial_ref_sys WHERE srs_id = ?", (self.srs_id,)).fetchone()
        if row is None or self.srs_id in (0, -1):
            return None, None
        org, code, definition = row
        epsg = f"EPSG:{code}" if str(org).upper() == "EPSG" else None
        return epsg, definition if definition and definition != "undefined" else None

    def plain(self) -> bool:
        return all(t.upper().split("(")[0].strip() in PLAIN_TYPES for _n, t in self.columns)


def open_table(path: str | Path, layer: str | None = None,
               need_rtree: bool = False) -> FeatureTable | None:
    """The feature table (the one named, or the only one) of a GeoPackage, read-only; None when
    the file is no GeoPackage, holds several tables and none is named, or lacks the R-tree
    ``need_rtree`` asks for."""
    path = Path(path)
    if path.suffix.lower() != ".gpkg" or not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        tables = con.execute(
            "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c JOIN "
            "gpkg_geometry_columns g ON g.table_name = c.table_name "
            "WHERE c.data_type = 'features'").fetchall()
    except sqlite3.Error:
        return None
    chosen = [t for t in tables if layer in (None, t[0])]
    if len(chosen) != 1:
        con.close()
        return None
    table, column, srs_id = chosen[0]
    if need_rtree and not con.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                                      (f"rtree_{table}_{column}",)).fetchone():
        con.close()
        return None
    info = con.execute(f"PRAGMA table_info({quote(table)})").fetchall()
    fid = next((c[1] for c in info if c[5] == 1), None)
    if fid is None:
        con.close()
        return None
    columns = [(c[1], c[2] or "") for c in info if c[1] not in (fid, column)]
    return FeatureTable(con, table, column, fid, srs_id, columns)
