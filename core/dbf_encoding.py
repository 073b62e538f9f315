"""The text encoding of a Shapefile's DBF: the .cpg file, else the DBF's language-driver byte,
else detected from the text itself. ArcGIS on Chinese Windows writes GBK with no .cpg and the
"ANSI" language driver (0x57), which GDAL would read as Latin-1 (面 → Ãæ).

The result is passed to fiona and GDAL explicitly: QGIS, when it runs in the same process, turns
GDAL's own recoding off (SHAPE_ENCODING="").
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

# language-driver byte (DBF offset 29) -> encoding; None: "ANSI", the writer's system code page
LDID = {0x01: "CP437", 0x02: "CP850", 0x03: "CP1252", 0x4D: "GBK", 0x7A: "GBK", 0x4F: "BIG5",
        0x78: "BIG5", 0x57: None, 0x00: None}
_CPG = {"936": "GBK", "CP936": "GBK", "GB2312": "GBK", "65001": "UTF-8", "UTF8": "UTF-8",
        "950": "BIG5", "1252": "CP1252"}
_SAMPLE_BYTES = 4 << 20  # enough text to decide; a province layer's DBF is not read whole


@dataclass(frozen=True)
class DbfEncoding:
    name: str  # a codec GDAL, fiona and Python all know: GBK, UTF-8, CP1252, ISO-8859-1, BIG5
    how: str  # given | cpg | language driver | detected
    ldid: int = 0  # the DBF's language-driver byte

    def note(self, path: str | Path) -> str | None:
        """A line telling the user what was assumed, when it was not declared in the file."""
        if self.how != "detected":
            return None
        driver = (f"its language driver 0x{self.ldid:02X} names no code page" if self.ldid
                  else "no language driver")
        return (f"{Path(path).name}: no .cpg and {driver}; the DBF text was read as "
                f"{self.name} (detected from the text). Pass --encoding to read it otherwise")


def _character_bytes(dbf: Path) -> bytes:
    """The bytes of the character fields of the first records."""
    with open(dbf, "rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            return b""
        count = struct.unpack("<I", head[4:8])[0]
        header_len, record_len = struct.unpack("<HH", head[8:12])
        descriptors = fh.read(max(0, header_len - 32))
        fields, offset, pos = [], 1, 0
        while pos + 32 <= len(descriptors) and descriptors[pos] != 0x0D:
            kind, length = chr(descriptors[pos + 11]), descriptors[pos + 16]
            if kind == "C":
                fields.append((offset, length))
            offset += length
            pos += 32
        if not fields or record_len <= 0:
            return b""
        fh.seek(header_len)
        data = fh.read(min(count * record_len, _SAMPLE_BYTES))
    out = bytearray()
    for start in range(0, len(data) - record_len + 1, record_len):
        record = data[start:start + record_len]
        for off, length in fields:
            out += record[off:off + length].rstrip(b" \x00") + b"\n"
    return bytes(out)


def detect(text: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8; GBK when they are valid GBK and mostly Chinese;
    else Latin-1 (every byte is a character, nothing fails)."""
    if all(b < 0x80 for b in text):
        return "UTF-8"
    try:
        text.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        decoded = text.decode("gbk")
    except UnicodeDecodeError:
        return "ISO-8859-1"
    wide = [c for c in decoded if ord(c) >= 0x80]
    cjk = sum(1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f"
              or "\uff00" <= c <= "\uffef")
    return "GBK" if wide and cjk / len(wide) >= 0.8 else "ISO-8859-1"


def dbf_encoding(path: str | Path, given: str | None = None) -> DbfEncoding | None:
    """The encoding of a .shp's DBF (None for other files)."""
    path = Path(path)
    if path.suffix.lower() != ".shp":
        return None
    if given:
        return DbfEncoding(given.upper().replace("UTF8", "UTF-8"), "given")
    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        name = cpg.read_text(encoding="ascii", errors="ignore").strip()
        if name:
            return DbfEncoding(_CPG.get(name.upper(), name.upper()), "cpg")
    dbf = path.with_suffix(".dbf")
    if not dbf.exists():
        return None
    with open(dbf, "rb") as fh:
        head = fh.read(32)
    byte = head[29] if len(head) > 29 else 0
    if LDID.get(byte):
        return DbfEncoding(LDID[byte], "language driver", byte)
    return DbfEncoding(detect(_character_bytes(dbf)), "detected", byte)


def shapefile_encoding(path: str | Path, given: str | None = None) -> str | None:
    """The encoding name alone, for readers that pass it on to fiona or GDAL."""
    found = dbf_encoding(path, given)
    return found.name if found else None
