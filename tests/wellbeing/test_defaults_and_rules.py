"""The age-appropriate rules, encoded from ../shared/reference/wellbeing-youth.md. Each test
names the reference's source keys (§7) that the rule comes from."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from haven.wellbeing.ages import AgeBand
from haven.wellbeing.defaults import DefaultsError, defaults, parse_defaults
from haven.wellbeing.models import (
    Audience,
    ContentLevel,
    ParentControls,
    UserSettings,
    ViewedContent,
    Viewer,
    Window,
)
from haven.wellbeing.rules import may_message, may_notify, may_view

PARIS = ZoneInfo("Europe/Paris")


def _user(band: str, *, paired: bool = False, **settings: object) -> Viewer:
    controls = ParentControls() if paired else None
    return Viewer(f"u-{band}", AgeBand(band), UserSettings(**settings), controls)  # type: ignore[arg-type]


def test_every_rule_has_a_value_for_every_band_and_cites_sources() -> None:
    table = defaults()
    assert table.version
    for rule in table.rules.values():
        assert set(rule.values) == set(AgeBand)
        assert rule.sources and all(s.url.startswith("https://") for s in rule.sources)


def test_a_malformed_table_is_refused() -> None:
    with pytest.raises(DefaultsError, match="no value for unknown"):
        parse_defaults(
            {
                "version": "x",
                "sources": {"T5": {"title": "t", "url": "https://x"}},
                "rules": {
                    "r": {
                        "meaning": "m",
                        "values": {b.value: 1 for b in AgeBand if b.value != "unknown"},
                        "sources": ["T5"],
                    }
                },
            }
        )
    with pytest.raises(DefaultsError, match="unknown or missing sources"):
        parse_defaults(
            {
                "version": "x",
                "sources": {},
                "rules": {
                    "r": {
                        "meaning": "m",
                        "values": {b.value: 1 for b in AgeBand},
                        "sources": ["T99"],
                    }
                },
            }
        )


@pytest.mark.parametrize(
    ("rule", "values", "sources"),
    [
        # T5: 13-15 private; 16-17 private unless they choose public; adults public.
        ("account_visibility", ["private", "private", "private", "public", "private"], {"T5"}),
        # T2, T6: DMs off under 16; 16-17 default "no one".
        ("direct_messages", ["off", "off", "no_one", "everyone", "off"], {"T2", "T6"}),
        # T6: no push after 21:00 (13-15) and 22:00 (16-17).
        (
            "notification_quiet_hours",
            [["21:00", "08:00"], ["21:00", "08:00"], ["22:00", "08:00"], None, ["21:00", "08:00"]],
            {"T6"},
        ),
        # T7, T8: 60 minutes a day by default for every under-18.
        ("daily_limit_minutes", [60, 60, 60, None, 60], {"T8"}),
        # T26: LIVE hosting and gifts 18+.
        ("live_hosting", [False, False, False, True, False], {"T26"}),
        ("gifts", [False, False, False, True, False], {"T26"}),
        # T4, T5: no duet/stitch for 13-15; friends for 16-17.
        ("duet_stitch", ["no_one", "no_one", "friends", "everyone", "no_one"], {"T4"}),
        # T8, T9: the 100-minute nudge for teens who turned the limit off.
        ("limit_off_nudge_minutes", [None, 100, 100, None, 100], {"T8"}),
    ],
)
def test_defaults_by_band(rule: str, values: list[object], sources: set[str]) -> None:
    bands = ["under_13", "13_15", "16_17", "18_plus", "unknown"]
    found = defaults().rule(rule)
    assert [found.value(AgeBand(b)) for b in bands] == values
    assert sources <= set(found.source_keys)


def test_unknown_age_gets_the_strictest_teen_rules() -> None:
    """DESIGN: children are protected by default until the age is assured."""
    table = defaults()
    for rule in table.rules.values():
        if rule.id == "account_access":
            continue
        assert rule.value(AgeBand.UNKNOWN) == rule.value(AgeBand.AGE_13_15), rule.id


# --- may V see C ----------------------------------------------------------------------------


def test_age_restricted_content_is_for_adults_only_t25() -> None:
    adult_only = ViewedContent(level=ContentLevel.AGE_RESTRICTED)
    assert may_view(_user("18_plus"), adult_only).allowed
    for band in ("13_15", "16_17", "unknown"):
        answer = may_view(_user(band), adult_only)
        assert not answer.allowed and answer.rule == "content_levels" and "T25" in answer.sources


def test_restricted_mode_shows_only_general_audience_content_t25() -> None:
    teen_level = ViewedContent(level=ContentLevel.TEEN)
    assert may_view(_user("16_17"), teen_level).allowed
    answer = may_view(_user("16_17", restricted_mode=True), teen_level)
    assert not answer.allowed and "Restricted Mode" in answer.reason
    paired = Viewer("t", AgeBand.AGE_16_17, UserSettings(), ParentControls(restricted_mode=True))
    assert not may_view(paired, teen_level).allowed


def test_under_13_only_with_a_parent_managed_account_r6() -> None:
    general = ViewedContent()
    answer = may_view(_user("under_13"), general)
    assert not answer.allowed and answer.rule == "account_access" and "R6" in answer.sources
    assert may_view(_user("under_13", paired=True), general).allowed


def test_photosensitivity_filter_skips_flagged_videos_t22() -> None:
    flashing = ViewedContent(photosensitive=True)
    assert may_view(_user("18_plus"), flashing).allowed
    answer = may_view(_user("18_plus", photosensitivity_filter=True), flashing)
    assert not answer.allowed and answer.sources == ("T22",)


def test_keyword_filters_own_and_a_parents_t12() -> None:
    clip = ViewedContent(text="Watch my #Spiders collection!", author_id="creator")
    assert not may_view(_user("18_plus", keyword_filters=("spiders",)), clip).allowed
    assert may_view(_user("18_plus", keyword_filters=("spider",)), clip).allowed  # whole words
    teen = Viewer(
        "t", AgeBand.AGE_13_15, UserSettings(), ParentControls(keyword_filters=("#spiders",))
    )
    answer = may_view(teen, clip)
    assert not answer.allowed and "parent" in answer.reason and answer.sources == ("T12",)


def test_blocked_accounts_own_and_a_parents_t11() -> None:
    clip = ViewedContent(author_id="creator-9")
    assert not may_view(_user("18_plus", blocked_accounts=("creator-9",)), clip).allowed
    teen = Viewer(
        "t", AgeBand.AGE_16_17, UserSettings(), ParentControls(blocked_accounts=("creator-9",))
    )
    assert may_view(teen, clip).sources == ("T11",)


# --- may A message B ----------------------------------------------------------------------------


def test_no_direct_messages_under_16_t2() -> None:
    adult, young = _user("18_plus"), _user("13_15")
    for sender, recipient in ((adult, young), (young, adult)):
        answer = may_message(
            sender, recipient, recipient_follows_sender=True, sender_follows_recipient=True
        )
        assert not answer.allowed and answer.rule == "direct_messages" and "T2" in answer.sources


def test_an_adult_may_not_message_a_minor_who_does_not_follow_back_r5() -> None:
    adult = _user("18_plus")
    teen = _user("16_17", dm_audience=Audience.FRIENDS)
    answer = may_message(adult, teen, recipient_follows_sender=False, sender_follows_recipient=True)
    assert not answer.allowed and answer.rule == "adult_contact" and "R5" in answer.sources
    friends = may_message(adult, teen, recipient_follows_sender=True, sender_follows_recipient=True)
    assert friends.allowed


def test_16_17_messages_default_to_no_one_t6() -> None:
    answer = may_message(
        _user("16_17"), _user("16_17"), recipient_follows_sender=True, sender_follows_recipient=True
    )
    assert not answer.allowed and "no one" in answer.reason and "T6" in answer.sources


def test_a_minor_cannot_open_messages_to_everyone_nor_a_parent_loosen_them() -> None:
    teen = _user("16_17", dm_audience=Audience.EVERYONE)  # clamped to friends
    stranger = _user("16_17", dm_audience=Audience.FRIENDS)
    assert not may_message(
        stranger, teen, recipient_follows_sender=True, sender_follows_recipient=False
    ).allowed
    paired = Viewer(
        "t",
        AgeBand.AGE_16_17,
        UserSettings(dm_audience=Audience.FRIENDS),
        ParentControls(direct_messages=Audience.NO_ONE),
    )
    assert not may_message(
        stranger, paired, recipient_follows_sender=True, sender_follows_recipient=True
    ).allowed


# --- may B get a notification now -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("band", "hour", "minute", "allowed"),
    [
        ("13_15", 20, 59, True),
        ("13_15", 21, 0, False),  # T6: none after 21:00
        ("13_15", 7, 59, False),
        ("13_15", 8, 0, True),
        ("16_17", 21, 30, True),
        ("16_17", 22, 0, False),  # T6: none after 22:00
        ("18_plus", 3, 0, True),
    ],
)
def test_quiet_hours_in_local_time_t6(band: str, hour: int, minute: int, allowed: bool) -> None:
    local = datetime(2026, 3, 10, hour, minute, tzinfo=PARIS)
    answer = may_notify(_user(band), local)
    assert answer.allowed is allowed
    if not allowed:
        assert "T6" in answer.sources


def test_a_parents_mute_schedule_on_chosen_weekdays_t8() -> None:
    school = Window(
        datetime(2026, 1, 1, 8).time(), datetime(2026, 1, 1, 15).time(), (0, 1, 2, 3, 4)
    )
    teen = Viewer(
        "t", AgeBand.AGE_16_17, UserSettings(), ParentControls(mute_notifications=(school,))
    )
    assert not may_notify(teen, datetime(2026, 3, 10, 10, 0, tzinfo=PARIS)).allowed  # Tuesday
    assert may_notify(teen, datetime(2026, 3, 14, 10, 0, tzinfo=PARIS)).allowed  # Saturday


def test_a_parents_blocks_stop_messages_both_ways_t11() -> None:
    teen = Viewer(
        "teen",
        AgeBand.AGE_16_17,
        UserSettings(dm_audience=Audience.FRIENDS),
        ParentControls(blocked_accounts=("bad",)),
    )
    bad = _user("16_17", dm_audience=Audience.FRIENDS)
    bad = Viewer("bad", bad.band, bad.settings)
    for sender, recipient in ((bad, teen), (teen, bad)):
        answer = may_message(
            sender, recipient, recipient_follows_sender=True, sender_follows_recipient=True
        )
        assert not answer.allowed and answer.sources == ("T11",)


def test_keyword_filters_match_whatever_the_case_or_script_folding() -> None:
    clip = ViewedContent(text="Die STRASSE bei Nacht")
    assert not may_view(_user("18_plus", keyword_filters=("Straße",)), clip).allowed


def test_sleep_reminder_after_midnight_only_until_morning() -> None:
    from datetime import timedelta

    from haven.wellbeing.models import UsageEvent, UsageKind
    from haven.wellbeing.screentime import active_intervals
    from haven.wellbeing.status import reminders_due

    viewer = _user("18_plus", sleep_reminder_at=datetime(2026, 1, 1, 0, 30).time())
    for hour, minute, due in (
        (0, 15, False),
        (0, 45, True),
        (5, 45, True),
        (15, 0, False),
        (23, 45, False),
    ):
        now = datetime(2026, 3, 10, hour, minute, tzinfo=PARIS)
        events = [UsageEvent("f", "u", UsageKind.FOREGROUND, now - timedelta(minutes=2))]
        intervals = active_intervals(events, now=now)
        kinds = [
            r.kind
            for r in reminders_due(
                viewer, now, intervals=intervals, events=events, used_today=timedelta(0)
            )
        ]
        assert ("sleep" in kinds) is due, (hour, kinds)


def test_parents_narrow_visibility_and_private_accounts_allow_no_duets_t5() -> None:
    from haven.wellbeing.rules import effective_settings

    young = Viewer("t", AgeBand.AGE_13_15, UserSettings(), ParentControls(discoverability="public"))
    assert effective_settings(young)["account_visibility"] == "private"
    older = effective_settings(_user("16_17"))
    assert older["account_visibility"] == "private" and older["duet_stitch"] == "no_one"
    assert effective_settings(_user("18_plus"))["duet_stitch"] == "everyone"
