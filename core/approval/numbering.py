"""Case numbers: two-letter district + two-letter business code + year + four-digit serial,
e.g. ``JAAA20160001`` (serials gap-free per district/business/year; the server assigns them)."""

from __future__ import annotations

import re

from ..errors import RedlineError

PATTERN = re.compile(r"^([A-Z]{2})([A-Z]{2})(\d{4})(\d{4})$")


def format_case_number(district: str, business: str, year: int, serial: int) -> str:
    for label, code in (("district", district), ("business", business)):
        if not re.fullmatch(r"[A-Z]{2}", code or ""):
            raise RedlineError(f"{label} code {code!r} must be two capital letters")
    if not 1900 <= year <= 9999:
        raise RedlineError(f"year {year} out of range")
    if not 1 <= serial <= 9999:
        raise RedlineError(f"serial {serial} out of range 1..9999: the year's numbers are used up")
    return f"{district}{business}{year:04d}{serial:04d}"


def parse_case_number(number: str) -> tuple[str, str, int, int]:
    m = PATTERN.match(number or "")
    if not m:
        raise RedlineError(f"{number!r} is not a case number like JAAA20160001")
    return m.group(1), m.group(2), int(m.group(3)), int(m.group(4))
