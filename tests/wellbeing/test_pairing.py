"""Family Pairing on both databases (reference §1.3; T1, T3, T8, T10, T12): a one-time code,
both sides' consent, the parent's controls applied at the teen's next check, Time Away with
the teen's request and the parent's answer, unlinking with the parent told, every change
audited, and no message content anywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from haven.clock import FixedClock
from haven.store.transactions import SqlStore
from haven.wellbeing import service
from haven.wellbeing.errors import (
    InvalidWellbeingRequest,
    NotPaired,
    PairingRefused,
    TooManyAttempts,
)
from haven.wellbeing.models import ViewedContent

NOON = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 12:00 in Paris, a Tuesday


@pytest.fixture
def family(store: SqlStore, clock: FixedClock) -> SqlStore:
    clock._at = NOON
    for user_id, band in (
        ("mum", "18_plus"),
        ("teen", "13_15"),
        ("other", "18_plus"),
        ("kid", "under_13"),
    ):
        service.put_user(
            store,
            platform="clips",
            user_id=user_id,
            age_band=band,
            time_zone_name="Europe/Paris",
            settings={},
            actor="t",
        )
    return store


def _pair(store: SqlStore, teen: str = "teen") -> str:
    code, _ = service.issue_pairing_code(store, "clips", "mum", actor="t")
    return service.redeem_pairing_code(store, "clips", teen, code, actor="t").id


def test_a_code_is_single_use_and_expires_in_ten_minutes(
    family: SqlStore, clock: FixedClock
) -> None:
    code, expires = service.issue_pairing_code(family, "clips", "mum", actor="t")
    assert expires - clock.now() == timedelta(minutes=10) and len(code) == 8
    service.redeem_pairing_code(
        family, "clips", "teen", code.lower(), actor="t"
    )  # case-insensitive
    with pytest.raises(PairingRefused, match="already used"):
        service.redeem_pairing_code(family, "clips", "kid", code, actor="t")
    late, _ = service.issue_pairing_code(family, "clips", "mum", actor="t")
    clock.advance(timedelta(minutes=10, seconds=1))
    with pytest.raises(PairingRefused, match="expired"):
        service.redeem_pairing_code(family, "clips", "kid", late, actor="t")


def test_guessing_is_limited(family: SqlStore) -> None:
    code, _ = service.issue_pairing_code(family, "clips", "mum", actor="t")
    for _ in range(5):
        with pytest.raises(PairingRefused):
            service.redeem_pairing_code(family, "clips", "teen", "AAAAAAAA", actor="t")
    with pytest.raises(TooManyAttempts):
        service.redeem_pairing_code(family, "clips", "teen", code, actor="t")  # even the right one


def test_only_an_adult_pairs_with_a_minor(family: SqlStore) -> None:
    service.put_user(
        family,
        platform="clips",
        user_id="teen2",
        age_band="16_17",
        time_zone_name="Europe/Paris",
        settings={},
        actor="t",
    )
    with pytest.raises(NotPaired, match="adult account"):
        service.issue_pairing_code(family, "clips", "teen2", actor="t")
    code, _ = service.issue_pairing_code(family, "clips", "mum", actor="t")
    with pytest.raises(NotPaired, match="adult's"):
        service.redeem_pairing_code(family, "clips", "other", code, actor="t")


def test_a_parents_limit_change_applies_at_the_teens_next_check_t8(
    family: SqlStore, clock: FixedClock
) -> None:
    _pair(family)
    events = [
        {
            "event_id": "e1",
            "user_id": "teen",
            "kind": "foreground",
            "at": NOON - timedelta(minutes=50),
        },
        *[
            {
                "event_id": f"v{m}",
                "user_id": "teen",
                "kind": "view",
                "at": NOON - timedelta(minutes=m),
            }
            for m in range(1, 50, 3)
        ],
    ]
    service.record_usage(family, "clips", events)
    before = service.screen_time(family, "clips", "teen").limit
    assert before.limit_minutes == 60 and not before.reached
    tuesday = str(NOON.weekday())
    service.set_controls(
        family,
        "clips",
        parent_id="mum",
        teen_id="teen",
        controls={"daily_limit_by_weekday": {tuesday: 45}},
        parent_passcode="4321",
        actor="t",
    )
    after = service.screen_time(family, "clips", "teen").limit
    assert after.limit_minutes == 45 and after.set_by == "parent" and after.reached
    assert after.unlock == "parent_passcode"  # a paired teen needs the parent (T8)
    with pytest.raises(PairingRefused, match="wrong"):
        service.unlock(family, "clips", "teen", passcode="1111")  # not the parent's
    unlocked = service.unlock(family, "clips", "teen", passcode="4321", minutes=15).limit
    assert unlocked.extra_minutes == 15 and not unlocked.reached


def test_time_away_request_more_time_and_the_parents_answer_t10(
    family: SqlStore, clock: FixedClock
) -> None:
    _pair(family)
    service.set_controls(
        family,
        "clips",
        parent_id="mum",
        teen_id="teen",
        controls={
            "time_away": [
                {"name": "school", "start": "08:00", "end": "16:00", "weekdays": [0, 1, 2, 3, 4]}
            ]
        },
        actor="t",
    )
    status = service.screen_time(family, "clips", "teen").limit
    assert status.blocked and status.time_away is not None and status.time_away["name"] == "school"
    assert not service.may_notify(family, "clips", "teen").allowed
    request = service.request_time(
        family, "clips", teen_id="teen", minutes=20, reason="homework video", actor="t"
    )
    notices = service.notices(family, "clips", "mum")
    assert notices[0]["kind"] == "pairing.time_requested"
    with pytest.raises(NotPaired):
        service.answer_time_request(
            family, "clips", parent_id="other", request_id=request, approve=True, actor="t"
        )
    answer = service.answer_time_request(
        family, "clips", parent_id="mum", request_id=request, approve=True, actor="t"
    )
    assert answer == {"request_id": request, "status": "approved", "minutes": 20}
    assert not service.screen_time(family, "clips", "teen").limit.blocked
    clock.advance(timedelta(minutes=21))
    assert service.screen_time(family, "clips", "teen").limit.blocked  # the 20 minutes are over
    with pytest.raises(InvalidWellbeingRequest, match="already answered"):
        service.answer_time_request(
            family, "clips", parent_id="mum", request_id=request, approve=False, actor="t"
        )


def test_keyword_filters_restricted_mode_and_blocked_accounts_reach_the_teens_feed_t12(
    family: SqlStore,
) -> None:
    _pair(family)
    clip = ViewedContent(text="top 10 horror pranks", author_id="creator-1")
    assert service.may_view(family, "clips", "teen", clip).allowed
    service.set_controls(
        family,
        "clips",
        parent_id="mum",
        teen_id="teen",
        controls={"keyword_filters": ["horror"], "blocked_accounts": ["creator-2"]},
        actor="t",
    )
    answer = service.may_view(family, "clips", "teen", clip)
    assert not answer.allowed and answer.sources == ("T12",)
    assert not service.may_view(
        family, "clips", "teen", ViewedContent(author_id="creator-2")
    ).allowed


def test_the_teen_sees_what_is_set_and_the_parent_never_sees_messages(family: SqlStore) -> None:
    _pair(family)
    service.set_controls(
        family,
        "clips",
        parent_id="mum",
        teen_id="teen",
        controls={"restricted_mode": True},
        actor="t",
    )
    teen_view = service.pairing_view(family, "clips", "teen")
    assert teen_view["parent"]["parent_id"] == "mum"
    assert teen_view["parent"]["controls"]["restricted_mode"] is True
    parent_view = service.pairing_view(family, "clips", "mum")
    assert [t["teen_id"] for t in parent_view["teens"]] == ["teen"]
    shown = str(parent_view) + str(service.notices(family, "clips", "mum"))
    assert "message" not in shown.replace("direct_messages", "")


def test_the_teen_can_unlink_and_the_parent_is_told_t1(family: SqlStore) -> None:
    _pair(family)
    service.set_controls(
        family,
        "clips",
        parent_id="mum",
        teen_id="teen",
        controls={"restricted_mode": True},
        actor="t",
    )
    with pytest.raises(NotPaired):
        service.unlink(family, "clips", teen_id="teen", by="other", actor="t")
    service.unlink(family, "clips", teen_id="teen", by="teen", actor="t")
    assert service.notices(family, "clips", "mum")[0] == {
        "kind": "pairing.unlinked",
        "at": NOON.isoformat(),
        "by": "teen",
        "teen_id": "teen",
    }
    assert service.pairing_view(family, "clips", "teen")["parent"] is None
    with pytest.raises(NotPaired):
        service.set_controls(
            family, "clips", parent_id="mum", teen_id="teen", controls={}, actor="t"
        )


def test_every_change_is_audited(family: SqlStore) -> None:
    link = _pair(family)
    service.set_controls(
        family,
        "clips",
        parent_id="mum",
        teen_id="teen",
        controls={"search_allowed": False},
        actor="t",
    )
    service.unlink(family, "clips", teen_id="teen", by="mum", actor="t")
    with family.transaction(write=False) as tx:
        kinds = [e.kind for e in tx.audit.entries(subject_type="pairing", subject_id=link)]
        changed = [
            e
            for e in tx.audit.entries(subject_type="pairing", subject_id=link)
            if e.kind == "pairing.controls_changed"
        ]
    assert kinds == ["pairing.linked", "pairing.controls_changed", "pairing.unlinked"]
    assert '"changed":["search_allowed"]' in changed[0].payload_json


def test_under_13s_need_a_parent_managed_account_r6(family: SqlStore) -> None:
    assert not service.may_view(family, "clips", "kid", ViewedContent()).allowed
    _pair(family, teen="kid")
    assert service.may_view(family, "clips", "kid", ViewedContent()).allowed


def test_bad_controls_are_refused_and_change_nothing(family: SqlStore) -> None:
    _pair(family)
    for controls, field in (
        ({"daily_limit_by_weekday": {"7": 30}}, "controls.daily_limit_by_weekday"),
        ({"daily_limit_by_weekday": {"1": -30}}, "controls.daily_limit_by_weekday.1"),
        (
            {
                "time_away": [
                    {"name": "x", "starts_at": "2026-03-10T12:00", "ends_at": "2026-03-10T11:00"}
                ]
            },
            "controls.time_away.0",
        ),
        (
            {"mute_notifications": [{"start": "22:00", "end": "22:00"}]},
            "controls.mute_notifications.0",
        ),
        ({"screen_shots": False}, "controls"),
    ):
        with pytest.raises(InvalidWellbeingRequest) as refused:
            service.set_controls(
                family, "clips", parent_id="mum", teen_id="teen", controls=controls, actor="t"
            )
        assert refused.value.data["field"] == field
    assert (
        service.pairing_view(family, "clips", "teen")["parent"]["controls"][
            "daily_limit_by_weekday"
        ]
        == {}
    )


def test_the_effective_settings_apply_a_parents_controls(family: SqlStore) -> None:
    assert service.effective_settings(family, "clips", "teen")["account_visibility"] == "private"
    _pair(family)
    service.set_controls(
        family,
        "clips",
        parent_id="mum",
        teen_id="teen",
        controls={"comments": "no_one", "search_allowed": False, "restricted_mode": True},
        actor="t",
    )
    effective = service.effective_settings(family, "clips", "teen")
    assert effective["comment_audience"] == "no_one" and effective["search_allowed"] is False
    assert effective["content_levels"] == ["general"] and effective["paired"] is True
    assert effective["direct_messages"] == "off"  # 13-15: not available at all (T2)


def test_a_paired_child_cannot_loosen_the_limit_t8(family: SqlStore) -> None:
    _pair(family, teen="kid")
    service.put_user(
        family,
        platform="clips",
        user_id="kid",
        age_band="under_13",
        time_zone_name="Europe/Paris",
        settings={"daily_limit_off": True, "daily_limit_minutes": 300},
        actor="t",
    )
    assert service.screen_time(family, "clips", "kid").limit.limit_minutes == 60
    service.put_user(
        family,
        platform="clips",
        user_id="kid",
        age_band="under_13",
        time_zone_name="Europe/Paris",
        settings={"daily_limit_minutes": 30},
        actor="t",
    )
    assert service.screen_time(family, "clips", "kid").limit.limit_minutes == 30  # stricter: fine


def test_a_code_with_foreign_letters_is_a_counted_wrong_guess(family: SqlStore) -> None:
    for _ in range(5):
        with pytest.raises(PairingRefused, match="wrong"):
            service.redeem_pairing_code(family, "clips", "teen", "ÄBCDEFGH", actor="t")
    with pytest.raises(TooManyAttempts):
        service.redeem_pairing_code(family, "clips", "teen", "ABCDEFGH", actor="t")


def test_one_teen_one_active_link_even_in_a_race(family: SqlStore) -> None:
    from haven.wellbeing.models import Link, ParentControls

    _pair(family)
    with pytest.raises(NotPaired, match="already paired"), family.transaction() as tx:
        tx.wellbeing.add_link(
            Link("other-link", "clips", "other", "teen", NOON, ParentControls(), False)
        )
    assert service.pairing_view(family, "clips", "teen")["parent"]["parent_id"] == "mum"


def test_a_teen_who_turns_18_leaves_family_pairing(family: SqlStore) -> None:
    _pair(family)
    service.put_user(
        family,
        platform="clips",
        user_id="teen",
        age_band="18_plus",
        time_zone_name="Europe/Paris",
        settings={},
        actor="t",
    )
    assert service.pairing_view(family, "clips", "teen")["parent"] is None
    assert service.notices(family, "clips", "mum")[0]["by"] == "age_band_change"


def test_open_codes_and_pending_requests_are_limited(family: SqlStore) -> None:
    for _ in range(5):
        service.issue_pairing_code(family, "clips", "mum", actor="t")
    with pytest.raises(TooManyAttempts):
        service.issue_pairing_code(family, "clips", "mum", actor="t")
    service.put_user(
        family,
        platform="clips",
        user_id="dad",
        age_band="18_plus",
        time_zone_name="Europe/Paris",
        settings={},
        actor="t",
    )
    code, _ = service.issue_pairing_code(family, "clips", "dad", actor="t")
    service.redeem_pairing_code(family, "clips", "teen", code, actor="t")
    for _ in range(3):
        service.request_time(family, "clips", teen_id="teen", minutes=10, reason="", actor="t")
    with pytest.raises(TooManyAttempts):
        service.request_time(family, "clips", teen_id="teen", minutes=10, reason="", actor="t")


def test_an_approval_outlasts_local_midnight(family: SqlStore, clock: FixedClock) -> None:
    _pair(family)
    night = {"time_away": [{"name": "night", "start": "22:00", "end": "07:00"}]}
    service.set_controls(
        family, "clips", parent_id="mum", teen_id="teen", controls=night, actor="t"
    )
    clock._at = datetime(2026, 3, 10, 22, 50, tzinfo=UTC)  # 23:50 in Paris
    assert service.screen_time(family, "clips", "teen").limit.blocked
    request = service.request_time(
        family, "clips", teen_id="teen", minutes=60, reason="", actor="t"
    )
    service.answer_time_request(
        family, "clips", parent_id="mum", request_id=request, approve=True, actor="t"
    )
    clock.advance(timedelta(minutes=20))  # 00:10: the next local day
    assert service.screen_time(family, "clips", "teen").limit.time_away is None
    clock.advance(timedelta(minutes=41))
    assert service.screen_time(family, "clips", "teen").limit.time_away is not None
