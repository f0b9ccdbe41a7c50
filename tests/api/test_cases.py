"""Notices, appeals and statements of reasons over HTTP, on both databases."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from haven.access.roles import Reviewer, Role
from haven.access.service import create_key
from haven.api.app import create_app
from haven.cases import service
from haven.runtime import Runtime

ALICE = Reviewer("moderator:alice", Role.MODERATOR)
NOTICE = {
    "category": "harassment_bullying",
    "explanation": "Insults a classmate by name.",
    "reporter_kind": "user",
    "reporter_id": "user-7",
    "good_faith": True,
    "notifier_name": "Ana Lima",
    "notifier_email": "ana@example.org",
}


@pytest.fixture
def secret(runtime: Runtime) -> str:
    return create_key(runtime.store, platform="clips", name="tests", actor="operator:test").secret


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _content(client: TestClient, secret: str, text: str = "you are so dumb") -> str:
    posted = client.post(
        "/v1/content/text",
        headers=_auth(secret),
        json={"text": text, "surface": "comment", "author_id": "user-42"},
    )
    assert posted.status_code == 202
    return str(posted.json()["id"])


def _audit_rows(runtime: Runtime) -> int:
    with runtime.store.transaction() as tx:
        return len(list(tx.audit.entries()))


def test_a_platform_files_a_notice_and_gets_a_receipt(
    client: TestClient, runtime: Runtime, secret: str
) -> None:
    content_id = _content(client, secret)
    answer = client.post(
        "/v1/reports", headers=_auth(secret), json={**NOTICE, "content_id": content_id}
    )
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    assert receipt["content_id"] == content_id and receipt["id"] and receipt["received_at"]
    with runtime.store.transaction() as tx:
        case = tx.cases.get(content_id)
    assert case is not None and case.report_ids == (receipt["id"],)


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"content_id": "no-such-content"}, 404, "unknown_content"),
        ({"good_faith": False}, 422, "invalid_report"),
        ({"notifier_email": None}, 422, "invalid_report"),
        ({"category": "rude"}, 422, "invalid_request"),
        ({"mood": "angry"}, 422, "invalid_request"),
        ({"reporter_kind": "police"}, 422, "invalid_request"),
        ({"video_timestamp": -1}, 422, "invalid_request"),
    ],
)
def test_bad_notices_are_refused_and_write_nothing(
    client: TestClient,
    runtime: Runtime,
    secret: str,
    change: dict[str, object],
    status: int,
    code: str,
) -> None:
    content_id = _content(client, secret)
    before = _audit_rows(runtime)
    answer = client.post(
        "/v1/reports", headers=_auth(secret), json={**NOTICE, "content_id": content_id, **change}
    )
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code
    assert _audit_rows(runtime) == before


def test_anyone_may_file_a_notice_but_not_a_flood(
    client: TestClient, runtime: Runtime, secret: str
) -> None:
    content_id = _content(client, secret)
    public = {
        **NOTICE,
        "content_id": content_id,
        "reporter_kind": "trusted_flagger",
        "reporter_id": None,
    }
    url = "/v1/public/platforms/clips/reports"
    first = client.post(url, json=public)
    assert first.status_code == 201, first.text
    with runtime.store.transaction() as tx:
        report = tx.reports.get(first.json()["id"])
    assert report is not None and report.notice.reporter_kind.value == "anonymous"
    assert client.post("/v1/public/platforms/other/reports", json=public).status_code == 404
    assert client.post("/v1/public/platforms/BAD!/reports", json=public).status_code == 422
    for _ in range(2 * runtime.settings.public_reports_per_minute - 2):
        assert client.post(url, json=public).status_code == 201
    limited = client.post(url, json=public)
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1


def test_statement_of_reasons_and_appeal_over_http(
    client: TestClient, runtime: Runtime, secret: str
) -> None:
    content_id = _content(client, secret)
    client.post("/v1/reports", headers=_auth(secret), json={**NOTICE, "content_id": content_id})
    service.claim(runtime.store, ALICE, content_id)
    service.decide(
        runtime.store,
        ALICE,
        content_id,
        service.ReviewDecision(
            "remove",
            "Insults a named classmate.",
            ground_reference="rules/harassment#1",
            territorial_scope=("EEA",),
        ),
    )
    statement = client.get(f"/v1/content/{content_id}/statement", headers=_auth(secret)).json()
    assert statement["restriction"]["kinds"] == ["removal"]
    assert statement["restriction"]["territorial_scope"] == ["EEA"]
    assert statement["source"] == "notice"
    assert statement["automated_decision"] == "not_automated"
    assert statement["ground"]["reference"] == "rules/harassment#1"
    assert statement["facts_and_circumstances"] == "Insults a named classmate."
    assert "Ana Lima" not in str(statement) and "ana@example.org" not in str(statement)
    page = client.get(f"/v1/content/{content_id}/statement.html", headers=_auth(secret))
    assert page.status_code == 200 and "Why we restricted your content" in page.text
    assert "rules/harassment#1" in page.text and "Ana Lima" not in page.text

    wrong = client.post(
        "/v1/appeals",
        headers=_auth(secret),
        json={
            "content_id": content_id,
            "appellant_kind": "affected_user",
            "appellant_id": "user-1",
            "reason": "not mine",
        },
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid_appeal"
    filed = client.post(
        "/v1/appeals",
        headers=_auth(secret),
        json={
            "content_id": content_id,
            "appellant_kind": "affected_user",
            "appellant_id": "user-42",
            "reason": "It was a joke.",
        },
    )
    assert filed.status_code == 201 and filed.json()["status"] == "open"


def test_the_statement_comes_in_the_user_s_language(
    client: TestClient, runtime: Runtime, secret: str
) -> None:
    posted = client.post(
        "/v1/content/text",
        headers=_auth(secret),
        json={
            "text": "du bist so dumm",
            "surface": "comment",
            "language": "de",
            "author_id": "user-42",
        },
    )
    content_id = str(posted.json()["id"])
    client.post("/v1/reports", headers=_auth(secret), json={**NOTICE, "content_id": content_id})
    service.claim(runtime.store, ALICE, content_id)
    service.decide(
        runtime.store,
        ALICE,
        content_id,
        service.ReviewDecision("remove", "Beleidigt eine Mitschülerin.", ground_reference="r#1"),
    )
    url = f"/v1/content/{content_id}/statement"
    # The language the user posted in, when nothing else is asked for.
    german = client.get(url, headers=_auth(secret)).json()
    assert german["language"] == "de"
    assert german["restriction"]["measures"] == ["Der Inhalt wurde entfernt."]
    assert german["source_text"] == "Wir haben aufgrund einer Meldung zu diesem Inhalt gehandelt."
    # The browser's preferences, in order of their weights.
    french = client.get(
        url, headers={**_auth(secret), "Accept-Language": "ja, fr;q=0.8, en;q=0.5"}
    ).json()
    assert french["language"] == "fr" and french["labels"]["why"] == "Pourquoi"
    # An explicit choice wins; a language Haven lacks falls back to the next choice, then English.
    assert (
        client.get(url, headers=_auth(secret), params={"language": "pl"}).json()["language"] == "pl"
    )
    fallback = client.get(
        url, headers={**_auth(secret), "Accept-Language": "ja"}, params={"language": "tlh"}
    ).json()
    assert fallback["language"] == "de"  # tlh and ja are unknown; the content's language is next
    page = client.get(f"{url}.html", headers=_auth(secret), params={"language": "es"})
    assert '<html lang="es">' in page.text
    assert "Por qué hemos restringido tu contenido" in page.text
    assert "Beleidigt eine Mitschülerin." in page.text  # the facts stay as written
    too_long = client.get(url, headers=_auth(secret), params={"language": "x" * 36})
    assert too_long.status_code == 422


def test_a_decision_that_restricts_nothing_has_no_statement(
    client: TestClient, runtime: Runtime, secret: str
) -> None:
    content_id = _content(client, secret, "what a lovely video")
    with runtime.store.transaction() as tx:
        job_id = tx.jobs.for_subject(content_id)
    assert runtime.worker().run(str(job_id)) == "done"
    answer = client.get(f"/v1/content/{content_id}/statement", headers=_auth(secret))
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "no_statement"
