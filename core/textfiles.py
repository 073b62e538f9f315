"""Reading text files that arrive as UTF-8 (with or without BOM) or GBK."""

from __future__ import annotations

from pathlib import Path

from .errors import RedlineFormatError


def decode_bytes(data: bytes, path: str | Path | None = None) -> tuple[str, str]:
    """(text, encoding). UTF-8 first because GBK accepts most UTF-8 byte strings wrongly."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RedlineFormatError(
            path, line, "the text is neither UTF-8 nor GBK: save it as UTF-8 or GBK"
        ) from exc


def read_text(path: str | Path) -> tuple[str, str]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RedlineFormatError(path, None, f"cannot read the file: {exc.strerror}") from exc
    return decode_bytes(data, path)
