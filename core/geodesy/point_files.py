"""Point lists as CSV: ``id,x,y[,h]`` (x northing, y easting) or ``id,lon,lat[,h]``,
and common-point pairs ``id,x1,y1,x2,y2[,h1,h2]``."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import write_text_atomic
from ..errors import RedlineFormatError
from ..textfiles import read_text


@dataclass
class PointTable:
    """Points in *easting-first* arrays, whatever the column order of the file."""

    ids: list[str]
    easting: np.ndarray  # or longitude
    northing: np.ndarray  # or latitude
    h: np.ndarray | None
    geographic: bool
    lines: list[int]  # file line of each point, for error messages


def _rows(path: str | Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text, _enc = read_text(path)
    reader = csv.reader(io.StringIO(text))
    rows = [(i + 1, [c.strip() for c in r]) for i, r in enumerate(reader) if any(c.strip() for c in r)]
    if not rows:
        raise RedlineFormatError(path, None, "the file is empty: expected a header id,x,y")
    header = [h.lower() for h in rows[0][1]]
    return header, rows[1:]


def _float(path, line: int, name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise RedlineFormatError(path, line, f"{name} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise RedlineFormatError(path, line, f"{name} {value!r} is not a finite number")
    return number


def _columns(path, header: list[str], wanted: list[str]) -> list[int]:
    missing = [w for w in wanted if w not in header]
    if missing:
        raise RedlineFormatError(
            path, 1, f"missing column(s) {', '.join(missing)}; the header is {','.join(header)}"
        )
    return [header.index(w) for w in wanted]


def read_points(path: str | Path) -> PointTable:
    header, rows = _rows(path)
    geographic = "lon" in header and "lat" in header
    names = ["id", "lon", "lat"] if geographic else ["id", "x", "y"]
    idx = _columns(path, header, names)
    ih = header.index("h") if "h" in header else None
    ids, a, b, hs, lines = [], [], [], [], []
    seen: dict[str, int] = {}
    for line, r in rows:
        if len(r) < len(header):
            raise RedlineFormatError(path, line, f"expected {len(header)} values, got {len(r)}")
        pid = r[idx[0]]
        if pid in seen:
            raise RedlineFormatError(path, line, f"point id {pid!r} repeats line {seen[pid]}")
        seen[pid] = line
        ids.append(pid)
        a.append(_float(path, line, names[1], r[idx[1]]))
        b.append(_float(path, line, names[2], r[idx[2]]))
        if ih is not None:
            hs.append(_float(path, line, "h", r[ih]))
        lines.append(line)
    if not ids:
        raise RedlineFormatError(path, None, "the file has a header but no points")
    first, second = np.array(a), np.array(b)
    # geographic files hold lon, lat (easting-first); plane files hold x northing, y easting
    easting, northing = (first, second) if geographic else (second, first)
    return PointTable(ids, easting, northing, np.array(hs) if ih is not None else None,
                      geographic, lines)


def write_points(path: str | Path, table: PointTable, decimals: int | None = None) -> None:
    geographic = table.geographic
    if decimals is None:
        decimals = 9 if geographic else 4
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    head = ["id", "lon", "lat"] if geographic else ["id", "x", "y"]
    if table.h is not None:
        head.append("h")
    w.writerow(head)
    fmt = f"{{:.{decimals}f}}"
    for i, pid in enumerate(table.ids):
        if geographic:
            row = [pid, fmt.format(table.easting[i]), fmt.format(table.northing[i])]
        else:
            row = [pid, fmt.format(table.northing[i]), fmt.format(table.easting[i])]
        if table.h is not None:
            row.append(f"{table.h[i]:.4f}")
        w.writerow(row)
    write_text_atomic(path, out.getvalue())


@dataclass
class PointPairs:
    ids: list[str]
    src_en: np.ndarray  # (n, 2) easting-first
    dst_en: np.ndarray
    h1: np.ndarray | None
    h2: np.ndarray | None


def read_pairs(path: str | Path) -> PointPairs:
    header, rows = _rows(path)
    idx = _columns(path, header, ["id", "x1", "y1", "x2", "y2"])
    has_h = "h1" in header and "h2" in header
    ih = _columns(path, header, ["h1", "h2"]) if has_h else []
    ids, s, d, h1, h2 = [], [], [], [], []
    for line, r in rows:
        if len(r) < len(header):
            raise RedlineFormatError(path, line, f"expected {len(header)} values, got {len(r)}")
        v = [_float(path, line, header[i], r[i]) for i in idx[1:]]
        ids.append(r[idx[0]])
        s.append((v[1], v[0]))  # x northing, y easting -> easting first
        d.append((v[3], v[2]))
        if has_h:
            h1.append(_float(path, line, "h1", r[ih[0]]))
            h2.append(_float(path, line, "h2", r[ih[1]]))
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise RedlineFormatError(path, None, f"point id {dup!r} appears more than once")
    return PointPairs(ids, np.array(s).reshape(-1, 2), np.array(d).reshape(-1, 2),
                      np.array(h1) if has_h else None, np.array(h2) if has_h else None)
