"""Screen time from usage events: time counts only while the app is in use, days are the
user's local days (23 or 25 hours long across a DST change), and reminders are timed from
the last one the platform showed. Pure functions over events and an explicit ``now``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from haven.wellbeing.models import ACTIVITY, UsageEvent, UsageKind

# An app that never reported going to the background (killed, crashed) is counted as in use
# for at most this long after its last event.
TRAILING_USE = timedelta(minutes=5)
# A pause at least this long ends "continuous use" for break reminders.
BREAK_GAP = timedelta(minutes=5)
# Day and night for the dashboard's split (local time).
NIGHT_STARTS, NIGHT_ENDS = time(22, 0), time(6, 0)


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start


# At the same instant, what happened in the app comes before it left, and it left before it
# came back: view, then background, then foreground.
_SAME_INSTANT_ORDER = {UsageKind.VIEW: 0, UsageKind.BACKGROUND: 1, UsageKind.FOREGROUND: 2}


def active_intervals(events: Iterable[UsageEvent], *, now: datetime) -> list[Interval]:
    """When the app was in use: from a foreground (or a view, which implies one) to the next
    background, however long (an explicit background is trusted). A background that never came
    is made up: an interval still open when a new foreground arrives after a silence, or at the
    end, runs to its last event plus ``TRAILING_USE`` (never past ``now``). Events may come in
    any order; the caller has dropped duplicates."""
    ordered = sorted(
        (e for e in events if e.kind in ACTIVITY),
        key=lambda e: (e.at, _SAME_INSTANT_ORDER[e.kind]),
    )
    intervals: list[Interval] = []
    start: datetime | None = None
    last: datetime | None = None
    for event in ordered:
        if event.kind is UsageKind.BACKGROUND:
            if start is not None:
                intervals.append(Interval(start, event.at))
            start = None
        elif start is None:
            start = event.at
        elif (
            event.kind is UsageKind.FOREGROUND
            and last is not None
            and event.at - last > TRAILING_USE
        ):
            intervals.append(Interval(start, last + TRAILING_USE))  # its background was lost
            start = event.at
        last = event.at
    if start is not None and last is not None:
        intervals.append(Interval(start, min(last + TRAILING_USE, now)))
    return [i for i in intervals if i.end > i.start]


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants a local day starts and ends (midnight to midnight, DST included)."""
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return start, end


def _overlap(interval: Interval, start: datetime, end: datetime) -> timedelta:
    return max(min(interval.end, end) - max(interval.start, start), timedelta(0))


@dataclass(frozen=True)
class DayUsage:
    day: date
    active: timedelta
    opens: int
    daytime: timedelta
    night: timedelta

    def as_dict(self) -> dict[str, object]:
        return {
            "date": self.day.isoformat(),
            "minutes": round(self.active.total_seconds() / 60, 1),
            "opens": self.opens,
            "day_minutes": round(self.daytime.total_seconds() / 60, 1),
            "night_minutes": round(self.night.total_seconds() / 60, 1),
        }


def _night_spans(day: date, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The night parts of a local day: midnight to 06:00 and 22:00 to midnight."""
    start, end = day_bounds(day, zone)
    return [
        (start, datetime.combine(day, NIGHT_ENDS, zone)),
        (datetime.combine(day, NIGHT_STARTS, zone), end),
    ]


def day_usage(
    day: date, zone: ZoneInfo, intervals: list[Interval], events: Iterable[UsageEvent]
) -> DayUsage:
    start, end = day_bounds(day, zone)
    active = sum((_overlap(i, start, end) for i in intervals), timedelta(0))
    night = sum(
        (_overlap(i, a, b) for i in intervals for a, b in _night_spans(day, zone)), timedelta(0)
    )
    opens = sum(1 for e in events if e.kind is UsageKind.FOREGROUND and start <= e.at < end)
    return DayUsage(day, active, opens, active - night, night)


def local_day(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def continuous_use(
    intervals: list[Interval], events: Iterable[UsageEvent], *, now: datetime, since_kind: UsageKind
) -> timedelta:
    """How long the user has been using the app without a break of ``BREAK_GAP``, counted from
    the last prompt of ``since_kind`` the platform showed (so a reminder is not repeated at
    once)."""
    shown = [e.at for e in events if e.kind is since_kind and e.at <= now]
    floor = max(shown) if shown else None
    run_start: datetime | None = None
    previous_end: datetime | None = None
    for interval in sorted(intervals, key=lambda i: i.start):
        if interval.start > now:
            break
        if previous_end is None or interval.start - previous_end >= BREAK_GAP:
            run_start = interval.start
        previous_end = interval.end
    if run_start is None or previous_end is None or now - previous_end >= BREAK_GAP:
        return timedelta(0)
    if floor is not None and floor > run_start:
        run_start = floor
    return max(min(previous_end, now) - run_start, timedelta(0))


def in_use(intervals: list[Interval], now: datetime) -> bool:
    """The app is in use now (or was within ``BREAK_GAP``)."""
    return any(i.start <= now and now - i.end < BREAK_GAP for i in intervals)


def shown_since(events: Iterable[UsageEvent], kind: UsageKind, since: datetime) -> datetime | None:
    times = [e.at for e in events if e.kind is kind and e.at >= since]
    return max(times) if times else None
