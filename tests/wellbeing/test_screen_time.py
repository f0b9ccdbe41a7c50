"""Screen time through the service, on both databases, with an injected clock: time counts
only while the app is in use, days are local (across DST, midnight, and a user who travels),
events count once in any order, reminders come and go. Sources: reference §1.1-1.2 (T7-T10)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from haven.clock import FixedClock
from haven.store.transactions import SqlStore
from haven.wellbeing import service
from haven.wellbeing.errors import (
    InvalidWellbeingRequest,
    PairingRefused,
    TooManyAttempts,
    UnknownUser,
)


def _register(
    store: SqlStore, user_id: str, band: str = "13_15", zone: str = "Europe/Paris", **settings: Any
) -> None:
    service.put_user(
        store,
        platform="clips",
        user_id=user_id,
        age_band=band,
        time_zone_name=zone,
        settings=settings,
        passcode=settings.pop("passcode", None) if "passcode" in settings else None,
        actor="t",
    )


class Usage:
    """Builds usage events with unique ids."""

    def __init__(self, user_id: str) -> None:
        self.user_id, self.count = user_id, 0

    def __call__(self, kind: str, at: datetime) -> dict[str, Any]:
        self.count += 1
        return {
            "event_id": f"{self.user_id}-{self.count}",
            "user_id": self.user_id,
            "kind": kind,
            "at": at,
        }

    def session(self, start: datetime, minutes: float) -> list[dict[str, Any]]:
        end = start + timedelta(minutes=minutes)
        views = [self("view", start + timedelta(minutes=m)) for m in range(1, int(minutes), 3)]
        return [self("foreground", start), *views, self("background", end)]


def _minutes_today(store: SqlStore) -> float:
    return service.screen_time(store, "clips", "ana").limit.minutes_used


def test_time_counts_only_in_the_foreground_and_events_count_once(
    store: SqlStore, clock: FixedClock
) -> None:
    clock._at = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    _register(store, "ana")
    usage = Usage("ana")
    base = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    events = usage.session(base, 10) + usage.session(base + timedelta(minutes=30), 15)
    shuffled = random.Random(3).sample(events, len(events))
    first = service.record_usage(store, "clips", shuffled)
    assert first == {"received": len(events), "accepted": len(events), "duplicates": 0}
    again = service.record_usage(store, "clips", events)  # the platform resends the batch
    assert again["accepted"] == 0 and again["duplicates"] == len(events)
    assert _minutes_today(store) == pytest.approx(25.0)


def test_a_lost_background_is_made_up_five_minutes_after_the_last_event(
    store: SqlStore, clock: FixedClock
) -> None:
    clock._at = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    _register(store, "ana")
    usage = Usage("ana")
    at = lambda h, m: datetime(2026, 3, 10, h, m, tzinfo=UTC)  # noqa: E731
    service.record_usage(
        store,
        "clips",
        [
            # An hour in the foreground with no views: the background is trusted (60 min).
            usage("foreground", at(7, 0)),
            usage("background", at(8, 0)),
            # Opened, a view, then a new foreground 20 minutes later: the background in
            # between was lost, so 09:00-09:08 counts (five minutes past the view).
            usage("foreground", at(9, 0)),
            usage("view", at(9, 3)),
            usage("foreground", at(9, 23)),
            usage("view", at(9, 25)),
            # ...and the app was killed after 09:25: five minutes more, 09:23-09:30.
        ],
    )
    assert _minutes_today(store) == pytest.approx(60.0 + 8.0 + 7.0)


def test_same_instant_events_close_then_reopen() -> None:
    from haven.wellbeing.models import UsageEvent, UsageKind
    from haven.wellbeing.screentime import active_intervals

    t0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    events = [
        UsageEvent(str(n), "ana", UsageKind(kind), t0 + timedelta(minutes=minute))
        for n, (kind, minute) in enumerate(
            [
                ("foreground", 0),
                ("background", 4),
                ("foreground", 4),
                ("view", 8),
                ("background", 9),
            ]
        )
    ]
    intervals = active_intervals(list(reversed(events)), now=t0 + timedelta(hours=1))
    assert sum((i.length for i in intervals), timedelta(0)) == timedelta(minutes=9)


def test_days_are_local_across_midnight_and_the_spring_dst_change(
    store: SqlStore, clock: FixedClock
) -> None:
    """Europe/Paris skips 02:00-03:00 on 29 March 2026: that day has 23 hours."""
    clock._at = datetime(2026, 3, 29, 20, 0, tzinfo=UTC)
    _register(store, "ana")
    usage = Usage("ana")
    # 23:30 to 00:30 local across midnight (22:30-23:30 UTC on the 28th).
    service.record_usage(
        store, "clips", usage.session(datetime(2026, 3, 28, 22, 30, tzinfo=UTC), 60)
    )
    # 01:50 to 03:10 local on the 29th: 20 real minutes across the skipped hour.
    service.record_usage(
        store, "clips", usage.session(datetime(2026, 3, 29, 0, 50, tzinfo=UTC), 20)
    )
    clock._at = datetime(2026, 3, 29, 20, 0, tzinfo=UTC)
    board = service.dashboard(store, "clips", "ana", days=2)
    days = {d["date"]: d for d in board["days"]}
    assert days["2026-03-28"]["minutes"] == pytest.approx(30.0)
    assert days["2026-03-29"]["minutes"] == pytest.approx(50.0)
    assert days["2026-03-29"]["night_minutes"] == pytest.approx(50.0)  # all before 06:00
    assert days["2026-03-28"]["opens"] == 1 and days["2026-03-29"]["opens"] == 1


def test_the_day_follows_a_user_who_travels(store: SqlStore, clock: FixedClock) -> None:
    clock._at = datetime(2026, 3, 30, 22, 0, tzinfo=UTC)
    _register(store, "ana")
    usage = Usage("ana")
    # 23:00-23:50 in Paris on 30 March (21:00-21:50 UTC).
    service.record_usage(
        store, "clips", usage.session(datetime(2026, 3, 30, 21, 0, tzinfo=UTC), 50)
    )
    clock._at = datetime(2026, 3, 30, 22, 30, tzinfo=UTC)  # 00:30 in Paris: a new day
    assert _minutes_today(store) == pytest.approx(0.0)
    _register(store, "ana", zone="America/New_York")  # she flew: 18:30 on 30 March there
    status = service.screen_time(store, "clips", "ana").limit
    assert status.local_date.isoformat() == "2026-03-30"
    assert status.minutes_used == pytest.approx(50.0)


def test_break_reminders_after_continuous_use_t9(store: SqlStore, clock: FixedClock) -> None:
    _register(store, "ana", band="18_plus", break_reminder_minutes=20)
    usage = Usage("ana")
    start = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

    def use_until(minute: int, first: int = 1) -> None:
        clock._at = start + timedelta(minutes=minute)
        views = [usage("view", start + timedelta(minutes=m)) for m in range(first, minute + 1)]
        service.record_usage(store, "clips", views)

    def due() -> list[str]:
        return [r.kind for r in service.screen_time(store, "clips", "ana").reminders]

    clock._at = start
    service.record_usage(store, "clips", [usage("foreground", start)])
    use_until(25)
    assert due() == ["break"]
    service.record_usage(store, "clips", [usage("break_reminder_shown", clock.now())])
    assert due() == []  # shown: the next one is 20 minutes from here
    use_until(40, first=26)
    assert due() == []
    use_until(46, first=41)
    assert due() == ["break"]
    # A real pause (over 5 minutes) ends the run.
    clock._at = start + timedelta(minutes=56)
    service.record_usage(
        store,
        "clips",
        [
            usage("background", start + timedelta(minutes=46)),
            usage("foreground", start + timedelta(minutes=55)),
        ],
    )
    assert due() == []


def test_wind_down_after_22_for_under_16s_then_a_second_prompt_t10(
    store: SqlStore, clock: FixedClock
) -> None:
    _register(store, "ana", band="13_15")
    usage = Usage("ana")
    start = datetime(2026, 3, 10, 21, 5, tzinfo=UTC)  # 22:05 in Paris
    service.record_usage(
        store,
        "clips",
        [usage("foreground", start)]
        + [usage("view", start + timedelta(minutes=m)) for m in range(1, 16)],
    )
    clock._at = start + timedelta(minutes=2)
    assert [r.kind for r in service.screen_time(store, "clips", "ana").reminders] == ["wind_down"]
    service.record_usage(store, "clips", [usage("wind_down_shown", clock.now())])
    assert service.screen_time(store, "clips", "ana").reminders == []
    clock._at = start + timedelta(minutes=13)  # still scrolling ten minutes later
    due = service.screen_time(store, "clips", "ana").reminders
    assert [r.kind for r in due] == ["wind_down_second"] and "T10" in due[0].sources


def test_sleep_reminder_at_the_chosen_time(store: SqlStore, clock: FixedClock) -> None:
    _register(store, "ana", band="18_plus", sleep_reminder_at="23:00")
    usage = Usage("ana")
    start = datetime(2026, 3, 10, 22, 10, tzinfo=UTC)  # 23:10 in Paris
    service.record_usage(store, "clips", [usage("foreground", start)])
    clock._at = start + timedelta(minutes=1)
    assert [r.kind for r in service.screen_time(store, "clips", "ana").reminders] == ["sleep"]
    clock._at = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)  # 22:00: not yet
    assert service.screen_time(store, "clips", "ana").reminders == []


def test_the_daily_limit_and_the_teens_passcode_t8(store: SqlStore, clock: FixedClock) -> None:
    service.put_user(
        store,
        platform="clips",
        user_id="ana",
        age_band="16_17",
        time_zone_name="Europe/Paris",
        settings={},
        passcode="2468",
        actor="t",
    )
    usage = Usage("ana")
    start = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    service.record_usage(store, "clips", usage.session(start, 61))
    clock._at = start + timedelta(minutes=70)
    status = service.screen_time(store, "clips", "ana").limit
    assert status.limit_minutes == 60 and status.reached and status.unlock == "own_passcode"
    for _ in range(5):
        with pytest.raises(PairingRefused):
            service.unlock(store, "clips", "ana", passcode="0000")
    with pytest.raises(TooManyAttempts):
        service.unlock(store, "clips", "ana", passcode="2468")  # locked for 15 minutes
    clock.advance(timedelta(minutes=16))
    after = service.unlock(store, "clips", "ana", passcode="2468", minutes=30).limit
    assert after.extra_minutes == 30 and not after.reached


def test_the_100_minute_nudge_for_a_teen_who_turned_the_limit_off_t9(
    store: SqlStore, clock: FixedClock
) -> None:
    _register(store, "ana", band="13_15", daily_limit_off=True)
    usage = Usage("ana")
    start = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    service.record_usage(store, "clips", usage.session(start, 99))
    clock._at = start + timedelta(minutes=99)
    assert service.screen_time(store, "clips", "ana").limit.limit_minutes is None
    assert "set_a_limit" not in [
        r.kind for r in service.screen_time(store, "clips", "ana").reminders
    ]
    clock._at = start + timedelta(minutes=105)
    service.record_usage(store, "clips", usage.session(start + timedelta(minutes=100), 5))
    assert "set_a_limit" in [r.kind for r in service.screen_time(store, "clips", "ana").reminders]


def test_bad_input_is_refused_and_changes_nothing(store: SqlStore, clock: FixedClock) -> None:
    clock._at = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    _register(store, "ana")
    now = clock.now()
    for settings, field in (
        ({"daily_limit_minutes": -5}, "settings.daily_limit_minutes"),
        ({"break_reminder_minutes": 0}, "settings.break_reminder_minutes"),
        ({"sleep_reminder_at": "25:00"}, "settings.sleep_reminder_at"),
        ({"bedtime": "22:00"}, "settings"),
    ):
        with pytest.raises(InvalidWellbeingRequest) as refused:
            service.put_user(
                store,
                platform="clips",
                user_id="ana",
                age_band="13_15",
                time_zone_name="Europe/Paris",
                settings=settings,
                actor="t",
            )
        assert refused.value.data["field"] == field
    with pytest.raises(InvalidWellbeingRequest, match="IANA"):
        service.put_user(
            store,
            platform="clips",
            user_id="ana",
            age_band="13_15",
            time_zone_name="Mars/Olympus",
            settings={},
            actor="t",
        )
    usage = Usage("ana")
    for bad in (
        [usage("foreground", now), usage("view", now + timedelta(hours=1))],  # the future
        [usage("foreground", now.replace(tzinfo=None))],  # no offset
        [usage("teleport", now)],
        [usage("foreground", now), {**usage("view", now), "user_id": "nobody"}],
    ):
        with pytest.raises((InvalidWellbeingRequest, UnknownUser)):
            service.record_usage(store, "clips", bad)
    assert _minutes_today(store) == 0.0
    with pytest.raises(UnknownUser):
        service.screen_time(store, "clips", "nobody")
    assert service.profile(store, "clips", "ana").time_zone == "Europe/Paris"


def test_the_autumn_dst_day_has_25_hours(store: SqlStore, clock: FixedClock) -> None:
    """Europe/Paris repeats 02:00-03:00 on 25 October 2026: 01:30 to 03:30 local is three
    real hours, all on the 25th."""
    clock._at = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
    _register(store, "ana")
    usage = Usage("ana")
    service.record_usage(
        store, "clips", usage.session(datetime(2026, 10, 24, 23, 30, tzinfo=UTC), 180)
    )
    board = service.dashboard(store, "clips", "ana", days=2)
    days = {d["date"]: d for d in board["days"]}
    assert days["2026-10-25"]["minutes"] == pytest.approx(180.0)
    assert days["2026-10-24"]["minutes"] == pytest.approx(0.0)
