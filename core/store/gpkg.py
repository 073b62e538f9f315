"""GeoPackage plumbing for sqlite3 connections: geometry blobs and the SQL functions the
GeoPackage R-tree triggers call (GDAL registers them on its own connections; a plain sqlite3
connection must too, or every insert into a spatially indexed table fails)."""

from __future__ import annotations

import sqlite3
import struct

import shapely

_HEADER = struct.Struct("<2sBBi4d")  # magic, version, flags, srs_id, envelope minx maxx miny maxy


def to_blob(geom, srs_id: int) -> bytes:
    """GeoPackage binary: header with an XY envelope, then little-endian WKB."""
    if geom is None:
        return None
    minx, miny, maxx, maxy = geom.bounds
    flags = 0b00000011  # little endian, envelope [minx, maxx, miny, maxy]
    return _HEADER.pack(b"GP", 0, flags, srs_id, minx, maxx, miny, maxy) + \
        shapely.to_wkb(geom, byte_order=1)


def _envelope_size(flags: int) -> int:
    return {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0b111, 0)


def from_blob(blob: bytes | None):
    if blob is None:
        return None
    flags = blob[3]
    start = 8 + _envelope_size(flags)
    return shapely.from_wkb(bytes(blob[start:]))


def _bounds(blob):
    if blob is None:
        return None
    flags = blob[3]
    if _envelope_size(flags) >= 32:
        little = flags & 1
        return struct.unpack(("<" if little else ">") + "4d", blob[8:40])
    g = from_blob(blob)
    minx, miny, maxx, maxy = g.bounds
    return minx, maxx, miny, maxy


def register_functions(conn: sqlite3.Connection) -> None:
    conn.create_function("ST_MinX", 1, lambda b: None if b is None else _bounds(b)[0],
                         deterministic=True)
    conn.create_function("ST_MaxX", 1, lambda b: None if b is None else _bounds(b)[1],
                         deterministic=True)
    conn.create_function("ST_MinY", 1, lambda b: None if b is None else _bounds(b)[2],
                         deterministic=True)
    conn.create_function("ST_MaxY", 1, lambda b: None if b is None else _bounds(b)[3],
                         deterministic=True)
    conn.create_function("ST_IsEmpty", 1,
                         lambda b: 1 if b is None else int(bool(b[3] & 0b10000)),
                         deterministic=True)
