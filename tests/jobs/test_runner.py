"""Jobs end to end in one process: submit a text, run its job, one decision, audited; a worker
presumed dead whose job ran elsewhere writes nothing; failures retry, then give up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from haven.audit.service import verify_audit_log
from haven.cases.service import request_review
from haven.clock import FixedClock
from haven.content.jobs import AnalyseContent
from haven.content.models import ContentState, TextSubmission
from haven.content.service import submit_text
from haven.jobs.models import Job, JobState
from haven.jobs.queue import HueyQueue
from haven.jobs.runner import RunnerSettings, run_job
from haven.jobs.worker import Worker
from haven.policy import load_policy
from haven.signals import default_registry
from haven.store.transactions import SqlStore

SETTINGS = RunnerSettings(lease=timedelta(seconds=60), max_attempts=2,
                          retry_base=timedelta(seconds=5))  # fmt: skip


@pytest.fixture(scope="module")
def analyse() -> AnalyseContent:
    policy = load_policy(None, known_signals=default_registry().signal_kinds())
    return AnalyseContent(policy, request_review)


def _submit(store: SqlStore, queue: HueyQueue, text: str, surface: str = "comment") -> Job:
    return submit_text(
        store, platform="p1", submission=TextSubmission(text, surface), actor="key:test"
    ).job


def _kinds(store: SqlStore) -> list[str]:
    with store.transaction() as tx:
        return [e.kind for e in tx.audit.entries()]


def test_a_submitted_text_is_decided_once(
    store: SqlStore, job_queue: HueyQueue, analyse: AnalyseContent
) -> None:
    job = _submit(store, job_queue, "you're a worthless loser, nobody likes you")
    assert job_queue.pending() == 1
    handlers = {analyse.kind: analyse}
    assert run_job(store, job.id, handlers, job_queue, SETTINGS) == "done"
    assert run_job(store, job.id, handlers, job_queue, SETTINGS) == "skipped"
    with store.transaction() as tx:
        decisions = tx.decisions.history(job.subject_id)
        content = tx.content.get(job.subject_id)
        finished = tx.jobs.get(job.id)
    assert len(decisions) == 1
    assert decisions[0].outcome == "nudge"
    assert "harassment_bullying" in decisions[0].categories
    assert decisions[0].treatments[0]["name"] == "comment_nudge"
    assert content.state is ContentState.DECIDED
    assert finished.state is JobState.DONE and finished.attempts == 1
    assert _kinds(store) == ["content.submitted", "job.started", "decision.made", "job.completed"]
    assert verify_audit_log(store).intact


class _DiesMidJob:
    """Wraps the real handler: while computing, the lease runs out and another worker takes the
    job and finishes it, as happens when a worker stalls and is presumed dead."""

    kind = "analyse_content"

    def __init__(self, real: AnalyseContent, clock: FixedClock, queue: HueyQueue) -> None:
        self.real, self.clock, self.queue = real, clock, queue

    def compute(self, store: Any, job: Job) -> Any:
        result = self.real.compute(store, job)
        self.clock.advance(timedelta(seconds=61))
        other = run_job(store, job.id, {self.kind: self.real}, self.queue, SETTINGS)
        assert other == "done"
        return result

    def commit(self, tx: Any, job: Job, result: Any, now: Any) -> None:
        self.real.commit(tx, job, result, now)

    def give_up(self, tx: Any, job: Job) -> None:
        self.real.give_up(tx, job)


def test_a_superseded_attempt_writes_nothing(
    store: SqlStore, clock: FixedClock, job_queue: HueyQueue, analyse: AnalyseContent
) -> None:
    job = _submit(store, job_queue, "have a lovely day")
    stalled = _DiesMidJob(analyse, clock, job_queue)
    assert run_job(store, job.id, {stalled.kind: stalled}, job_queue, SETTINGS) == "superseded"
    with store.transaction() as tx:
        assert len(tx.decisions.history(job.subject_id)) == 1
        assert tx.jobs.get(job.id).attempts == 2
    assert _kinds(store).count("decision.made") == 1
    assert _kinds(store).count("job.started") == 2


class _Broken:
    kind = "analyse_content"

    def __init__(self, real: AnalyseContent) -> None:
        self.real = real

    def compute(self, store: Any, job: Job) -> Any:
        raise OSError("the model file could not be read")

    def commit(self, tx: Any, job: Job, result: Any, now: Any) -> None:
        raise AssertionError("never reached")

    def give_up(self, tx: Any, job: Job) -> None:
        self.real.give_up(tx, job)


def test_a_failing_job_retries_with_backoff_then_fails_for_good(
    store: SqlStore, clock: FixedClock, job_queue: HueyQueue, analyse: AnalyseContent
) -> None:
    job = _submit(store, job_queue, "hello")
    handlers = {analyse.kind: _Broken(analyse)}
    assert run_job(store, job.id, handlers, job_queue, SETTINGS) == "retrying"
    # Not before its retry time, even if a message arrives early.
    assert run_job(store, job.id, handlers, job_queue, SETTINGS) == "skipped"
    clock.advance(timedelta(seconds=5))
    assert run_job(store, job.id, handlers, job_queue, SETTINGS) == "failed"
    with store.transaction() as tx:
        failed = tx.jobs.get(job.id)
        content = tx.content.get(job.subject_id)
    assert failed.state is JobState.FAILED and failed.attempts == 2
    assert "model file could not be read" in (failed.error or "")
    assert content.state is ContentState.FAILED
    assert _kinds(store)[-1] == "job.failed"


def test_the_reaper_resends_abandoned_and_lost_jobs(
    store: SqlStore, clock: FixedClock, job_queue: HueyQueue, analyse: AnalyseContent
) -> None:
    worker = Worker(store, job_queue, {analyse.kind: analyse}, threads=1, runner=SETTINGS,
                    reap_interval=timedelta(seconds=1))  # fmt: skip
    lost = _submit(store, job_queue, "a message the queue lost")
    abandoned = _submit(store, job_queue, "a job whose worker died")
    job_queue.flush()
    with store.transaction() as tx:
        now = clock.now()
        assert tx.jobs.claim(abandoned.id, now=now, lease_until=now + SETTINGS.lease)
    assert worker.reap() == []
    clock.advance(SETTINGS.lease * 3)
    assert sorted(worker.reap()) == sorted([lost.id, abandoned.id])
    assert job_queue.pending() == 2
    for job in (lost, abandoned):
        assert worker.run(job.id) == "done"


def test_a_held_comment_opens_a_case_for_review(
    store: SqlStore, job_queue: HueyQueue, analyse: AnalyseContent
) -> None:
    job = _submit(store, job_queue, "how old are you? send me a pic and don't tell your parents")
    assert run_job(store, job.id, {analyse.kind: analyse}, job_queue, SETTINGS) == "done"
    with store.transaction() as tx:
        decision = tx.decisions.latest(job.subject_id)
        case = tx.cases.get(job.subject_id)
    assert decision is not None
    assert "hold_for_review" in [t["name"] for t in decision.treatments]
    assert case is not None and case.queue == "child_safety"
    assert _kinds(store)[-3:] == ["decision.made", "case.review_requested", "job.completed"]
