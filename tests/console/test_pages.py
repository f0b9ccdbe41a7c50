"""The console's pages over HTTP, on both databases: sign-in with its CSRF guard, sessions,
roles, and every refused action changing nothing."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from haven.access.service import create_key
from haven.access.staff import create_staff
from haven.runtime import Runtime
from haven.server import create_app

PASSWORD = "correct horse battery"
STAFF = {"alice": "moderator", "cara": "child_safety", "cem": "compliance", "tom": "triage"}


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    for username, role in STAFF.items():
        create_staff(
            runtime.store, username=username, role=role, password=PASSWORD, actor="operator:t"
        )
    return TestClient(create_app(runtime), follow_redirects=False)


@pytest.fixture
def reported(client: TestClient, runtime: Runtime) -> str:
    """A comment reported for bullying: an open case in the harassment queue."""
    key = {"X-API-Key": create_key(runtime.store, platform="clips", name="t", actor="op").secret}
    content = client.post(
        "/v1/content/text",
        headers=key,
        json={"text": "you are pathetic and everyone laughs at you", "surface": "comment"},
    ).json()
    notice = client.post(
        "/v1/reports",
        headers=key,
        json={
            "content_id": content["id"],
            "category": "harassment_bullying",
            "explanation": "Bullying my friend.",
            "reporter_kind": "user",
            "reporter_id": "user-7",
            "good_faith": True,
            "notifier_name": "Ana",
            "notifier_email": "ana@example.org",
        },
    )
    assert notice.status_code == 201, notice.text
    return str(content["id"])


def _nonce(client: TestClient) -> str:
    page = client.get("/console/login")
    assert page.status_code == 200
    return re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def _sign_in(client: TestClient, username: str) -> str:
    """Sign in; the session's CSRF token, as the pages carry it."""
    answer = client.post(
        "/console/login",
        data={"username": username, "password": PASSWORD, "nonce": _nonce(client), "next": ""},
    )
    assert answer.status_code == 303, answer.text
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    page = client.get("/console/queues" if STAFF[username] != "compliance" else "/console/audit")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def _case(runtime: Runtime, content_id: str):  # type: ignore[no-untyped-def]
    with runtime.store.transaction(write=False) as tx:
        return tx.cases.get(content_id), tx.decisions.history(content_id)


def test_pages_behind_the_login_send_you_there(client: TestClient, reported: str) -> None:
    answer = client.get(f"/console/cases/{reported}")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/console/login?next=/console/cases/{reported}"
    assert client.get(f"/console/cases/{reported}/media").status_code == 303
    posted = client.post(f"/console/cases/{reported}/claim", data={"csrf": "x"})
    assert posted.status_code == 401


def test_sign_in_refusals(client: TestClient) -> None:
    wrong = client.post(
        "/console/login",
        data={"username": "alice", "password": "not the password", "nonce": _nonce(client)},
    )
    assert wrong.status_code == 401 and "wrong username or password" in wrong.text
    assert "haven_console" not in wrong.cookies
    # A form posted from elsewhere carries no nonce cookie (login CSRF).
    client.cookies.clear()
    forged = client.post(
        "/console/login", data={"username": "alice", "password": PASSWORD, "nonce": "guess"}
    )
    assert forged.status_code == 403


def test_sign_in_goes_only_to_console_pages(client: TestClient) -> None:
    for target, landing in (
        ("/console/audit", "/console/audit"),
        ("https://evil.example/", "/console/queues"),
        ("//evil.example/console/x", "/console/queues"),
    ):
        answer = client.post(
            "/console/login",
            data={
                "username": "alice",
                "password": PASSWORD,
                "nonce": _nonce(client),
                "next": target,
            },
        )
        assert answer.headers["location"] == landing


def test_the_session_cookie_is_guarded_and_ends_at_sign_out(client: TestClient) -> None:
    csrf = _sign_in(client, "alice")
    cookie = client.cookies.get("haven_console")
    header = (
        next(h for h in client.get("/console/login").headers.get_list("set-cookie") if h)
        if False
        else None
    )
    assert header is None
    answer = client.post("/console/logout", data={"csrf": csrf})
    assert answer.status_code == 303
    client.cookies.set("haven_console", cookie, path="/console")
    assert client.get("/console/queues").status_code == 303  # the old cookie opens nothing


def test_an_api_token_does_not_open_a_console_session(client: TestClient) -> None:
    token = client.post("/v1/staff/login", json={"username": "alice", "password": PASSWORD}).json()
    client.cookies.set("haven_console", token["token"], path="/console")
    assert client.get("/console/queues").status_code == 303


def test_a_form_without_the_csrf_token_changes_nothing(
    client: TestClient, runtime: Runtime, reported: str
) -> None:
    _sign_in(client, "alice")
    answer = client.post(f"/console/cases/{reported}/claim", data={"csrf": "forged"})
    assert answer.status_code == 403
    state, _ = _case(runtime, reported)
    assert state.claimed_by is None


def test_roles_decide_what_the_console_shows(client: TestClient, reported: str) -> None:
    _sign_in(client, "alice")
    queues = client.get("/console/queues").text
    assert 'data-queue="harassment_bullying"' in queues
    assert 'data-queue="child_safety"' not in queues
    assert client.get("/console/queues/child_safety").status_code == 403
    assert client.get("/console/audit").status_code == 403
    assert client.get("/console/queues/no_such_queue").status_code == 404
    assert client.get("/console/cases/00000000-0000-0000-0000-000000000000").status_code == 404

    _sign_in(client, "cara")
    assert 'data-queue="child_safety"' in client.get("/console/queues").text

    _sign_in(client, "cem")
    assert "Your role works no review queue" in client.get("/console/queues").text
    assert client.get(f"/console/cases/{reported}").status_code == 403
    audit = client.get("/console/audit", params={"subject_type": "content", "subject_id": reported})
    assert audit.status_code == 200 and "case.report_received" in audit.text
    assert "Intact" in client.get("/console/audit/verify").text


def test_refused_decisions_change_nothing(
    client: TestClient, runtime: Runtime, reported: str
) -> None:
    csrf = _sign_in(client, "tom")  # triage: may label, may not take down
    assert client.post(f"/console/cases/{reported}/claim", data={"csrf": csrf}).status_code == 303
    page = client.get(f"/console/cases/{reported}").text
    assert 'value="remove"' not in page and 'value="label"' in page
    _, before = _case(runtime, reported)
    for form, problem in (
        (
            {"outcome": "remove", "explanation": "Bullying.", "ground_reference": "Rules 3"},
            "triage may not decide remove",
        ),
        ({"outcome": "label", "explanation": " "}, "explain the decision"),
        ({"outcome": "shrug", "explanation": "Bullying."}, "outcome must be one of"),
        ({"outcome": "label", "explanation": "x", "ground": "vibes"}, "ground must be one of"),
        ({"outcome": "label", "explanation": "x", "duration_days": "-3"}, "duration must be"),
        ({"outcome": "label", "explanation": "x", "territorial_scope": "Mars"}, "Mars"),
        ({"outcome": "label", "explanation": "x" * 5001}, "explanation"),
    ):
        answer = client.post(f"/console/cases/{reported}/decide", data={"csrf": csrf, **form})
        assert answer.status_code in (403, 422), (form, answer.status_code)
        assert problem in answer.text, (form, answer.text[-800:])
    state, after = _case(runtime, reported)
    assert after == before and state.status.value == "open" and state.claimed_by == "triage:tom"

    labelled = client.post(
        f"/console/cases/{reported}/decide",
        data={"csrf": csrf, "outcome": "label", "explanation": "Unkind, not bullying."},
    )
    assert labelled.status_code == 303
    state, after = _case(runtime, reported)
    assert after[-1].outcome == "label" and state.status.value == "closed"


def test_pages_carry_security_headers(client: TestClient) -> None:
    headers = client.get("/console/login").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_an_oversize_form_is_refused_before_it_is_read(client: TestClient, reported: str) -> None:
    csrf = _sign_in(client, "alice")
    answer = client.post(
        f"/console/cases/{reported}/escalate", data={"csrf": csrf, "reason": "x" * 600_000}
    )
    assert answer.status_code == 413
