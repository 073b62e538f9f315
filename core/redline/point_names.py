"""Boundary-point names and ring numbers carried through GIS files in one text column.

A polygon keeps only coordinates; the names a surveyor gave the points (J5, J85 …) and the ring
numbers of the coordinate file would be renumbered on every write. The column holds, ring by ring
in the polygon's order, the file's ring number, the ring's orientation as written (+ counter-
clockwise, − clockwise: a Shapefile writer may reverse rings) and the names, runs compressed:
``1+J1~J4|3-J9~J12|2+J5~J8``. Names containing , | ~ are written as a JSON list instead.
"""

from __future__ import annotations

import json
import re

import numpy as np

_RUN = re.compile(r"^(.*?)(\d+)$")
_SPECIAL = set(",|~")


def compress(names: list[str]) -> str:
    """Names with runs written first~last: J1,J2,J3,J7 -> J1~J3,J7."""
    parts: list[str] = []
    i = 0
    while i < len(names):
        m = _RUN.match(names[i])
        j = i
        if m:
            prefix, start = m.group(1), int(m.group(2))
            width = len(m.group(2))
            while j + 1 < len(names):
                n = _RUN.match(names[j + 1])
                if not n or n.group(1) != prefix or int(n.group(2)) != start + (j + 1 - i) \
                        or (n.group(2).startswith("0") and len(n.group(2)) != width):
                    break
                j += 1
        parts.append(names[i] if j == i else f"{names[i]}~{names[j]}")
        i = j + 1
    return ",".join(parts)


def expand(text: str) -> list[str]:
    """The inverse of ``compress``."""
    out: list[str] = []
    for part in text.split(","):
        if "~" not in part:
            out.append(part)
            continue
        first, last = part.split("~", 1)
        a, b = _RUN.match(first), _RUN.match(last)
        if not a or not b or a.group(1) != b.group(1):
            raise ValueError(f"not a run of point names: {part!r}")
        width = len(a.group(2)) if a.group(2).startswith("0") else 0
        for k in range(int(a.group(2)), int(b.group(2)) + 1):
            out.append(f"{a.group(1)}{k:0{width}d}")
    return out


def orientation(xy) -> str:
    """'+' for a counter-clockwise ring (easting, northing), '−' written as '-' otherwise."""
    a = np.asarray(xy, dtype=float)
    if len(a) < 3:
        return "+"
    x, y = a[:, 0] - a[0, 0], a[:, 1] - a[0, 1]
    return "+" if float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)) >= 0 else "-"


def encode(rings: list[tuple[int, list[str], list[tuple[float, float]]]]) -> str:
    """``rings``: (ring number in the file, point names, vertices without the closing repeat),
    in the polygon's ring order."""
    if any(_SPECIAL & set(name) for _n, names, _xy in rings for name in names):
        return json.dumps([[n, orientation(xy), names] for n, names, xy in rings],
                          ensure_ascii=False)
    return "|".join(f"{n}{orientation(xy)}{compress(names)}" for n, names, xy in rings)


def decode(text: str, rings_xy: list[list[tuple[float, float]]]
           ) -> list[tuple[int, list[str], list[tuple[float, float]]]] | None:
    """Ring numbers, names and vertices (reversed back where the file's orientation differs),
    or None when ``text`` does not fit these rings (then the caller numbers J1, J2 …)."""
    if not text or not text.strip():
        return None
    try:
        if text.lstrip().startswith("["):
            items = [(int(n), o, list(names)) for n, o, names in json.loads(text)]
        else:
            items = []
            for chunk in text.split("|"):
                m = re.match(r"^(\d+)([+-])(.*)$", chunk)
                if not m:
                    return None
                items.append((int(m.group(1)), m.group(2), expand(m.group(3))))
    except (ValueError, TypeError, json.JSONDecodeError):
        return None
    if len(items) != len(rings_xy):
        return None
    out = []
    for (number, sign, names), xy in zip(items, rings_xy, strict=True):
        if len(names) != len(xy):
            return None
        if orientation(xy) != sign:
            xy = [xy[0], *xy[:0:-1]]  # reversed, starting at the same point
        out.append((number, names, list(xy)))
    return out
