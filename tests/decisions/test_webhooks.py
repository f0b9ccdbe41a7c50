"""Webhooks to a real HTTP server on loopback: signed, retried with backoff, audited."""

from __future__ import annotations

import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from haven.access.errors import InvalidKeyRequest
from haven.access.service import set_webhook
from haven.cases.service import request_review
from haven.clock import FixedClock
from haven.content.jobs import AnalyseContent
from haven.content.models import TextSubmission
from haven.content.service import submit_text
from haven.decisions.webhooks import (
    SIGNATURE_HEADER,
    WEBHOOK_JOB,
    DeliverWebhook,
    sign,
    verify_signature,
)
from haven.jobs.queue import HueyQueue
from haven.jobs.runner import RunnerSettings, run_job
from haven.policy import load_policy
from haven.signals import default_registry
from haven.store.transactions import SqlStore

SETTINGS = RunnerSettings(lease=timedelta(seconds=60), retry_base=timedelta(seconds=5))


class Receiver:
    """A platform's webhook endpoint: records what arrives, answers the scripted statuses."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses, self.received = statuses, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/haven"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver([500, 200])
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture(scope="module")
def handlers() -> dict[str, object]:
    policy = load_policy(None, known_signals=default_registry().signal_kinds())
    return {
        "analyse_content": AnalyseContent(policy, request_review),
        WEBHOOK_JOB: DeliverWebhook(timeout_seconds=5),
    }


def _decide(store: SqlStore, queue: HueyQueue, handlers: dict[str, object], platform: str) -> str:
    job = submit_text(
        store,
        platform=platform,
        actor="key:t",
        submission=TextSubmission("you're a worthless loser", "comment", external_id="c-77"),
    ).job
    assert run_job(store, job.id, handlers, queue, SETTINGS) == "done"  # type: ignore[arg-type]
    with store.transaction() as tx:
        decision = tx.decisions.latest(job.subject_id)
        assert decision is not None
        return str(tx.jobs.for_subject(decision.id))


def test_a_decision_is_delivered_signed_and_retried(
    store: SqlStore,
    clock: FixedClock,
    job_queue: HueyQueue,
    handlers: dict[str, object],
    receiver: Receiver,
) -> None:
    secret = set_webhook(store, platform="clips", url=receiver.url, actor="operator:t").secret
    webhook_job = _decide(store, job_queue, handlers, "clips")
    assert run_job(store, webhook_job, handlers, job_queue, SETTINGS) == "retrying"  # type: ignore[arg-type]
    clock.advance(timedelta(seconds=5))
    assert run_job(store, webhook_job, handlers, job_queue, SETTINGS) == "done"  # type: ignore[arg-type]
    assert len(receiver.received) == 2
    headers, body = receiver.received[-1]
    now = int(clock.now().timestamp())
    assert verify_signature(secret, headers[SIGNATURE_HEADER], body, now=now)
    assert not verify_signature(secret, headers[SIGNATURE_HEADER], body + b" ", now=now)
    assert not verify_signature("whsec_other", headers[SIGNATURE_HEADER], body, now=now)
    assert not verify_signature(secret, headers[SIGNATURE_HEADER], body, now=now + 3600)
    sent = json.loads(body)
    assert sent["event"] == "decision.made" and sent["content"]["external_id"] == "c-77"
    assert sent["decision"]["outcome"] == "nudge" and sent["delivery"] == webhook_job
    with store.transaction() as tx:
        kinds = [e.kind for e in tx.audit.entries(subject_type="webhook")]
    assert kinds == ["webhook.set", "webhook.delivered"]


def test_a_platform_without_a_webhook_costs_no_job(
    store: SqlStore, job_queue: HueyQueue, handlers: dict[str, object]
) -> None:
    assert _decide(store, job_queue, handlers, "quiet") == "None"
    with store.transaction() as tx:
        assert list(tx.audit.entries(subject_type="webhook")) == []


def test_an_unreachable_endpoint_fails_after_its_attempts(
    store: SqlStore, clock: FixedClock, job_queue: HueyQueue, handlers: dict[str, object]
) -> None:
    set_webhook(store, platform="clips", url="http://127.0.0.1:9/nothing", actor="operator:t")
    webhook_job = _decide(store, job_queue, handlers, "clips")
    outcomes = []
    for _ in range(DeliverWebhook.max_attempts):
        outcomes.append(run_job(store, webhook_job, handlers, job_queue, SETTINGS))  # type: ignore[arg-type]
        clock.advance(timedelta(hours=1))
    assert outcomes[:-1] == ["retrying"] * (DeliverWebhook.max_attempts - 1)
    assert outcomes[-1] == "failed"


@pytest.mark.parametrize("url", ["ftp://example.org/x", "not a url", "http://"])
def test_bad_webhook_urls_are_refused(store: SqlStore, url: str) -> None:
    with pytest.raises(InvalidKeyRequest):
        set_webhook(store, platform="clips", url=url, actor="operator:t")


def test_signatures_are_what_the_docs_say() -> None:
    assert sign("s", 1700000000, b"{}") == (
        "t=1700000000,v1=" + hmac.new(b"s", b"1700000000.{}", "sha256").hexdigest()
    )
    assert not verify_signature("s", "garbage", b"{}", now=1700000000)
