"""The dashboards' period: a month ("2026-11"), a quarter ("2026-Q3") or a year ("2026"), as a half-open range of
days. Flows (grants disbursed, reports sent, appraisals) are counted inside it; stocks (KUBE by status, IKS
balance) are read at its end."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

MONTH, QUARTER, YEAR = "month", "quarter", "year"
_PATTERNS = {
    MONTH: re.compile(r"(\d{4})-(\d{2})"),
    QUARTER: re.compile(r"(\d{4})-[Qq]([1-4])"),
    YEAR: re.compile(r"(\d{4})"),
}


def _month(year: int, month: int) -> dt.date:
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date  # first day
    end: dt.date  # the day after the last day

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%m/%Y}"
        if self.kind == QUARTER:
            return _("Q%(q)s %(year)s") % {"q": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        return str(self.start.year)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def quarters(self) -> list[dt.date]:
        """First days of the quarters the period touches (appraisals are quarterly)."""
        first = _month(self.start.year, (self.start.month - 1) // 3 * 3 + 1)
        return [q for q in (_month(first.year, first.month + 3 * i) for i in range(4)) if q < self.end]

    def shifted(self, steps: int) -> Period:
        months = {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind] * steps
        return Period(self.kind, _month(self.start.year, self.start.month + months), self._end(months))

    def _end(self, months: int) -> dt.date:
        return _month(self.end.year, self.end.month + months)

    def report_month(self, today: dt.date | None = None) -> dt.date:
        """The month whose report timeliness the period shows: its last month, or last month while it runs
        (this month's reports are not due yet)."""
        today = today or timezone.localdate()
        last = _month(self.last_day.year, self.last_day.month)
        current = today.replace(day=1)
        return min(last, _month(current.year, current.month - 1))


def period_of(kind: str, day: dt.date) -> Period:
    if kind == MONTH:
        start = day.replace(day=1)
        return Period(MONTH, start, _month(start.year, start.month + 1))
    if kind == QUARTER:
        start = _month(day.year, (day.month - 1) // 3 * 3 + 1)
        return Period(QUARTER, start, _month(start.year, start.month + 3))
    return Period(YEAR, dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1))


def parse_period(value: str | None, *, today: dt.date | None = None) -> Period:
    """A period key; anything else (or nothing) gives the current quarter, so a forged value shows a sane page."""
    text = (value or "").strip()
    for kind, pattern in _PATTERNS.items():
        if (m := pattern.fullmatch(text)) and 2000 <= int(m.group(1)) <= 2100:
            if kind == MONTH and 1 <= int(m.group(2)) <= 12:
                return period_of(MONTH, dt.date(int(m.group(1)), int(m.group(2)), 1))
            if kind == QUARTER:
                return period_of(QUARTER, dt.date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1))
            if kind == YEAR:
                return period_of(YEAR, dt.date(int(m.group(1)), 1, 1))
    return period_of(QUARTER, today or timezone.localdate())


def period_choices(today: dt.date | None = None) -> list[Period]:
    """The picker's periods: the last twelve months, eight quarters and four years, newest first."""
    today = today or timezone.localdate()
    months = [period_of(MONTH, today).shifted(-i) for i in range(12)]
    quarters = [period_of(QUARTER, today).shifted(-i) for i in range(8)]
    years = [period_of(YEAR, today).shifted(-i) for i in range(4)]
    return [*quarters, *months, *years]
