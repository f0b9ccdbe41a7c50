"""The Transparency Database client against a local server that enforces the documented rules:
batches of at most 100, all or nothing, idempotent by puid, retries with backoff, the
existing-puid check, and invalid statements never sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.transparency import tdb_server

from haven.transparency.submission import (
    RetryPolicy,
    SubmissionFailed,
    TokenRefused,
    TransparencyDatabaseClient,
)

TOKEN = "test-token-1"


def statement(puid: str, **changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": "policy:text-harassment-hold",
        "incompatible_content_explanation": "The comment insults another user.",
        "content_type": ["CONTENT_TYPE_TEXT"],
        "category": "STATEMENT_CATEGORY_CYBER_VIOLENCE",
        "category_specification": ["KEYWORD_CYBER_HARASSMENT"],
        "territorial_scope": ["DE", "FR"],
        "content_date": "2026-06-03",
        "application_date": "2026-06-04",
        "decision_facts": "The comment insults another user.",
        "source_type": "SOURCE_VOLUNTARY",
        "automated_detection": "Yes",
        "automated_decision": "AUTOMATED_DECISION_PARTIALLY",
        "puid": puid,
    }
    out.update(changes)
    return out


@pytest.fixture
def tdb() -> Iterator[tuple[tdb_server.TransparencyDatabase, str]]:
    server, url = tdb_server.start(TOKEN)
    yield server.database, url
    server.shutdown()
    server.server_close()


def client(url: str, waits: list[float] | None = None, **kwargs: Any) -> TransparencyDatabaseClient:
    sleeps = waits if waits is not None else []
    return TransparencyDatabaseClient(
        url, kwargs.pop("token", TOKEN), timeout=5, sleep=sleeps.append, **kwargs
    )


def test_the_local_server_refuses_what_the_documentation_forbids() -> None:
    # The server's own rules, checked on their own first: a server that accepts anything
    # would make every test below pass.
    assert tdb_server.rules_broken(statement("a")) == {}
    broken = tdb_server.rules_broken(
        statement(
            "a b",
            category="STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",  # removed in v2
            territorial_scope=["US"],
            content_date="03/06/2026",
            incompatible_content_explanation="",
        )
    )
    assert set(broken) == {
        "puid",
        "category",
        "territorial_scope",
        "content_date",
        "incompatible_content_explanation",
    }


def test_250_statements_go_in_three_calls_and_all_are_stored(tdb) -> None:  # type: ignore[no-untyped-def]
    database, url = tdb
    with client(url) as c:
        outcome = c.submit([statement(f"d-{i}") for i in range(250)])
    assert len(outcome.accepted) == 250 and not outcome.refused and outcome.calls == 3
    assert len(database.stored) == 250
    assert [status for _, _, status in database.calls] == [201, 201, 201]
    assert outcome.accepted["d-7"] == database.stored["d-7"]["uuid"]


def test_an_invalid_statement_is_never_sent_and_says_why(tdb) -> None:  # type: ignore[no-untyped-def]
    database, url = tdb
    bad = statement("bad-1", territorial_scope=["US"], decision_facts="")
    with client(url) as c:
        outcome = c.submit([statement("ok-1"), bad, statement("ok-2")])
    assert set(outcome.accepted) == {"ok-1", "ok-2"}
    reasons = " ".join(outcome.refused["bad-1"])
    assert "territorial_scope" in reasons and "decision_facts" in reasons
    assert "bad-1" not in database.stored
    assert all("bad-1" not in str(call) for call in database.calls)


def test_only_invalid_statements_mean_no_call_at_all(tdb) -> None:  # type: ignore[no-untyped-def]
    database, url = tdb
    with client(url) as c:
        outcome = c.submit([statement("x", automated_detection="maybe")])
    assert outcome.refused and outcome.calls == 0 and database.calls == []


def test_a_resubmission_is_harmless_puids_already_stored_are_confirmed(tdb) -> None:  # type: ignore[no-untyped-def]
    database, url = tdb
    with client(url) as c:
        c.submit([statement("p-1"), statement("p-2")])
        uuid_before = database.stored["p-1"]["uuid"]
        outcome = c.submit([statement("p-1"), statement("p-2"), statement("p-3")])
    assert sorted(outcome.already_there) == ["p-1", "p-2"]
    assert set(outcome.accepted) == {"p-3"}
    assert database.stored["p-1"]["uuid"] == uuid_before  # not stored twice
    # The existing-puid check confirmed both before they were counted as there.
    checks = [path for method, path, _ in database.calls if method == "GET"]
    assert sorted(checks) == [
        "/api/v1/statement/existing-puid/p-1",
        "/api/v1/statement/existing-puid/p-2",
    ]


def test_a_lost_answer_is_retried_and_the_batch_ends_up_stored_once(tdb) -> None:  # type: ignore[no-untyped-def]
    database, url = tdb
    database.faults.store_then_fail = 1  # stored, but the client sees 503
    waits: list[float] = []
    with client(url, waits) as c:
        outcome = c.submit([statement("l-1"), statement("l-2")])
    assert sorted(outcome.already_there) == ["l-1", "l-2"]
    assert len(database.stored) == 2 and len(waits) == 1


def test_server_errors_are_retried_with_growing_waits_then_given_up(tdb) -> None:  # type: ignore[no-untyped-def]
    database, url = tdb
    database.faults.statuses = [503, 502, 500]
    waits: list[float] = []
    retry = RetryPolicy(attempts=5, first_wait=1.0, longest_wait=60)
    with client(url, waits, retry=retry) as c:
        outcome = c.submit([statement("r-1")])
    assert set(outcome.accepted) == {"r-1"}
    # Full jitter: each wait lies within its doubling bound.
    assert len(waits) == 3 and all(0 <= w <= b for w, b in zip(waits, [1, 2, 4], strict=True))

    database.faults.statuses = [503] * 5
    with client(url, [], retry=retry) as c, pytest.raises(SubmissionFailed, match="5 times"):
        c.submit([statement("r-2")])
    assert "r-2" not in database.stored


def test_retry_after_is_honoured(tdb) -> None:  # type: ignore[no-untyped-def]
    database, url = tdb
    database.faults.statuses = [429]
    database.faults.retry_after = "7"
    waits: list[float] = []
    with client(url, waits) as c:
        c.submit([statement("t-1")])
    assert waits == [7.0]


def test_a_refused_token_stops_at_once_without_retrying(tdb) -> None:  # type: ignore[no-untyped-def]
    database, url = tdb
    waits: list[float] = []
    with client(url, waits, token="stale") as c, pytest.raises(TokenRefused):
        c.submit([statement("k-1")])
    assert waits == [] and database.stored == {}
    with pytest.raises(TokenRefused):
        TransparencyDatabaseClient(url, "")


def test_an_unreachable_database_fails_after_the_retries() -> None:
    waits: list[float] = []
    unreachable = client("http://127.0.0.1:9", waits, retry=RetryPolicy(attempts=3))
    with unreachable as c, pytest.raises(SubmissionFailed, match="3 times"):
        c.submit([statement("u-1")])
    assert len(waits) == 2


def test_the_existing_puid_check(tdb) -> None:  # type: ignore[no-untyped-def]
    _, url = tdb
    with client(url) as c:
        assert c.exists("e-1") is False
        c.submit([statement("e-1")])
        assert c.exists("e-1") is True


def test_a_puid_twice_in_one_submission_is_refused_before_sending(tdb) -> None:  # type: ignore[no-untyped-def]
    database, url = tdb
    with client(url) as c:
        outcome = c.submit([statement("dup"), statement("dup")])
    assert not outcome.accepted and "appears 2 times" in outcome.refused["dup"][0]
    assert database.calls == []


def test_a_statement_the_database_refuses_is_taken_out_and_the_rest_resent(tdb) -> None:  # type: ignore[no-untyped-def]
    database, url = tdb
    # Haven's validator lets a one-letter host through; the database's URL rule does not.
    odd = statement("odd-1", decision_ground_reference_url="http://x")
    with client(url) as c:
        outcome = c.submit([statement("fine-1"), odd, statement("fine-2")])
    assert set(outcome.accepted) == {"fine-1", "fine-2"}
    assert "decision_ground_reference_url" in " ".join(outcome.refused["odd-1"])
    assert sorted(database.stored) == ["fine-1", "fine-2"] and outcome.calls == 2


def test_a_redirect_elsewhere_is_not_an_existing_statement(tdb) -> None:  # type: ignore[no-untyped-def]
    _, url = tdb
    with client(url) as c, pytest.raises(SubmissionFailed, match="not a puid"):
        c.exists("a/../x?y")
    with pytest.raises(SubmissionFailed, match="not a URL"):
        TransparencyDatabaseClient("transparency.example", TOKEN)


def test_a_statement_that_breaks_the_server_is_isolated_and_the_rest_go(tdb) -> None:  # type: ignore[no-untyped-def]
    database, url = tdb
    database.faults.poison = "p-37"
    waits: list[float] = []
    with client(url, waits, retry=RetryPolicy(attempts=2)) as c:
        outcome = c.submit([statement(f"p-{i}") for i in range(100)])
    assert set(outcome.refused) == {"p-37"} and "HTTP 500" in outcome.refused["p-37"][0]
    assert len(outcome.accepted) == 99 and len(database.stored) == 99
