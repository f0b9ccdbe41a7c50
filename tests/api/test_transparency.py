"""``/v1/transparency`` over HTTP on both databases: orders, suspensions and active recipients
go into the report; bad fields are refused and change nothing; the report comes as JSON, CSV
and HTML; the statements due are listed with the invalid ones and their reasons."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from haven.access.service import create_key
from haven.api.app import create_app
from haven.runtime import Runtime

ORDER = {
    "kind": "act_against_content",
    "member_state": "DE",
    "authority": "Bundesnetzagentur",
    "category": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "reference": "BNetzA-2026/17",
    "received_at": "2026-03-02T09:00:00+00:00",
}
SUSPENSION = {
    "subject_id": "user-77",
    "reason": "manifestly_unfounded_notices",
    "warned_at": "2026-03-01T10:00:00+00:00",
    "starts_at": "2026-03-04T10:00:00+00:00",
    "ends_at": "2026-03-18T10:00:00+00:00",
}


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


@pytest.fixture
def auth(runtime: Runtime) -> dict[str, str]:
    secret = create_key(runtime.store, platform="clips", name="t", actor="operator:test").secret
    return {"Authorization": f"Bearer {secret}"}


def _audit_rows(runtime: Runtime) -> int:
    with runtime.store.transaction() as tx:
        return len(list(tx.audit.entries()))


def test_orders_suspensions_and_recipients_reach_the_report(
    client: TestClient, auth: dict[str, str]
) -> None:
    posted = client.post("/v1/transparency/orders", headers=auth, json=ORDER)
    assert posted.status_code == 201, posted.text
    order_id = posted.json()["id"]
    patched = client.patch(
        f"/v1/transparency/orders/{order_id}",
        headers=auth,
        json={
            "acknowledged_at": "2026-03-02T10:30:00+00:00",
            "effect_at": "2026-03-02T15:00:00+00:00",
        },
    )
    assert patched.status_code == 200 and patched.json()["effect_at"].startswith("2026-03-02T15")
    assert (
        client.post("/v1/transparency/suspensions", headers=auth, json=SUSPENSION).status_code
        == 201
    )
    put = client.put(
        "/v1/transparency/active-recipients/2026-03",
        headers=auth,
        json={"recipients": 120_000, "method": "distinct EU accounts that opened the app"},
    )
    assert put.status_code == 200

    report = client.get("/v1/transparency/report", headers=auth, params={"period": "2026Q1"})
    assert report.status_code == 200
    s = report.json()["sections"]
    act = s["orders"]["act_against_content"]
    assert act["total"] == 1 and act["median_hours_to_acknowledge"] == 1.5
    assert act["median_hours_to_give_effect"] == 6.0
    assert s["suspensions"]["manifestly_unfounded_notices"] == 1
    assert s["active_recipients"]["average_monthly"] is None  # two months have no figure
    assert s["active_recipients"]["average_of_reported_months"] == 120_000
    assert s["active_recipients"]["months_missing"] == ["2026-01", "2026-02"]

    csv = client.get(
        "/v1/transparency/report", headers=auth, params={"period": "2026Q1", "format": "csv"}
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert "orders,act_against_content,,,total,1" in csv.text
    page = client.get(
        "/v1/transparency/report", headers=auth, params={"period": "2026Q1", "format": "html"}
    )
    assert (
        page.headers["content-type"].startswith("text/html")
        and "Bundesnetzagentur" not in page.text
    )
    assert "<h1>Transparency report</h1>" in page.text

    # Another platform sees none of it.
    other = create_key(client.app.state.runtime.store, platform="other", name="o", actor="t").secret
    theirs = client.get(
        "/v1/transparency/report",
        headers={"Authorization": f"Bearer {other}"},
        params={"period": "2026Q1"},
    ).json()["sections"]
    assert theirs["orders"]["act_against_content"]["total"] == 0
    assert theirs["suspensions"]["total"] == 0
    assert (
        client.patch(
            f"/v1/transparency/orders/{order_id}",
            headers={"Authorization": f"Bearer {other}"},
            json={"effect_at": "2026-03-03T00:00:00+00:00"},
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/transparency/orders", {**ORDER, "member_state": "US"}, "member_state"),
        ("/v1/transparency/orders", {**ORDER, "category": "STATEMENT_CATEGORY_NUDITY"}, "category"),
        ("/v1/transparency/orders", {**ORDER, "reference": "<script>"}, "reference"),
        ("/v1/transparency/orders", {**ORDER, "received_at": "2026-03-02T09:00:00"}, "received_at"),
        (
            "/v1/transparency/orders",
            {**ORDER, "effect_at": "2026-03-01T09:00:00+00:00"},
            "effect_at",
        ),
        (
            "/v1/transparency/orders",
            {**ORDER, "kind": "provide_information", "content_id": "c-1"},
            "content_id",
        ),
        ("/v1/transparency/orders", {**ORDER, "extra": 1}, "extra"),
        (
            "/v1/transparency/suspensions",
            {**SUSPENSION, "warned_at": "2026-03-05T10:00:00+00:00"},
            "warned_at",
        ),
        (
            "/v1/transparency/suspensions",
            {**SUSPENSION, "ends_at": "2026-03-04T10:00:00+00:00"},
            "ends_at",
        ),
        ("/v1/transparency/suspensions", {**SUSPENSION, "reason": "rudeness"}, "reason"),
        # Found by the fuzzer: the calendar's first day with an offset overflowed into a 500.
        (
            "/v1/transparency/suspensions",
            {**SUSPENSION, "warned_at": "0001-01-01T00:00:00+00:01"},
            "warned_at",
        ),
        (
            "/v1/transparency/orders",
            {**ORDER, "received_at": "9999-12-31T23:59:00-01:00"},
            "received_at",
        ),
    ],
)
def test_bad_fields_are_refused_and_change_nothing(
    client: TestClient, auth: dict[str, str], runtime: Runtime, path: str, body: dict, field: str
) -> None:
    before = _audit_rows(runtime)
    answer = client.post(path, headers=auth, json=body)
    assert answer.status_code == 422, answer.text
    assert field in answer.text
    assert _audit_rows(runtime) == before


@pytest.mark.parametrize(
    ("month", "body"),
    [
        ("2026-13", {"recipients": 5, "method": "accounts"}),
        ("2026-03%0A", {"recipients": 5, "method": "accounts"}),
        ("March", {"recipients": 5, "method": "accounts"}),
        ("2026-03", {"recipients": -1, "method": "accounts"}),
        ("2026-03", {"recipients": 5, "method": ""}),
    ],
)
def test_bad_recipient_figures_are_refused(
    client: TestClient, auth: dict[str, str], runtime: Runtime, month: str, body: dict
) -> None:
    before = _audit_rows(runtime)
    assert (
        client.put(
            f"/v1/transparency/active-recipients/{month}", headers=auth, json=body
        ).status_code
        == 422
    )
    assert _audit_rows(runtime) == before


def test_unknown_orders_bad_periods_and_missing_keys(
    client: TestClient, auth: dict[str, str]
) -> None:
    assert client.patch("/v1/transparency/orders/nope", headers=auth, json={}).status_code == 404
    bad = client.get("/v1/transparency/report", headers=auth, params={"period": "2026H3"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_period"
    assert client.get("/v1/transparency/report", params={"period": "2026H1"}).status_code == 401
    assert client.post("/v1/transparency/orders", json=ORDER).status_code == 401


def test_the_statements_due_list_the_invalid_ones_with_reasons(
    client: TestClient, auth: dict[str, str]
) -> None:
    empty = client.get("/v1/transparency/statements/pending", headers=auth)
    assert empty.status_code == 200 and empty.json()["statements"] == []
    nudged = client.post(
        "/v1/check/text",
        headers=auth,
        json={"text": "you are a worthless idiot and everyone hates you", "surface": "comment"},
    ).json()["decision"]
    held = client.post(
        "/v1/check/text",
        headers=auth,
        json={
            "text": "buy followers now cheap click my link http://spam.example",
            "surface": "comment",
        },
    ).json()["decision"]
    assert (nudged["outcome"], held["outcome"]) == ("nudge", "hold")
    pending = client.get("/v1/transparency/statements/pending", headers=auth).json()
    # A nudge restricts nothing: no statement is due. The held comment is disabled: one is.
    assert pending["nothing_to_report"] == [nudged["id"]]
    assert [s["puid"] for s in pending["statements"]] == [held["id"]]
    assert pending["statements"][0]["decision_visibility"] == [
        "DECISION_VISIBILITY_CONTENT_DISABLED"
    ]
    assert pending["statements"][0]["category"] == "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    assert pending["invalid"] == {}


def test_searches_have_no_statement_and_are_no_restriction(
    client: TestClient, auth: dict[str, str]
) -> None:
    searched = client.post(
        "/v1/check/text",
        headers=auth,
        json={
            "text": "buy followers now cheap click my link http://spam.example",
            "surface": "search",
        },
    ).json()["decision"]
    pending = client.get("/v1/transparency/statements/pending", headers=auth).json()
    assert searched["id"] not in [s["puid"] for s in pending["statements"]]
    assert searched["id"] not in pending["nothing_to_report"]
    report = client.get("/v1/transparency/report", headers=auth, params={"period": "2026"})
    assert report.json()["sections"]["own_initiative"]["total"] == 0
