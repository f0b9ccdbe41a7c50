"""Settings and controls to and from JSON, checked: every bad value is refused with the field
it came in (an unknown time zone, a negative duration, a weekday of 9...)."""

from __future__ import annotations

from datetime import datetime, time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from haven.wellbeing.errors import InvalidWellbeingRequest
from haven.wellbeing.models import Audience, ParentControls, TimeAway, UserSettings, Window

MAX_MINUTES = 24 * 60
MAX_WORDS = 200
MAX_ACCOUNTS = 1000


def _bad(field: str, message: str) -> InvalidWellbeingRequest:
    return InvalidWellbeingRequest(f"{field}: {message}", field=field)


@cache
def _known_zones() -> frozenset[str]:
    # Only names of the IANA database: not "localtime" (the host's), "posix/..." or folders.
    return frozenset(available_timezones()) - {"localtime", "Factory"}


def time_zone(name: str, field: str = "time_zone") -> ZoneInfo:
    if not isinstance(name, str) or name not in _known_zones():
        raise _bad(field, f"{name!r} is not an IANA time zone (like Europe/Paris)")
    return ZoneInfo(name)


def _minutes(value: Any, field: str, *, allow_none: bool = True) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MINUTES:
        raise _bad(field, f"a whole number of minutes from 1 to {MAX_MINUTES}")
    return value


def clock_time(value: Any, field: str) -> time:
    if not isinstance(value, str) or len(value) != 5:
        raise _bad(field, "a local time as HH:MM")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise _bad(field, "a local time as HH:MM") from None


def _window(raw: Any, field: str) -> Window:
    if not isinstance(raw, dict):
        raise _bad(field, "an object with start, end and weekdays")
    unknown = set(raw) - {"start", "end", "weekdays"}
    if unknown:
        raise _bad(field, f"unknown keys {sorted(unknown)}")
    days = raw.get("weekdays", list(range(7)))
    if (
        not isinstance(days, list)
        or not days
        or any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days)
    ):
        raise _bad(f"{field}.weekdays", "weekdays 0 (Monday) to 6 (Sunday)")
    start, end = (
        clock_time(raw.get("start"), f"{field}.start"),
        clock_time(raw.get("end"), f"{field}.end"),
    )
    if start == end:
        raise _bad(field, "start and end are the same")
    return Window(start, end, tuple(sorted(set(days))))


def _words(raw: Any, field: str, limit: int) -> tuple[str, ...]:
    if not isinstance(raw, list) or len(raw) > limit:
        raise _bad(field, f"a list of at most {limit} entries")
    words = []
    for word in raw:
        if not isinstance(word, str) or not 1 <= len(word.strip()) <= 100:
            raise _bad(field, "entries of 1-100 characters")
        words.append(word.strip())
    return tuple(dict.fromkeys(words))


def _audience(raw: Any, field: str) -> Audience | None:
    if raw is None:
        return None
    try:
        return Audience(raw)
    except ValueError:
        raise _bad(field, f"one of {', '.join(a.value for a in Audience)}") from None


def _flag(raw: Any, field: str) -> bool:
    if not isinstance(raw, bool):
        raise _bad(field, "true or false")
    return raw


SETTINGS_KEYS = {
    "daily_limit_minutes",
    "daily_limit_off",
    "break_reminder_minutes",
    "sleep_reminder_at",
    "restricted_mode",
    "photosensitivity_filter",
    "keyword_filters",
    "blocked_accounts",
    "dm_audience",
    "quiet_hours",
    "wind_down_off",
}


def parse_settings(raw: dict[str, Any]) -> UserSettings:
    unknown = set(raw) - SETTINGS_KEYS
    if unknown:
        raise _bad("settings", f"unknown keys {sorted(unknown)}")
    f = "settings."
    return UserSettings(
        daily_limit_minutes=_minutes(raw.get("daily_limit_minutes"), f + "daily_limit_minutes"),
        daily_limit_off=_flag(raw.get("daily_limit_off", False), f + "daily_limit_off"),
        break_reminder_minutes=_minutes(
            raw.get("break_reminder_minutes"), f + "break_reminder_minutes"
        ),
        sleep_reminder_at=(
            clock_time(raw["sleep_reminder_at"], f + "sleep_reminder_at")
            if raw.get("sleep_reminder_at") is not None
            else None
        ),
        restricted_mode=_flag(raw.get("restricted_mode", False), f + "restricted_mode"),
        photosensitivity_filter=_flag(
            raw.get("photosensitivity_filter", False), f + "photosensitivity_filter"
        ),
        keyword_filters=_words(raw.get("keyword_filters", []), f + "keyword_filters", MAX_WORDS),
        blocked_accounts=_words(
            raw.get("blocked_accounts", []), f + "blocked_accounts", MAX_ACCOUNTS
        ),
        dm_audience=_audience(raw.get("dm_audience"), f + "dm_audience"),
        quiet_hours=_window(raw["quiet_hours"], f + "quiet_hours")
        if raw.get("quiet_hours")
        else None,
        wind_down_off=_flag(raw.get("wind_down_off", False), f + "wind_down_off"),
    )


def settings_dict(settings: UserSettings) -> dict[str, Any]:
    return {
        "daily_limit_minutes": settings.daily_limit_minutes,
        "daily_limit_off": settings.daily_limit_off,
        "break_reminder_minutes": settings.break_reminder_minutes,
        "sleep_reminder_at": settings.sleep_reminder_at.strftime("%H:%M")
        if settings.sleep_reminder_at
        else None,
        "restricted_mode": settings.restricted_mode,
        "photosensitivity_filter": settings.photosensitivity_filter,
        "keyword_filters": list(settings.keyword_filters),
        "blocked_accounts": list(settings.blocked_accounts),
        "dm_audience": settings.dm_audience.value if settings.dm_audience else None,
        "quiet_hours": settings.quiet_hours.as_dict() if settings.quiet_hours else None,
        "wind_down_off": settings.wind_down_off,
    }


CONTROL_KEYS = {
    "daily_limit_by_weekday",
    "time_away",
    "restricted_mode",
    "search_allowed",
    "discoverability",
    "direct_messages",
    "comments",
    "liked_videos",
    "keyword_filters",
    "blocked_accounts",
    "mute_notifications",
}


def _time_away(raw: Any, field: str, zone: ZoneInfo) -> TimeAway:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise _bad(
            field, "an object with a name and either start/end/weekdays or starts_at/ends_at"
        )
    name = raw["name"].strip()[:100]
    if "starts_at" in raw or "ends_at" in raw:
        if set(raw) - {"name", "starts_at", "ends_at"}:
            raise _bad(field, "a one-off period has name, starts_at and ends_at only")
        starts, ends = (
            _instant(raw.get("starts_at"), f"{field}.starts_at", zone),
            _instant(raw.get("ends_at"), f"{field}.ends_at", zone),
        )
        if ends <= starts:
            raise _bad(field, "ends_at must come after starts_at (a negative or empty period)")
        return TimeAway(name, starts_at=starts, ends_at=ends)
    window = _window({k: v for k, v in raw.items() if k != "name"}, field)
    return TimeAway(name, window=window)


def _instant(raw: Any, field: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 date-time; without an offset it is the teen's local time."""
    if not isinstance(raw, str):
        raise _bad(field, "an ISO 8601 date-time")
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise _bad(field, "an ISO 8601 date-time") from None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed


def parse_controls(raw: dict[str, Any], zone: ZoneInfo) -> ParentControls:
    unknown = set(raw) - CONTROL_KEYS
    if unknown:
        raise _bad("controls", f"unknown keys {sorted(unknown)}")
    f = "controls."
    limits_raw = raw.get("daily_limit_by_weekday", {})
    if not isinstance(limits_raw, dict):
        raise _bad(f + "daily_limit_by_weekday", "an object from weekday (0-6) to minutes or null")
    limits: dict[int, int | None] = {}
    for key, value in limits_raw.items():
        if str(key) not in {str(d) for d in range(7)}:
            raise _bad(f + "daily_limit_by_weekday", f"{key!r} is not a weekday 0 (Monday) to 6")
        limits[int(key)] = _minutes(value, f"{f}daily_limit_by_weekday.{key}")
    away_raw = raw.get("time_away", [])
    if not isinstance(away_raw, list) or len(away_raw) > 50:
        raise _bad(f + "time_away", "a list of at most 50 periods")
    mutes_raw = raw.get("mute_notifications", [])
    if not isinstance(mutes_raw, list) or len(mutes_raw) > 20:
        raise _bad(f + "mute_notifications", "a list of at most 20 windows")
    discoverability = raw.get("discoverability")
    if discoverability not in (None, "private", "public"):
        raise _bad(f + "discoverability", "private or public")
    restricted = raw.get("restricted_mode")
    if restricted is not None:
        _flag(restricted, f + "restricted_mode")
    return ParentControls(
        daily_limit_by_weekday=limits,
        time_away=tuple(_time_away(p, f"{f}time_away.{i}", zone) for i, p in enumerate(away_raw)),
        restricted_mode=restricted,
        search_allowed=_flag(raw.get("search_allowed", True), f + "search_allowed"),
        discoverability=discoverability,
        direct_messages=_audience(raw.get("direct_messages"), f + "direct_messages"),
        comments=_audience(raw.get("comments"), f + "comments"),
        liked_videos=_audience(raw.get("liked_videos"), f + "liked_videos"),
        keyword_filters=_words(raw.get("keyword_filters", []), f + "keyword_filters", MAX_WORDS),
        blocked_accounts=_words(
            raw.get("blocked_accounts", []), f + "blocked_accounts", MAX_ACCOUNTS
        ),
        mute_notifications=tuple(
            _window(w, f"{f}mute_notifications.{i}") for i, w in enumerate(mutes_raw)
        ),
    )


def controls_dict(controls: ParentControls) -> dict[str, Any]:
    return {
        "daily_limit_by_weekday": {
            str(k): v for k, v in sorted(controls.daily_limit_by_weekday.items())
        },
        "time_away": [p.as_dict() for p in controls.time_away],
        "restricted_mode": controls.restricted_mode,
        "search_allowed": controls.search_allowed,
        "discoverability": controls.discoverability,
        "direct_messages": controls.direct_messages.value if controls.direct_messages else None,
        "comments": controls.comments.value if controls.comments else None,
        "liked_videos": controls.liked_videos.value if controls.liked_videos else None,
        "keyword_filters": list(controls.keyword_filters),
        "blocked_accounts": list(controls.blocked_accounts),
        "mute_notifications": [w.as_dict() for w in controls.mute_notifications],
    }
