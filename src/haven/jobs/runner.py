"""Running one job: claim it under a lease, compute, and commit the result exactly once.

1. In a transaction: claim the row (queued, or running with an expired lease), count the
   attempt, audit ``job.started``.
2. Outside any transaction: the handler computes (a model run can take minutes), while a
   heartbeat thread renews the lease.
3. In a transaction: mark the job done, guarded by its state and this attempt's number, and
   let the handler write its result in the same transaction. If another attempt finished
   first (this worker was thought dead), nothing is written.
A failure is recorded and retried with backoff up to ``max_attempts``; then the job fails for
good and the handler marks its subject failed.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from haven.audit.models import AuditEvent
from haven.clock import Clock
from haven.jobs.interfaces import JobQueue
from haven.jobs.models import Job

log = logging.getLogger(__name__)


class Handler(Protocol):
    kind: str

    def compute(self, tx_factory: Any, job: Job) -> Any: ...

    def commit(self, tx: Any, job: Job, result: Any, now: Any) -> None: ...

    def give_up(self, tx: Any, job: Job) -> None: ...


@dataclass(frozen=True)
class RunnerSettings:
    lease: timedelta = timedelta(seconds=120)
    max_attempts: int = 3
    retry_base: timedelta = timedelta(seconds=5)


class _Heartbeat:
    """Renews the lease at a third of its length until stopped."""

    def __init__(self, store: Any, clock: Clock, job: Job, lease: timedelta) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, args=(store, clock, job, lease), daemon=True, name="haven-lease"
        )

    def _beat(self, store: Any, clock: Clock, job: Job, lease: timedelta) -> None:
        while not self._stop.wait(lease.total_seconds() / 3):
            try:
                with store.transaction() as tx:
                    held = tx.jobs.renew(
                        job.id, attempt=job.attempts, lease_until=clock.now() + lease
                    )
            except Exception:  # a failed renewal must not kill the job; the next one may pass
                log.exception("renewing the lease of job %s failed", job.id)
                continue
            if not held:
                return

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def run_job(
    store: Any,
    job_id: str,
    handlers: Mapping[str, Handler],
    queue: JobQueue,
    settings: RunnerSettings = RunnerSettings(),
) -> str:
    """Run the job if it is free to run; returns what happened (for logs and tests)."""
    clock: Clock = store.clock
    with store.transaction() as tx:
        now = clock.now()
        job = tx.jobs.claim(job_id, now=now, lease_until=now + settings.lease)
        if job is None:
            return "skipped"
        tx.audit.append(
            AuditEvent(
                "job", job.id, "job.started", "system", {"attempt": job.attempts, "kind": job.kind}
            )
        )
    handler = handlers.get(job.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for jobs of kind {job.kind!r}")
        with _Heartbeat(store, clock, job, settings.lease):
            result = handler.compute(store, job)
    except Exception as exc:
        return _failed(store, queue, job, handler, exc, settings)
    with store.transaction() as tx:
        now = clock.now()
        if not tx.jobs.finish(job.id, attempt=job.attempts, now=now):
            return "superseded"
        handler.commit(tx, job, result, now)
        tx.audit.append(
            AuditEvent("job", job.id, "job.completed", "system", {"attempt": job.attempts})
        )
    return "done"


def _failed(
    store: Any,
    queue: JobQueue,
    job: Job,
    handler: Handler | None,
    exc: Exception,
    settings: RunnerSettings,
) -> str:
    error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
    # The error's type only: its message may quote what the job worked on (a text, a user
    # id). The whole error is kept in the job row and the audit log.
    log.warning("job %s attempt %d failed (%s)", job.id, job.attempts, type(exc).__name__)
    limit = getattr(handler, "max_attempts", settings.max_attempts)
    final = job.attempts >= limit or handler is None
    delay = settings.retry_base * 2 ** (job.attempts - 1)
    with store.transaction() as tx:
        now = store.clock.now()
        if not tx.jobs.fail(
            job.id,
            attempt=job.attempts,
            now=now,
            error=error,
            retry_at=None if final else now + delay,
        ):
            return "superseded"
        if final and handler is not None:
            handler.give_up(tx, job)
        tx.audit.append(
            AuditEvent(
                "job",
                job.id,
                "job.failed" if final else "job.retrying",
                "system",
                {"attempt": job.attempts, "error": error},
            )
        )
    if not final:
        queue.enqueue(job.id, delay_seconds=delay.total_seconds())
    return "failed" if final else "retrying"
