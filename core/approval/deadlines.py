"""Deadlines in working days: the clock starts at acceptance, stops while a case is suspended,
and extensions add working days. Yellow near the deadline, red when overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .calendar import WorkCalendar

NORMAL, YELLOW, RED = "normal", "yellow", "red"


@dataclass
class Deadline:
    due: dt.date
    used_days: int
    remaining_days: int
    status: str

    def to_dict(self) -> dict:
        return {"due": self.due.isoformat(), "used_working_days": self.used_days,
                "remaining_working_days": self.remaining_days, "status": self.status}


def compute_deadline(calendar: WorkCalendar, accepted: dt.date, limit_days: int,
                     extension_days: int, suspensions: list[tuple[dt.date, dt.date | None]],
                     today: dt.date, warn_days: int = 3) -> Deadline:
    """``suspensions``: (from, to) per suspension, ``to`` None while still suspended (the clock
    is then taken to restart tomorrow). A working day in (from, to] does not count."""
    stops = [(start, stop or today) for start, stop in suspensions]

    def counts(day: dt.date) -> bool:
        return calendar.is_workday(day) and not any(a < day <= b for a, b in stops)

    total = limit_days + extension_days
    due, counted = accepted, 0
    while counted < total:
        due += dt.timedelta(days=1)
        counted += counts(due)
    used, day = 0, accepted
    while day < today:
        day += dt.timedelta(days=1)
        used += counts(day)
    remaining = total - used
    status = RED if today > due else YELLOW if remaining <= warn_days else NORMAL
    return Deadline(due, used, remaining, status)
