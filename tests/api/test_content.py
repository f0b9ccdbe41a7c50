"""The content API through FastAPI's test client: real app, real store (SQLite and
PostgreSQL), real queue and models."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from haven.access.service import create_key, revoke_key
from haven.api.app import MAX_JSON_BYTES, create_app
from haven.runtime import Runtime


@pytest.fixture
def secret(runtime: Runtime) -> str:
    return create_key(runtime.store, platform="clips", name="tests", actor="operator:test").secret


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _audit_count(runtime: Runtime) -> int:
    with runtime.store.transaction() as tx:
        return len(list(tx.audit.entries()))


def test_submit_a_comment_and_read_its_decision(
    client: TestClient, runtime: Runtime, secret: str
) -> None:
    answer = client.post(
        "/v1/content/text",
        json={
            "text": "you're a worthless loser, nobody likes you",
            "surface": "comment",
            "external_id": "c-1",
            "author_age_band": "13_15",
            "region": "DE",
        },
        headers=_auth(secret),
    )
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["state"] == "pending" and body["decision"] is None
    assert answer.headers["Location"] == f"/v1/content/{body['id']}"
    assert runtime.worker().run(body["job_id"]) == "done"
    decided = client.get(f"/v1/content/{body['id']}", headers={"X-API-Key": secret}).json()
    assert decided["state"] == "decided"
    assert decided["decision"]["outcome"] == "nudge"
    assert "harassment_bullying" in decided["decision"]["categories"]
    assert decided["decision"]["automation"] == "fully"
    job = client.get(f"/v1/jobs/{body['job_id']}", headers=_auth(secret)).json()
    assert job["state"] == "done" and job["attempts"] == 1


def test_the_embedded_worker_decides_without_help(runtime: Runtime, secret: str) -> None:
    with TestClient(create_app(runtime, embedded_worker=True)) as client:
        posted = client.post(
            "/v1/content/text",
            headers=_auth(secret),
            json={"text": "how to kill myself", "surface": "search"},
        )
        assert posted.status_code == 202
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            content = client.get(f"/v1/content/{posted.json()['id']}", headers=_auth(secret))
            if content.json()["state"] == "decided":
                break
            time.sleep(0.05)
        decision = content.json()["decision"]
    assert decision["outcome"] == "intervene"
    assert any(t["name"] == "search_intervention" for t in decision["treatments"])


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nope"},
        {"X-API-Key": "hvn_000000000000_" + "a" * 43},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_requests_without_a_live_key_are_refused(
    client: TestClient, runtime: Runtime, headers: dict[str, str]
) -> None:
    before = _audit_count(runtime)
    answer = client.post(
        "/v1/content/text", json={"text": "hi", "surface": "comment"}, headers=headers
    )
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert _audit_count(runtime) == before


def test_a_revoked_key_is_refused(client: TestClient, runtime: Runtime, secret: str) -> None:
    key_id = secret.split("_")[1]
    revoke_key(runtime.store, key_id, actor="operator:test")
    answer = client.get("/v1/content/anything", headers=_auth(secret))
    assert answer.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "hi", "surface": "comment", "colour": "red"}, "body.colour"),
        ({"surface": "comment"}, "body.text"),
        ({"text": "", "surface": "comment"}, "body.text"),
        ({"text": "x" * 100_001, "surface": "comment"}, "body.text"),
        ({"text": "hi", "surface": "comment", "author_age_band": "teen"}, "body.author_age_band"),
        ({"text": "hi", "surface": "comment", "region": "DEU"}, "body.region"),
        ({"text": 5, "surface": "comment"}, "body.text"),
        ({"text": "hi", "surface": "billboard"}, "body.surface"),
    ],
)
def test_invalid_bodies_get_422_naming_the_field_and_change_nothing(
    client: TestClient, runtime: Runtime, secret: str, body: dict[str, object], field: str
) -> None:
    before = _audit_count(runtime)
    answer = client.post("/v1/content/text", json=body, headers=_auth(secret))
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_request"
    assert field in [p["field"] for p in error["data"]["problems"]]
    assert _audit_count(runtime) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "hi", "surface": "comment", "language": "english!"}, "language"),
        ({"text": "hi", "surface": "comment", "region": "D1"}, "region"),
    ],
)
def test_domain_validation_also_answers_422(
    client: TestClient, runtime: Runtime, secret: str, body: dict[str, object], field: str
) -> None:
    answer = client.post("/v1/content/text", json=body, headers=_auth(secret))
    assert answer.status_code == 422
    assert answer.json()["error"] == {
        "code": "invalid_submission",
        "message": answer.json()["error"]["message"],
        "data": {"field": field},
    }
    assert runtime.queue.pending() == 0


def test_malformed_json_and_oversize_bodies_are_refused(
    client: TestClient, runtime: Runtime, secret: str
) -> None:
    headers = {**_auth(secret), "Content-Type": "application/json"}
    broken = client.post("/v1/content/text", content=b'{"text": "hi", ', headers=headers)
    assert broken.status_code == 422
    huge = b'{"text": "' + b"a" * MAX_JSON_BYTES + b'", "surface": "comment"}'
    refused = client.post("/v1/content/text", content=huge, headers=headers)
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "body_too_large"

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(64):
            yield b"a" * 16384

    streamed = client.post("/v1/content/text", content=chunks(), headers=headers)
    assert streamed.status_code == 413
    assert _audit_count(runtime) == 1  # only the key's creation


def test_unknown_and_foreign_content_are_404(
    client: TestClient, runtime: Runtime, secret: str
) -> None:
    other = create_key(runtime.store, platform="other", name="t", actor="operator:test").secret
    posted = client.post(
        "/v1/content/text", json={"text": "hi", "surface": "comment"}, headers=_auth(other)
    ).json()
    for path in (
        f"/v1/content/{posted['id']}",
        f"/v1/jobs/{posted['job_id']}",
        "/v1/content/no-such-id",
        "/v1/jobs/no-such-id",
    ):
        answer = client.get(path, headers=_auth(secret))
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] in ("unknown_content", "unknown_job")


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "live"}
    assert client.get("/health/ready").json() == {"status": "ready"}
    spec = client.get("/openapi.json").json()
    assert "/v1/content/text" in spec["paths"]
    assert client.get("/nowhere").json()["error"]["code"] == "not_found"


def test_the_openapi_vocabularies_match_the_domain() -> None:
    from typing import get_args

    from haven.api.schemas import Outcome, ReportCategory, Surface
    from haven.cases.service import REVIEW_OUTCOMES
    from haven.signals.text.analyzer import SURFACES
    from haven.taxonomy import CATEGORY_IDS

    assert set(get_args(Surface)) == set(SURFACES)
    assert set(get_args(ReportCategory)) == {*CATEGORY_IDS, "other"}
    assert set(get_args(Outcome)) == set(REVIEW_OUTCOMES)


def test_a_comment_is_decided_while_the_platform_waits(
    client: TestClient, runtime: Runtime, secret: str
) -> None:
    answer = client.post(
        "/v1/check/text",
        headers=_auth(secret),
        json={"text": "you're a worthless loser, nobody likes you", "surface": "comment"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["state"] == "decided" and body["job_id"] is None
    assert body["decision"]["outcome"] == "nudge"
    assert client.get(f"/v1/content/{body['id']}", headers=_auth(secret)).json() == body
    with runtime.store.transaction() as tx:
        kinds = [e.kind for e in tx.audit.entries(subject_id=body["id"])]
    assert kinds == ["content.submitted", "decision.made"]
    refused = client.post(
        "/v1/check/text", headers=_auth(secret), json={"text": "", "surface": "comment"}
    )
    assert refused.status_code == 422
