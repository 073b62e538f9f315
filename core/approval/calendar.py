"""Working days: weekends and public holidays off, adjusted working weekends on.

The calendar is data (a set of holidays and a set of adjusted working days) so bureaus can edit
it; ``seed_from_chinese_calendar`` fills it from the maintained ``chinesecalendar`` package.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class WorkCalendar:
    holidays: set[dt.date] = field(default_factory=set)
    workdays: set[dt.date] = field(default_factory=set)  # weekends that are working days

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date on which the ``days``-th working day after ``start`` falls (start excluded)."""
        day = start
        remaining = days
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count


def seed_from_chinese_calendar() -> WorkCalendar:
    from chinese_calendar import constants

    return WorkCalendar(set(constants.holidays), set(constants.workdays))
