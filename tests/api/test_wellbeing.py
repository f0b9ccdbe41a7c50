"""Every well-being question through the HTTP API, on both databases, with an injected clock.
The rules encoded here come from ../shared/reference/wellbeing-youth.md; each answer carries
the source keys of its rule, and the tests check them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from haven.access.service import create_key
from haven.api.app import create_app
from haven.clock import FixedClock
from haven.runtime import Runtime, build_runtime
from haven.settings import load_settings

# Tuesday 10 March 2026, 20:30 UTC: 21:30 in Paris, 16:30 in New York.
EVENING = datetime(2026, 3, 10, 20, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(EVENING)


@pytest.fixture
def timed_runtime(database_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Runtime]:
    settings = load_settings(
        None,
        {
            "HAVEN_DATA_DIR": str(tmp_path / "data"),
            "HAVEN_DATABASE_URL": database_url,
            "HAVEN_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        },
    )
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    runtime.close()


@pytest.fixture
def api(timed_runtime: Runtime) -> TestClient:
    client = TestClient(create_app(timed_runtime))
    key = create_key(timed_runtime.store, platform="clips", name="t", actor="operator:t").secret
    client.headers["X-API-Key"] = key
    for user_id, band, zone in (
        ("mum", "18_plus", "Europe/Paris"),
        ("stranger", "18_plus", "America/New_York"),
        ("lea", "13_15", "Europe/Paris"),
        ("sam", "16_17", "Europe/Paris"),
        ("nobody_knows", "unknown", "Europe/Paris"),
    ):
        answer = client.put(
            f"/v1/wellbeing/users/{user_id}", json={"age_band": band, "time_zone": zone}
        )
        assert answer.status_code == 200, answer.text
    return client


def _ask(api: TestClient, question: str, body: dict[str, object]) -> dict[str, object]:
    answer = api.post(f"/v1/wellbeing/{question}", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_the_defaults_table_is_served_with_its_sources(api: TestClient) -> None:
    table = api.get("/v1/wellbeing/defaults").json()
    rules = {r["id"]: r for r in table["rules"]}
    assert rules["daily_limit_minutes"]["values"]["13_15"] == 60
    assert {s["key"] for s in rules["direct_messages"]["sources"]} >= {"T2", "T6"}
    lea = api.get("/v1/wellbeing/users/lea").json()
    assert lea["defaults"]["account_visibility"] == "private"  # T5
    assert lea["defaults"]["direct_messages"] == "off"  # T2


def test_may_v_see_c(api: TestClient) -> None:
    adults_only = {"level": "age_restricted", "text": "", "author_id": "c1"}
    seen = _ask(api, "may-view", {"viewer_id": "mum", "content": adults_only})
    assert seen["allowed"] is True
    for viewer in ("lea", "sam", "nobody_knows"):  # T25: age-restricted is 18+ only
        answer = _ask(api, "may-view", {"viewer_id": viewer, "content": adults_only})
        assert answer["allowed"] is False and answer["sources"] == ["T25"]
    api.put(
        "/v1/wellbeing/users/mum",
        json={
            "age_band": "18_plus",
            "time_zone": "Europe/Paris",
            "settings": {"photosensitivity_filter": True},
        },
    )
    flashing = _ask(api, "may-view", {"viewer_id": "mum", "content": {"photosensitive": True}})
    assert flashing["allowed"] is False and flashing["rule"] == "photosensitivity_filter"


def test_may_v_see_c_for_haven_content_reads_its_decision(api: TestClient) -> None:
    checked = api.post(
        "/v1/check/text", json={"text": "my spider collection tour", "surface": "caption"}
    )
    assert checked.status_code == 200, checked.text
    content_id = checked.json()["id"]
    assert _ask(api, "may-view", {"viewer_id": "lea", "content_id": content_id})["allowed"] is True
    api.put(
        "/v1/wellbeing/users/lea",
        json={
            "age_band": "13_15",
            "time_zone": "Europe/Paris",
            "settings": {"keyword_filters": ["spider"]},
        },
    )
    answer = _ask(api, "may-view", {"viewer_id": "lea", "content_id": content_id})
    assert answer["allowed"] is False and answer["rule"] == "keyword_filters"
    missing = api.post("/v1/wellbeing/may-view", json={"viewer_id": "lea", "content_id": "nope"})
    assert missing.status_code == 404


def test_may_a_message_b(api: TestClient) -> None:
    # T2: no DMs under 16, either way.
    answer = _ask(
        api,
        "may-message",
        {
            "sender_id": "mum",
            "recipient_id": "lea",
            "recipient_follows_sender": True,
            "sender_follows_recipient": True,
        },
    )
    assert answer["allowed"] is False and "T2" in answer["sources"]
    # R5: an adult may not message a minor who does not follow back.
    api.put(
        "/v1/wellbeing/users/sam",
        json={
            "age_band": "16_17",
            "time_zone": "Europe/Paris",
            "settings": {"dm_audience": "friends"},
        },
    )
    cold = _ask(
        api,
        "may-message",
        {
            "sender_id": "stranger",
            "recipient_id": "sam",
            "recipient_follows_sender": False,
            "sender_follows_recipient": True,
        },
    )
    assert cold["allowed"] is False and cold["rule"] == "adult_contact" and "R5" in cold["sources"]
    mutual = _ask(
        api,
        "may-message",
        {
            "sender_id": "stranger",
            "recipient_id": "sam",
            "recipient_follows_sender": True,
            "sender_follows_recipient": True,
        },
    )
    assert mutual["allowed"] is True
    adults = _ask(
        api,
        "may-message",
        {"sender_id": "mum", "recipient_id": "stranger", "recipient_follows_sender": False},
    )
    assert adults["allowed"] is True


def test_may_b_get_a_notification_now_in_bs_time_zone(api: TestClient, clock: FixedClock) -> None:
    # 21:30 in Paris: after 21:00 for 13-15, before 22:00 for 16-17 (T6).
    lea = _ask(api, "may-notify", {"user_id": "lea"})
    assert lea["allowed"] is False and "T6" in lea["sources"]
    assert _ask(api, "may-notify", {"user_id": "sam"})["allowed"] is True
    clock.advance(timedelta(minutes=30))  # 22:00 in Paris
    assert _ask(api, "may-notify", {"user_id": "sam"})["allowed"] is False
    api.put("/v1/wellbeing/users/sam", json={"age_band": "16_17", "time_zone": "America/New_York"})
    assert _ask(api, "may-notify", {"user_id": "sam"})["allowed"] is True  # 17:00 in New York


def test_family_pairing_end_to_end(api: TestClient, clock: FixedClock) -> None:
    code = api.post("/v1/wellbeing/pairing/codes", json={"parent_id": "mum"})
    assert code.status_code == 201
    linked = api.post(
        "/v1/wellbeing/pairing/redeem", json={"teen_id": "sam", "code": code.json()["code"]}
    )
    assert linked.status_code == 201 and linked.json()["parent_id"] == "mum"
    again = api.post(
        "/v1/wellbeing/pairing/redeem", json={"teen_id": "lea", "code": code.json()["code"]}
    )
    assert again.status_code == 422 and again.json()["error"]["code"] == "pairing_refused"

    # Sam used the app 50 minutes this evening; the default limit is 60 (T8).
    start = EVENING - timedelta(minutes=55)
    events = (
        [{"event_id": "s0", "user_id": "sam", "kind": "foreground", "at": start.isoformat()}]
        + [
            {
                "event_id": f"s{m}",
                "user_id": "sam",
                "kind": "view",
                "at": (start + timedelta(minutes=m)).isoformat(),
            }
            for m in range(2, 51, 2)
        ]
        + [
            {
                "event_id": "s99",
                "user_id": "sam",
                "kind": "background",
                "at": (start + timedelta(minutes=50)).isoformat(),
            }
        ]
    )
    sent = api.post("/v1/wellbeing/usage", json={"events": events}).json()
    assert sent["accepted"] == len(events)
    assert api.post("/v1/wellbeing/usage", json={"events": events}).json()["accepted"] == 0
    before = api.get("/v1/wellbeing/users/sam/screen-time").json()["limit"]
    assert before["limit_minutes"] == 60 and before["reached"] is False

    # The parent lowers Tuesday's limit to 45 minutes: the teen's next check sees it.
    controls = {"daily_limit_by_weekday": {"1": 45}, "keyword_filters": ["prank"]}
    put = api.put(
        "/v1/wellbeing/pairing/sam/controls",
        json={"parent_id": "mum", "controls": controls, "parent_passcode": "8642"},
    )
    assert put.status_code == 200, put.text
    after = api.get("/v1/wellbeing/users/sam/screen-time").json()["limit"]
    assert (
        after["limit_minutes"] == 45
        and after["reached"] is True
        and after["unlock"] == "parent_passcode"
    )
    unlocked = api.post("/v1/wellbeing/users/sam/unlock", json={"passcode": "8642", "minutes": 15})
    assert unlocked.status_code == 200 and unlocked.json()["limit"]["reached"] is False

    # The teen sees what is set; the feed honours the parent's keyword filter (T12).
    seen = api.get("/v1/wellbeing/users/sam/pairing").json()["parent"]["controls"]
    assert seen["keyword_filters"] == ["prank"]
    prank = _ask(api, "may-view", {"viewer_id": "sam", "content": {"text": "best prank ever"}})
    assert prank["allowed"] is False and prank["sources"] == ["T12"]

    # Time Away with a request for more time and the parent's answer (T10).
    away = {"time_away": [{"name": "evening", "start": "21:00", "end": "23:00"}]}
    api.put("/v1/wellbeing/pairing/sam/controls", json={"parent_id": "mum", "controls": away})
    blocked = api.get("/v1/wellbeing/users/sam/screen-time").json()["limit"]
    assert blocked["blocked"] is True and blocked["time_away"]["can_request_more_time"] is True
    request = api.post(
        "/v1/wellbeing/pairing/sam/time-requests",
        json={"minutes": 10, "reason": "finishing a call"},
    ).json()
    answered = api.post(
        f"/v1/wellbeing/time-requests/{request['request_id']}/answer",
        json={"parent_id": "mum", "approve": True},
    )
    assert answered.json()["status"] == "approved"
    assert api.get("/v1/wellbeing/users/sam/screen-time").json()["limit"]["time_away"] is None

    # The teen unlinks; the parent is told (T1).
    assert api.post("/v1/wellbeing/pairing/sam/unlink", json={"by": "sam"}).status_code == 204
    notices = api.get("/v1/wellbeing/users/mum/notices").json()
    assert notices[0]["kind"] == "pairing.unlinked" and notices[0]["by"] == "sam"
    assert api.get("/v1/wellbeing/users/sam/screen-time").json()["limit"]["limit_minutes"] == 60


def test_dashboard_and_hubs(api: TestClient) -> None:
    board = api.get("/v1/wellbeing/users/lea/dashboard", params={"days": 7}).json()
    assert len(board["days"]) == 7 and board["summary"]["minutes"] == 0
    hubs = {h["id"] for h in api.get("/v1/wellbeing/hubs").json()}
    assert {"covid19", "elections", "wellbeing", "youth_portal"} <= hubs
    assert api.get("/v1/wellbeing/hubs/nope").status_code == 404


def test_bad_input_gets_a_clear_error_and_changes_nothing(api: TestClient) -> None:
    cases = [
        ("put", "/v1/wellbeing/users/lea", {"age_band": "13_15", "time_zone": "Moon/Base"}, 422),
        ("put", "/v1/wellbeing/users/lea", {"age_band": "teen", "time_zone": "Europe/Paris"}, 422),
        (
            "put",
            "/v1/wellbeing/users/lea",
            {
                "age_band": "13_15",
                "time_zone": "Europe/Paris",
                "settings": {"daily_limit_minutes": -10},
            },
            422,
        ),
        (
            "put",
            "/v1/wellbeing/users/lea",
            {"age_band": "13_15", "time_zone": "Europe/Paris", "colour": "red"},
            422,
        ),
        ("post", "/v1/wellbeing/may-notify", {"user_id": "ghost"}, 404),
        ("post", "/v1/wellbeing/may-view", {"viewer_id": "lea"}, 422),
        ("post", "/v1/wellbeing/usage", {"events": []}, 422),
        (
            "post",
            "/v1/wellbeing/usage",
            {
                "events": [
                    {"event_id": "x", "user_id": "ghost", "kind": "view", "at": EVENING.isoformat()}
                ]
            },
            404,
        ),
        (
            "post",
            "/v1/wellbeing/usage",
            {
                "events": [
                    {"event_id": "x", "user_id": "lea", "kind": "view", "at": "2026-03-10T20:00:00"}
                ]
            },
            422,
        ),
        ("post", "/v1/wellbeing/users/lea/unlock", {"passcode": "12", "minutes": 30}, 422),
        ("post", "/v1/wellbeing/users/lea/unlock", {"passcode": "1234", "minutes": -5}, 422),
        ("get", "/v1/wellbeing/users/lea/dashboard?days=0", None, 422),
    ]
    for method, url, body, status in cases:
        answer = api.request(method.upper(), url, json=body)
        assert answer.status_code == status, (url, body, answer.text)
        assert answer.json()["error"]["message"]
    lea = api.get("/v1/wellbeing/users/lea").json()
    assert lea["time_zone"] == "Europe/Paris" and lea["settings"]["daily_limit_minutes"] is None
    assert api.get("/v1/wellbeing/users/lea/dashboard").json()["summary"]["minutes"] == 0


def test_held_removed_and_unscreened_content(api: TestClient) -> None:
    held = api.post(
        "/v1/check/text",
        json={
            "text": "buy followers cheap at my site click here",
            "surface": "comment",
            "author_id": "sam",
        },
    ).json()
    assert "hold_for_review" in [t["name"] for t in held["decision"]["treatments"]]
    refused = _ask(api, "may-view", {"viewer_id": "mum", "content_id": held["id"]})
    assert refused["allowed"] is False and refused["rule"] == "held"
    assert _ask(api, "may-view", {"viewer_id": "sam", "content_id": held["id"]})["rule"] != "held"
    blocked = api.post(
        "/v1/check/text",
        json={"text": "send me pics and don't tell your mom", "surface": "comment"},
    ).json()
    gone = _ask(api, "may-view", {"viewer_id": "mum", "content_id": blocked["id"]})
    assert gone["allowed"] is False and gone["rule"] == "removed"
    pending = api.post(
        "/v1/content/text", json={"text": "hello there", "surface": "caption"}
    ).json()
    assert pending["state"] == "pending"  # no worker here: not screened yet
    assert (
        _ask(api, "may-view", {"viewer_id": "lea", "content_id": pending["id"]})["rule"]
        == "unscreened"
    )
    assert (
        _ask(api, "may-view", {"viewer_id": "mum", "content_id": pending["id"]})["allowed"] is True
    )


def test_time_zone_names_outside_the_iana_database_are_refused(api: TestClient) -> None:
    for zone in ("America", "localtime", "posix/Europe/Paris", "../etc/passwd", ""):
        answer = api.put("/v1/wellbeing/users/lea", json={"age_band": "13_15", "time_zone": zone})
        assert answer.status_code == 422, (zone, answer.text)
