"""A worker killed with SIGKILL mid-job: the job runs again on another worker and its result is
written exactly once. Real processes, real databases, real queues (Huey on SQLite; Huey on Redis
with PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from haven.audit.service import verify_audit_log
from haven.content.models import TextSubmission
from haven.content.service import submit_text
from haven.jobs.models import JobState
from haven.runtime import Runtime, build_runtime
from haven.settings import load_settings


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def test_a_job_survives_its_worker_killed_mid_job(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """SQLite with Huey's SQLite queue (the embedded default); PostgreSQL with Redis (scale)."""
    queue_url = (
        f"sqlite:///{tmp_path / 'queue.sqlite3'}"
        if database_url.startswith("sqlite")
        else request.getfixturevalue("redis_server")
    )
    environ = {
        **os.environ,
        "HAVEN_DATA_DIR": str(tmp_path / "data"),
        "HAVEN_DATABASE_URL": database_url,
        "HAVEN_QUEUE_URL": queue_url,
        "HAVEN_QUEUE_NAME": f"crash-{uuid.uuid4().hex[:8]}",
        "HAVEN_JOB_LEASE_SECONDS": "3",
        "HAVEN_REAP_INTERVAL_SECONDS": "0.5",
    }
    runtime: Runtime = build_runtime(load_settings(None, environ))
    try:
        job = submit_text(
            runtime.store, platform="p1", actor="key:test",
            submission=TextSubmission("nobody would miss me if I was gone", "comment"),
        ).job  # fmt: skip

        def state() -> tuple[JobState, int]:
            with runtime.store.transaction() as tx:
                found = tx.jobs.get(job.id)
            return found.state, found.attempts

        command = [sys.executable, "-m", "haven.cli", "worker", "--threads", "1"]
        first = subprocess.Popen(command, env=environ, stderr=subprocess.DEVNULL)
        try:
            _wait_for(lambda: state()[0] is JobState.RUNNING, 60, "the first worker to start")
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        assert state() == (JobState.RUNNING, 1)  # killed mid-job: claimed, never finished

        second = subprocess.Popen(command, env=environ, stderr=subprocess.DEVNULL)
        try:
            _wait_for(lambda: state()[0] is JobState.DONE, 90, "the second worker to finish")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
        assert state() == (JobState.DONE, 2)
        with runtime.store.transaction() as tx:
            decisions = tx.decisions.history(job.subject_id)
            kinds = [e.kind for e in tx.audit.entries(subject_type="job", subject_id=job.id)]
            kinds += [e.kind for e in tx.audit.entries(subject_id=job.subject_id)]
        assert len(decisions) == 1
        assert "self_harm_suicide" in decisions[0].categories
        assert kinds.count("job.started") == 2
        assert kinds.count("decision.made") == kinds.count("job.completed") == 1
        assert verify_audit_log(runtime.store).intact
    finally:
        runtime.queue.flush()
        runtime.close()
