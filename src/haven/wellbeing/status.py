"""The daily limit, Time Away and the reminders due now, for one user at one moment: pure
functions over the user's settings, a parent's controls and the screen time already counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from haven.wellbeing.ages import AgeBand
from haven.wellbeing.defaults import defaults
from haven.wellbeing.models import UsageEvent, UsageKind, Viewer
from haven.wellbeing.screentime import Interval, continuous_use, in_use, shown_since

SECOND_WIND_DOWN_AFTER = timedelta(minutes=10)  # T10: a second, harder prompt if they go on
MORNING = time(6, 0)  # sleep and wind-down prompts belong to the night until 06:00


@dataclass(frozen=True)
class LimitStatus:
    local_date: date
    minutes_used: float
    limit_minutes: int | None  # None: no limit today
    extra_minutes: int  # unlocked or granted today
    set_by: str  # default, user or parent
    reached: bool
    unlock: str | None  # own_passcode, parent_passcode, own_choice; None when not reached
    time_away: dict[str, Any] | None = None  # the active Time Away period, if it blocks now
    sources: tuple[str, ...] = ()

    @property
    def blocked(self) -> bool:
        return self.reached or self.time_away is not None

    def as_dict(self) -> dict[str, Any]:
        remaining = (
            None
            if self.limit_minutes is None
            else max(self.limit_minutes + self.extra_minutes - self.minutes_used, 0.0)
        )
        return {
            "date": self.local_date.isoformat(),
            "minutes_used": round(self.minutes_used, 1),
            "limit_minutes": self.limit_minutes,
            "extra_minutes": self.extra_minutes,
            "remaining_minutes": None if remaining is None else round(remaining, 1),
            "set_by": self.set_by,
            "reached": self.reached,
            "blocked": self.blocked,
            "unlock": self.unlock,
            "time_away": self.time_away,
            "sources": list(self.sources),
        }


def effective_limit(viewer: Viewer, day: date) -> tuple[int | None, str]:
    """Today's limit in minutes (None: none) and who set it: a parent's limit for this weekday
    wins, then the user's own choice, then the band's default (T8)."""
    controls = viewer.controls
    if controls is not None and day.weekday() in controls.daily_limit_by_weekday:
        return controls.daily_limit_by_weekday[day.weekday()], "parent"
    default = defaults().value("daily_limit_minutes", viewer.band)
    own = viewer.settings.daily_limit_minutes
    if viewer.paired or viewer.band is AgeBand.UNDER_13:
        # The parent's passcode guards this limit (T8): the child may only make it stricter.
        if own is not None and (default is None or own < default):
            return own, "user"
        return default, "default"
    if viewer.settings.daily_limit_off:
        return None, "user"
    if own is not None:
        return own, "user"
    return default, "default"


def unlocked_by(viewer: Viewer) -> str:
    """Who unlocks more time: a paired teen's parent, else the band's rule (T8)."""
    if viewer.paired and viewer.band.minor:
        return "parent_passcode"
    return str(defaults().value("limit_unlock", viewer.band))


def limit_status(
    viewer: Viewer,
    local_now: datetime,
    *,
    used: timedelta,
    extra_minutes: int,
    exempt_until: datetime | None = None,
) -> LimitStatus:
    day = local_now.date()
    limit, set_by = effective_limit(viewer, day)
    minutes = used.total_seconds() / 60
    reached = limit is not None and minutes >= limit + extra_minutes
    away = None
    if viewer.controls is not None and not (exempt_until and local_now < exempt_until):
        for period in viewer.controls.time_away:
            if period.active(local_now):
                away = {**period.as_dict(), "can_request_more_time": True}
                break
    return LimitStatus(
        day,
        minutes,
        limit,
        extra_minutes,
        set_by,
        reached,
        unlocked_by(viewer) if reached else None,
        away,
        defaults().rule("daily_limit_minutes").source_keys + (("T10",) if away else ()),
    )


@dataclass(frozen=True)
class Reminder:
    kind: str  # break, sleep, wind_down, wind_down_second, set_a_limit
    reason: str
    sources: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason, "sources": list(self.sources)}


def _night_start(local_now: datetime, at: time) -> datetime | None:
    """The start of tonight's window opening at ``at`` (until 06:00), or None outside it."""
    today = local_now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if at <= MORNING:  # a window after midnight: from ``at`` to 06:00 the same morning
        return today if today <= local_now and local_now.time() < MORNING else None
    if local_now >= today:
        return today
    if local_now.time() < MORNING:
        return today - timedelta(days=1)
    return None


def reminders_due(
    viewer: Viewer,
    local_now: datetime,
    *,
    intervals: list[Interval],
    events: list[UsageEvent],
    used_today: timedelta,
) -> list[Reminder]:
    """The prompts the platform should show now; each stops being due once the platform
    reports it shown (a ``*_shown`` usage event)."""
    now = local_now
    due: list[Reminder] = []
    using = in_use(intervals, now)
    every = viewer.settings.break_reminder_minutes
    if every:
        run = continuous_use(intervals, events, now=now, since_kind=UsageKind.BREAK_REMINDER_SHOWN)
        if run >= timedelta(minutes=every):
            due.append(
                Reminder(
                    "break", f"{run.total_seconds() / 60:.0f} minutes without a break", ("T9",)
                )
            )
    sleep_at = viewer.settings.sleep_reminder_at
    if sleep_at and using:
        start = _night_start(now, sleep_at)
        if start and shown_since(events, UsageKind.SLEEP_REMINDER_SHOWN, start) is None:
            due.append(
                Reminder("sleep", f"it is past the chosen bedtime {sleep_at:%H:%M}", ("T8",))
            )
    wind = defaults().value("wind_down_after", viewer.band)
    if wind and using and not viewer.settings.wind_down_off:
        start = _night_start(now, time.fromisoformat(wind))
        if start:
            shown = [
                e.at for e in events if e.kind is UsageKind.WIND_DOWN_SHOWN and start <= e.at <= now
            ]
            sources = defaults().rule("wind_down_after").source_keys
            if not shown:
                due.append(Reminder("wind_down", f"it is after {wind}: time to wind down", sources))
            elif len(shown) == 1 and now - shown[0] >= SECOND_WIND_DOWN_AFTER:
                due.append(
                    Reminder(
                        "wind_down_second", "still scrolling after the wind-down screen", sources
                    )
                )
    nudge = defaults().value("limit_off_nudge_minutes", viewer.band)
    limit, set_by = effective_limit(viewer, now.date())
    # A limit turned off, or set above the nudge mark, is the case the nudge is for (T9).
    no_real_limit = limit is None or limit > nudge if nudge else False
    if nudge and no_real_limit and set_by == "user" and used_today >= timedelta(minutes=nudge):
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if shown_since(events, UsageKind.LIMIT_NUDGE_SHOWN, midnight) is None:
            due.append(
                Reminder(
                    "set_a_limit",
                    f"over {nudge} minutes today with no daily limit: suggest setting one",
                    defaults().rule("limit_off_nudge_minutes").source_keys,
                )
            )
    return due


def account_allowed(band: AgeBand, paired: bool) -> bool:
    return band is not AgeBand.UNDER_13 or paired
