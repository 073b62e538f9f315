"""What a check learns about a control-layer file and keeps for the next check.

* The file's SHA-256 (for the report's sources), remembered by (path, inode, size, mtime), as
  make and git remember what they have seen: a 300 MB province layer is hashed once per change,
  not at every check.
* The pair audit: which pairs of features have been tested for overlap in area, and which
  overlap. Overlays need the union of a parcel's pieces only where two of its features overlap;
  the pairs a check tests are remembered, so later checks in the same places test none. The
  audit is keyed by the file's SHA-256 (and table), so a changed file starts afresh.

The cache lives in ``$REDLINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/redline``, else
``~/.cache/redline``. Losing it costs time, never correctness; writes are atomic and a write
that loses a race only forgets some audits.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np


def cache_dir() -> Path:
    base = os.environ.get("REDLINE_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "redline"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


_MEMO: dict[tuple, dict] = {}


def _stat_key(files: list[Path]) -> str:
    parts = []
    for f in files:
        st = f.stat()
        parts.append(f"{f.resolve()}|{st.st_ino}|{st.st_size}|{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def file_fingerprint(path: str | Path) -> dict:
    """Modification time and SHA-256 of a file and its sidecars, to re-verify a check later."""
    path = Path(path)
    files = [path]
    if path.suffix.lower() == ".shp":
        files += [path.with_suffix(s) for s in (".dbf", ".shx", ".prj", ".cpg")
                  if path.with_suffix(s).exists()]
    key = _stat_key(files)
    if key in _MEMO:
        return dict(_MEMO[key])
    stored = cache_dir() / "digests" / f"{key}.json"
    try:
        found = json.loads(stored.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = None
    if not isinstance(found, dict) or found.get("path") != str(path):
        found = _hash_files(path, files)
        _write_atomic(stored, json.dumps(found).encode())
    _MEMO[key] = found
    return dict(found)


def _hash_files(path: Path, files: list[Path]) -> dict:
    digest = hashlib.sha256()
    for f in files:
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    mtime = max(os.path.getmtime(f) for f in files)
    return {"path": str(path), "modified": time.strftime("%Y-%m-%dT%H:%M:%S%z",
                                                         time.localtime(mtime)),
            "sha256": digest.hexdigest()}


class PairAudit:
    """Pairs of features (by integer fid) tested for overlap in area, and those that overlap.
    A pair is the key ``min(fid) << 32 | max(fid)``, kept sorted."""

    def __init__(self, key: str):
        self.path = cache_dir() / "overlaps" / f"{key}.npz"
        self.tested = np.empty(0, dtype=np.int64)
        self.overlapping = np.empty(0, dtype=np.int64)
        try:
            with np.load(self.path) as data:
                self.tested = np.asarray(data["tested"], dtype=np.int64)
                self.overlapping = np.asarray(data["overlapping"], dtype=np.int64)
        except (OSError, KeyError, ValueError):
            pass

    @staticmethod
    def keys(fid_a: np.ndarray, fid_b: np.ndarray) -> np.ndarray:
        lo, hi = np.minimum(fid_a, fid_b), np.maximum(fid_a, fid_b)
        return (lo.astype(np.int64) << 32) | hi.astype(np.int64)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(known, overlapping) for each key."""
        return np.isin(keys, self.tested), np.isin(keys, self.overlapping)

    def record(self, keys: np.ndarray, overlapping: np.ndarray) -> None:
        if not len(keys):
            return
        self.tested = np.union1d(self.tested, keys)
        self.overlapping = np.union1d(self.overlapping, keys[overlapping])
        import io

        buf = io.BytesIO()
        np.savez(buf, tested=self.tested, overlapping=self.overlapping)
        _write_atomic(self.path, buf.getvalue())
