"""Reporting periods: ``2026H1`` (a half year, the DSA's six-monthly cycle), ``2026`` (a
calendar year, the cycle of platforms that are not very large), ``2026Q2`` and ``2026-06``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from haven.errors import InputError

PATTERN = re.compile(r"^(\d{4})(?:(H[12])|(Q[1-4])|-(\d{2}))?$")


class InvalidPeriod(InputError):
    code = "invalid_period"


@dataclass(frozen=True)
class Period:
    name: str
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC

    def months(self) -> list[str]:
        """The months of the period as ``YYYY-MM``."""
        out = []
        year, month = self.start.year, self.start.month
        while datetime(year, month, 1, tzinfo=UTC) < self.end:
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end


def _month_start(year: int, month: int) -> datetime:
    if month > 12:
        year, month = year + 1, month - 12
    return datetime(year, month, 1, tzinfo=UTC)


def parse_period(text: str) -> Period:
    match = PATTERN.match(text.strip())
    if not match:
        raise InvalidPeriod(
            f"period {text!r} is not one of YYYY, YYYYH1, YYYYH2, YYYYQ1-4 or YYYY-MM",
            field="period",
        )
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise InvalidPeriod(f"period {text!r}: the year is out of range", field="period")
    half, quarter, month = match.group(2), match.group(3), match.group(4)
    if half:
        first, length = (1 if half == "H1" else 7), 6
    elif quarter:
        first, length = 3 * (int(quarter[1]) - 1) + 1, 3
    elif month:
        first, length = int(month), 1
        if not 1 <= first <= 12:
            raise InvalidPeriod(f"period {text!r}: no month {first}", field="period")
    else:
        first, length = 1, 12
    return Period(text.strip(), _month_start(year, first), _month_start(year, first + length))
