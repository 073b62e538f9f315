"""Write outputs all at once or not at all: a failed run leaves no half-written file."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it (and its sidecars) into place.

    The temporary name keeps the suffix so GDAL picks the same driver. On any exception the
    temporary files are removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmpdir = Path(tempfile.mkdtemp(prefix=".redline-", dir=target.parent))
    tmp = tmpdir / target.name
    try:
        yield tmp
        produced = [p for p in tmpdir.iterdir()]
        if not produced:
            raise FileNotFoundError(f"nothing was written for {target}")
        for item in produced:
            dest = target.parent / item.name
            if dest.is_dir():
                shutil.rmtree(dest)
            os.replace(item, dest)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8",
                      newline: str | None = None) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding=encoding, newline=newline) as fh:
        fh.write(text)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
