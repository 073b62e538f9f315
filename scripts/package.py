"""``make package``: the installable plugin zip (folder redline_approval/), without tests,
server, developer scripts or data."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INCLUDE = ["__init__.py", "metadata.txt", "README.md", "core", "plugin", "processing_algorithms",
           "layer_styles", "i18n", "icons"]
SKIP_PARTS = {"__pycache__", ".pytest_cache"}


def files() -> list[Path]:
    out = []
    for name in INCLUDE:
        path = ROOT / name
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            out += [p for p in sorted(path.rglob("*"))
                    if p.is_file() and not SKIP_PARTS & set(p.parts) and p.suffix != ".ts"]
    return out


def main(target: str) -> int:
    dest = Path(target)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files():
            zf.write(f, Path("redline_approval") / f.relative_to(ROOT))
    tmp.replace(dest)
    print(f"{dest}: {len(files())} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "dist/redline_approval.zip"))
