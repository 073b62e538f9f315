"""Fill the Chinese .ts from a JSON map {source: translation} after ``make i18n`` added new
strings, then compile the .qm. The .ts stays the one place translations live; the JSON is a
working file for a batch of new strings.

    python -m redline_approval.scripts.ts_fill new_strings.json

Prints the sources still unfinished afterwards (exit 1 when any remain).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "i18n" / "redline_approval_zh_CN.ts"
QM = TS.with_suffix(".qm")
_MESSAGE = re.compile(r"(<message>.*?</message>)", re.S)
_SOURCE = re.compile(r"<source>(.*?)</source>", re.S)


def unfinished(text: str) -> list[str]:
    return [html.unescape(_SOURCE.search(m).group(1)) for m in _MESSAGE.findall(text)
            if 'type="unfinished"' in m]


def fill(text: str, mapping: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        block = match.group(1)
        if 'type="unfinished"' not in block:
            return block
        source = html.unescape(_SOURCE.search(block).group(1))
        if source not in mapping:
            return block
        done = html.escape(mapping[source], quote=False)
        return re.sub(r"<translation type=\"unfinished\">.*?</translation>|"
                      r"<translation type=\"unfinished\"/>",
                      lambda _m: f"<translation>{done}</translation>", block, flags=re.S)

    return _MESSAGE.sub(one, text)


def main(argv: list[str]) -> int:
    mapping: dict[str, str] = {}
    for path in argv:
        mapping.update(json.loads(Path(path).read_text(encoding="utf-8")))
    text = fill(TS.read_text(encoding="utf-8"), mapping)
    TS.write_text(text, encoding="utf-8")
    subprocess.run(["lrelease", str(TS), "-qm", str(QM)], check=True, capture_output=True)
    left = unfinished(text)
    for source in left:
        print(f"unfinished: {source}")
    return 1 if left else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
