"""A moderator's day over HTTP, on both databases: log in, claim, decide, statement, appeal
decided by someone else, reversal; roles enforced; the audit log intact."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from haven.access.service import create_key
from haven.access.staff import create_staff
from haven.api.app import create_app
from haven.audit.service import verify_audit_log
from haven.runtime import Runtime

PASSWORD = "correct horse battery"
STAFF = {
    "alice": "moderator",
    "bob": "moderator",
    "cara": "child_safety",
    "cem": "compliance",
    "ada": "admin",
    "tom": "triage",
}


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    for username, role in STAFF.items():
        create_staff(
            runtime.store, username=username, role=role, password=PASSWORD, actor="operator:test"
        )
    return TestClient(create_app(runtime))


@pytest.fixture
def platform(runtime: Runtime) -> dict[str, str]:
    secret = create_key(runtime.store, platform="clips", name="t", actor="operator:test").secret
    return {"Authorization": f"Bearer {secret}"}


def _login(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/v1/staff/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    assert answer.json()["role"] == STAFF[username]
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _reported(client: TestClient, platform: dict[str, str], category: str) -> str:
    content = client.post(
        "/v1/content/text",
        headers=platform,
        json={
            "text": "you are pathetic and everyone laughs at you",
            "surface": "comment",
            "author_id": "user-42",
        },
    ).json()
    notice = client.post(
        "/v1/reports",
        headers=platform,
        json={
            "content_id": content["id"],
            "category": category,
            "explanation": "Bullying.",
            "reporter_kind": "user",
            "reporter_id": "user-7",
            "good_faith": True,
            "notifier_name": "Ana",
            "notifier_email": "ana@example.org",
        },
    )
    assert notice.status_code == 201, notice.text
    return str(content["id"])


def test_claim_decide_appeal_reverse(
    client: TestClient, runtime: Runtime, platform: dict[str, str]
) -> None:
    content_id = _reported(client, platform, "harassment_bullying")
    alice, bob = _login(client, "alice"), _login(client, "bob")
    queues = {q["queue"]: q["open"] for q in client.get("/v1/review/queues", headers=alice).json()}
    assert queues["harassment_bullying"] == 1 and "child_safety" not in queues
    case = client.post("/v1/review/queues/harassment_bullying/claim", headers=alice).json()
    assert case["content_id"] == content_id and case["claimed_by"] == "moderator:alice"
    assert case["text"].startswith("you are pathetic") and case["reports"][0]["explanation"]
    assert client.post(f"/v1/review/cases/{content_id}/claim", headers=bob).status_code == 409
    assert (
        client.post("/v1/review/queues/harassment_bullying/claim", headers=bob).status_code == 204
    )
    bad = client.post(
        f"/v1/review/cases/{content_id}/decide",
        headers=alice,
        json={"outcome": "remove", "explanation": "x"},
    )
    assert bad.status_code == 422 and bad.json()["error"]["data"]["field"] == "ground_reference"
    decided = client.post(
        f"/v1/review/cases/{content_id}/decide",
        headers=alice,
        json={
            "outcome": "remove",
            "explanation": "Mocks a user relentlessly.",
            "ground_reference": "rules/bullying",
        },
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decided_by"] == "moderator:alice"
    statement = client.get(f"/v1/content/{content_id}/statement", headers=platform).json()
    assert statement["source"] == "notice" and statement["restriction"]["kinds"] == ["removal"]

    appealed = client.post(
        "/v1/appeals",
        headers=platform,
        json={
            "content_id": content_id,
            "appellant_kind": "affected_user",
            "appellant_id": "user-42",
            "reason": "Friends joking.",
        },
    )
    assert appealed.status_code == 201
    assert client.post("/v1/review/queues/appeals/claim", headers=alice).status_code == 204
    assert client.post("/v1/review/queues/appeals/claim", headers=bob).status_code == 200
    reversed_ = client.post(
        f"/v1/review/cases/{content_id}/appeal-decision",
        headers=bob,
        json={"reverse": True, "explanation": "Friendly banter."},
    )
    assert reversed_.json()["status"] == "reversed"
    content = client.get(f"/v1/content/{content_id}", headers=platform).json()
    assert content["decision"]["outcome"] == "keep"
    assert content["decision"]["decided_by"] == "moderator:bob"

    ada = _login(client, "ada")
    kinds = [
        e["kind"] for e in client.get(f"/v1/audit?subject_id={content_id}", headers=ada).json()
    ]
    assert kinds[-2:] == ["case.claimed", "case.appeal_decided"]
    assert "case.decided" in kinds and "case.appeal_received" in kinds
    assert client.get("/v1/audit", headers=alice).status_code == 403
    assert verify_audit_log(runtime.store).intact


def test_roles_are_enforced(client: TestClient, platform: dict[str, str]) -> None:
    grooming = _reported(client, platform, "child_sexual_exploitation_grooming")
    alice, cara, cem, tom = (_login(client, n) for n in ("alice", "cara", "cem", "tom"))
    assert client.get(f"/v1/review/cases/{grooming}", headers=alice).status_code == 403
    assert client.post("/v1/review/queues/child_safety/claim", headers=alice).status_code == 403
    assert client.post("/v1/review/queues/child_safety/claim", headers=cara).status_code == 200
    assert client.post("/v1/review/queues/general/claim", headers=cem).status_code == 403
    bullying = _reported(client, platform, "harassment_bullying")
    assert client.post(f"/v1/review/cases/{bullying}/claim", headers=tom).status_code == 200
    removal = {"outcome": "remove", "explanation": "x", "ground_reference": "rules/1"}
    refused = client.post(f"/v1/review/cases/{bullying}/decide", headers=tom, json=removal)
    assert refused.status_code == 403
    escalated = client.post(
        f"/v1/review/cases/{bullying}/escalate", headers=tom, json={"reason": "needs a moderator"}
    )
    assert escalated.json()["queue"] == "escalations" and escalated.json()["claimed_by"] is None


def test_staff_routes_need_a_token_and_logins_are_limited(
    client: TestClient, runtime: Runtime
) -> None:
    assert client.get("/v1/review/queues").status_code == 401
    assert (
        client.get(
            "/v1/review/queues", headers={"Authorization": "Bearer hvs_" + "x" * 43}
        ).status_code
        == 401
    )
    wrong = client.post("/v1/staff/login", json={"username": "alice", "password": "nope"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "login_failed"
    statuses = [
        client.post("/v1/staff/login", json={"username": "alice", "password": "nope"}).status_code
        for _ in range(runtime.settings.logins_per_minute)
    ]
    assert statuses[-1] == 429
    alice = {"Authorization": "Bearer " + "x"}
    assert client.post("/v1/staff/logout", headers=alice).status_code == 401


def test_an_audit_cursor_past_any_integer_is_a_422(client: TestClient) -> None:
    """Found by the fuzzer: a cursor too large for the database's integers used to crash."""
    ada = _login(client, "ada")
    answer = client.get("/v1/audit?after=9223372036854775808", headers=ada)
    assert answer.status_code == 422
