"""The questions a platform asks before it acts, answered from the defaults table, a parent's
controls and the user's own settings. Pure functions: the service loads the facts, these
decide. Every answer names its rule and the rule's sources."""

from __future__ import annotations

import re
from datetime import datetime, time
from functools import lru_cache
from typing import Any

from haven.wellbeing.ages import AgeBand
from haven.wellbeing.defaults import defaults
from haven.wellbeing.models import Answer, Audience, ContentLevel, ViewedContent, Viewer, Window

# Reference §1.1 (T22): a viewer who chose "skip all" sees no photosensitive video again.
PHOTOSENSITIVITY_SOURCES = ("T22",)
# DSA Art. 28 guidelines: only accepted contacts may message a minor.
ADULT_CONTACT_SOURCES = ("R5", "T6")


def _rule_answer(allowed: bool, reason: str, rule_id: str, **details: Any) -> Answer:
    return Answer(allowed, reason, rule_id, defaults().rule(rule_id).source_keys, details)


def _access(user: Viewer, who: str) -> Answer | None:
    """Under-13s only with a parent-managed (paired) account (COPPA, R6)."""
    if user.band is AgeBand.UNDER_13 and not user.paired:
        return _rule_answer(
            False, f"{who} is under 13 and has no parent-managed account", "account_access"
        )
    return None


@lru_cache(maxsize=4096)
def _keyword_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for a filter list: whole words, any case; ``#tag`` matches ``tag``."""
    cleaned = sorted({w.casefold().lstrip("#").strip() for w in words} - {""}, key=len)
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(w) for w in reversed(cleaned))
    return re.compile(rf"(?<![\w]){'(?:' + alternatives + ')'}(?![\w])", re.IGNORECASE)


def keyword_hit(words: tuple[str, ...], text: str) -> str | None:
    pattern = _keyword_pattern(words)
    if pattern is None or not text:
        return None
    found = pattern.search(text.casefold())  # keywords are casefolded too ("Straße" = "strasse")
    return found.group(0) if found else None


def allowed_levels(viewer: Viewer) -> tuple[ContentLevel, ...]:
    levels = tuple(ContentLevel(v) for v in defaults().value("content_levels", viewer.band))
    restricted = viewer.settings.restricted_mode or (
        viewer.controls is not None and viewer.controls.restricted_mode
    )
    return (ContentLevel.GENERAL,) if restricted else levels


def may_view(viewer: Viewer, content: ViewedContent) -> Answer:
    """May ``viewer`` see ``content`` here: account access, blocked accounts, content level
    (with Restricted Mode), the photosensitivity filter, and keyword filters (own and a
    parent's)."""
    refused = _access(viewer, "the viewer")
    if refused:
        return refused
    author = content.author_id
    if author is not None:
        if author in viewer.settings.blocked_accounts:
            return Answer(False, "the viewer blocked the author", "blocked_accounts")
        if viewer.controls is not None and author in viewer.controls.blocked_accounts:
            return Answer(
                False, "a parent blocked the author for this teen", "blocked_accounts", ("T11",)
            )
    levels = allowed_levels(viewer)
    if content.level not in levels:
        restricted = ContentLevel(content.level) in defaults().value("content_levels", viewer.band)
        why = (
            "Restricted Mode shows only general-audience content"
            if restricted
            else f"{content.level.value} content is not shown to the {viewer.band.value} band"
        )
        return _rule_answer(
            False, why, "content_levels", allowed_levels=[lv.value for lv in levels]
        )
    if content.photosensitive and viewer.settings.photosensitivity_filter:
        return Answer(
            False,
            "the viewer filters photosensitive videos (skip all)",
            "photosensitivity_filter",
            PHOTOSENSITIVITY_SOURCES,
        )
    word = keyword_hit(viewer.settings.keyword_filters, content.text)
    if word:
        return Answer(
            False, f"the viewer filters the keyword {word!r}", "keyword_filters", ("T25",)
        )
    if viewer.controls is not None:
        word = keyword_hit(viewer.controls.keyword_filters, content.text)
        if word:
            return Answer(
                False,
                f"a parent's keyword filter matches {word!r}",
                "keyword_filters",
                ("T12",),
            )
    return Answer(True, "nothing in the rules, settings or filters stops it", "may_view")


def _dm_audience(user: Viewer) -> Audience | None:
    """Who may message ``user``; None: direct messages are off for the band."""
    default = defaults().value("direct_messages", user.band)
    if default == "off":
        return None
    chosen = user.settings.dm_audience or Audience(default)
    if user.band.minor and chosen is Audience.EVERYONE:
        chosen = Audience.FRIENDS  # a minor can open DMs to friends at most
    if user.controls is not None and user.controls.direct_messages is not None:
        parent = user.controls.direct_messages
        order = [Audience.NO_ONE, Audience.FRIENDS, Audience.EVERYONE]
        chosen = min(chosen, parent, key=order.index)  # the parent's choice can only narrow
    return chosen


def may_message(
    sender: Viewer,
    recipient: Viewer,
    *,
    recipient_follows_sender: bool,
    sender_follows_recipient: bool,
) -> Answer:
    """May ``sender`` send ``recipient`` a direct message."""
    for user, who in ((sender, "the sender"), (recipient, "the recipient")):
        refused = _access(user, who)
        if refused:
            return refused
    if recipient.user_id in sender.settings.blocked_accounts or sender.user_id in (
        recipient.settings.blocked_accounts
    ):
        return Answer(False, "one of them blocked the other", "blocked_accounts")
    if (sender.controls is not None and recipient.user_id in sender.controls.blocked_accounts) or (
        recipient.controls is not None and sender.user_id in recipient.controls.blocked_accounts
    ):
        return Answer(
            False, "a parent blocked this account for the teen", "blocked_accounts", ("T11",)
        )
    if _dm_audience(sender) is None:
        return _rule_answer(
            False,
            f"direct messages are not available to the {sender.band.value} band",
            "direct_messages",
        )
    audience = _dm_audience(recipient)
    if audience is None:
        return _rule_answer(
            False,
            f"direct messages are not available to the {recipient.band.value} band",
            "direct_messages",
        )
    if not sender.band.minor and recipient.band.minor and not recipient_follows_sender:
        return Answer(
            False,
            "an adult may not message a minor who does not follow them back",
            "adult_contact",
            ADULT_CONTACT_SOURCES,
        )
    friends = recipient_follows_sender and sender_follows_recipient
    if audience is Audience.NO_ONE:
        return _rule_answer(False, "the recipient accepts messages from no one", "direct_messages")
    if audience is Audience.FRIENDS and not friends:
        return _rule_answer(
            False,
            "the recipient accepts messages from friends (mutual follows) only",
            "direct_messages",
        )
    return _rule_answer(
        True, f"the recipient accepts messages from {audience.value}", "direct_messages"
    )


def _window(raw: list[str] | None) -> Window | None:
    if not raw:
        return None
    return Window(time.fromisoformat(raw[0]), time.fromisoformat(raw[1]))


def may_notify(user: Viewer, local_now: datetime) -> Answer:
    """May ``user`` get a push notification now (``local_now`` in the user's time zone)."""
    quiet = _window(defaults().value("notification_quiet_hours", user.band))
    if quiet is not None and quiet.contains(local_now):
        return _rule_answer(
            False,
            f"no push notifications {quiet.start:%H:%M}-{quiet.end:%H:%M} for the"
            f" {user.band.value} band (not changeable)",
            "notification_quiet_hours",
        )
    if user.controls is not None:
        for window in user.controls.mute_notifications:
            if window.contains(local_now):
                return Answer(
                    False,
                    f"a parent muted notifications {window.start:%H:%M}-{window.end:%H:%M}",
                    "mute_notifications",
                    ("T8",),
                )
        for away in user.controls.time_away:
            if away.active(local_now):
                return Answer(False, f"Time Away ({away.name}) is on", "time_away", ("T10",))
    own = user.settings.quiet_hours
    if own is not None and own.contains(local_now):
        return Answer(False, "the user's own quiet hours", "quiet_hours")
    return Answer(True, "not in any quiet hours", "notification_quiet_hours")


def effective_settings(viewer: Viewer) -> dict[str, Any]:
    """The settings the platform applies to the account now: the band's defaults, the user's
    own choices where the rules let them, and a parent's controls over both (reference §1.2,
    §1.3). The platform reads these after every change."""
    table = defaults()
    band = viewer.band
    controls = viewer.controls
    dm = _dm_audience(viewer)
    visibility = table.value("account_visibility", band)
    comments = table.value("comment_audience", band)
    liked: str | None = None
    search = True
    if controls is not None and controls.discoverability == "private":
        visibility = "private"  # a parent can make the account private, never public (R5)
    if controls is not None:
        if controls.comments is not None:
            order = ["no_one", "friends", "everyone"]
            comments = min(comments, controls.comments.value, key=order.index)
        liked = controls.liked_videos.value if controls.liked_videos else None
        search = controls.search_allowed
    return {
        "account_visibility": visibility,
        "suggest_account": table.value("suggest_account", band),
        # A private account's videos cannot be duetted, stitched or downloaded (T5).
        "duet_stitch": "no_one" if visibility == "private" else table.value("duet_stitch", band),
        "downloads": False if visibility == "private" else table.value("downloads", band),
        "comment_audience": comments,
        "direct_messages": dm.value if dm else "off",
        "liked_videos": liked,
        "search_allowed": search,
        "content_levels": [level.value for level in allowed_levels(viewer)],
        "restricted_mode": allowed_levels(viewer) == (ContentLevel.GENERAL,),
        "live_hosting": table.value("live_hosting", band),
        "gifts": table.value("gifts", band),
        "notification_quiet_hours": table.value("notification_quiet_hours", band),
        "paired": viewer.paired,
    }
