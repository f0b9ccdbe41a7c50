"""What the well-being service knows about a platform's users, their parents' controls and
their use of the app; and the answers it gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from haven.wellbeing.ages import AgeBand


class ContentLevel(StrEnum):
    """TikTok's content levels (T25): general audience, teen-appropriate, adults only."""

    GENERAL = "general"
    TEEN = "teen"
    AGE_RESTRICTED = "age_restricted"


class Audience(StrEnum):
    NO_ONE = "no_one"
    FRIENDS = "friends"  # people who follow each other
    EVERYONE = "everyone"


class UsageKind(StrEnum):
    FOREGROUND = "foreground"  # the app opened or came back to the screen
    BACKGROUND = "background"  # the app left the screen
    VIEW = "view"  # a video was watched (the app is in use)
    # The platform showed a prompt Haven asked for: the next one is timed from here.
    BREAK_REMINDER_SHOWN = "break_reminder_shown"
    SLEEP_REMINDER_SHOWN = "sleep_reminder_shown"
    WIND_DOWN_SHOWN = "wind_down_shown"
    LIMIT_NUDGE_SHOWN = "limit_nudge_shown"


ACTIVITY = {UsageKind.FOREGROUND, UsageKind.BACKGROUND, UsageKind.VIEW}


@dataclass(frozen=True)
class UsageEvent:
    event_id: str
    user_id: str
    kind: UsageKind
    at: datetime  # timezone-aware


@dataclass(frozen=True)
class Window:
    """A daily local-time window, e.g. 21:00-08:00 (it may cross midnight), on some weekdays
    (0 = Monday) or every day."""

    start: time
    end: time
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)

    def contains(self, local: datetime) -> bool:
        now = local.time().replace(tzinfo=None)
        if self.start <= self.end:
            return local.weekday() in self.weekdays and self.start <= now < self.end
        # Crossing midnight: the part after midnight belongs to the previous day's window.
        if now >= self.start:
            return local.weekday() in self.weekdays
        return now < self.end and (local.weekday() - 1) % 7 in self.weekdays

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "weekdays": list(self.weekdays),
        }


@dataclass(frozen=True)
class TimeAway:
    """A Family Pairing Time Away period: recurring local windows, or one-off instants."""

    name: str
    window: Window | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    def active(self, local: datetime) -> bool:
        if self.window is not None:
            return self.window.contains(local)
        if self.starts_at is None or self.ends_at is None:
            return False
        return self.starts_at <= local < self.ends_at

    def as_dict(self) -> dict[str, Any]:
        if self.window is not None:
            return {"name": self.name, **self.window.as_dict()}
        return {
            "name": self.name,
            "starts_at": self.starts_at.isoformat() if self.starts_at else None,
            "ends_at": self.ends_at.isoformat() if self.ends_at else None,
        }


@dataclass(frozen=True)
class UserSettings:
    """The user's own choices. For minors, nothing here loosens the defaults table except
    where that table says the user may (a 16-17 may open DMs to friends)."""

    daily_limit_minutes: int | None = None  # None: the band's default
    daily_limit_off: bool = False  # the user turned the limit off (>100-minute nudge)
    break_reminder_minutes: int | None = None  # 10, 20, 30 or custom; None: no reminder
    sleep_reminder_at: time | None = None
    restricted_mode: bool = False
    photosensitivity_filter: bool = False  # "skip all" flashing videos (T22)
    keyword_filters: tuple[str, ...] = ()
    blocked_accounts: tuple[str, ...] = ()
    dm_audience: Audience | None = None  # None: the band's default
    quiet_hours: Window | None = None  # an adult's own; minors' are fixed by band
    wind_down_off: bool = False  # Wind Down can be turned off (T10)


@dataclass(frozen=True)
class ParentControls:
    """The Family Pairing matrix (reference §1.3). ``None`` leaves the teen's choice."""

    daily_limit_by_weekday: dict[int, int | None] = field(default_factory=dict)
    time_away: tuple[TimeAway, ...] = ()
    restricted_mode: bool | None = None
    search_allowed: bool = True
    discoverability: str | None = None  # private or public
    direct_messages: Audience | None = None
    comments: Audience | None = None
    liked_videos: Audience | None = None
    keyword_filters: tuple[str, ...] = ()
    blocked_accounts: tuple[str, ...] = ()
    mute_notifications: tuple[Window, ...] = ()


@dataclass(frozen=True)
class UserProfile:
    platform: str
    user_id: str
    age_band: AgeBand
    time_zone: str  # IANA name
    settings: UserSettings
    has_passcode: bool
    updated_at: datetime


@dataclass(frozen=True)
class Link:
    """A Family Pairing link between a parent and a teen, with the parent's controls."""

    id: str
    platform: str
    parent_id: str
    teen_id: str
    created_at: datetime
    controls: ParentControls
    has_parent_passcode: bool
    ended_at: datetime | None = None
    ended_by: str | None = None


@dataclass(frozen=True)
class ViewedContent:
    """What the "may V see C" question needs to know of a video."""

    level: ContentLevel = ContentLevel.GENERAL
    author_id: str | None = None
    text: str = ""  # caption, hashtags, on-screen text: what keyword filters read
    photosensitive: bool = False


@dataclass(frozen=True)
class Viewer:
    """A user as the questions see them: band, own settings, and a parent's controls."""

    user_id: str
    band: AgeBand
    settings: UserSettings
    controls: ParentControls | None = None  # set when paired

    @property
    def paired(self) -> bool:
        return self.controls is not None


@dataclass(frozen=True)
class Answer:
    """Yes or no, why, the rule that decided and its sources."""

    allowed: bool
    reason: str
    rule: str
    sources: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "reason": self.reason,
            "rule": self.rule,
            "sources": list(self.sources),
            **({"details": self.details} if self.details else {}),
        }
