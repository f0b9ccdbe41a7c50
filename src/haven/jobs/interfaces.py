from __future__ import annotations

from datetime import datetime
from typing import Protocol

from haven.jobs.models import Job


class JobsStore(Protocol):
    def add(self, job: Job) -> Job:
        """Insert the job, or return the existing one with the same key."""
        ...

    def get(self, job_id: str) -> Job:
        """The job; ``UnknownJob`` if there is none."""
        ...

    def for_subject(self, subject_id: str) -> str | None:
        """The id of the newest job about this subject."""
        ...

    def claim(self, job_id: str, *, now: datetime, lease_until: datetime) -> Job | None:
        """Take the job to run it: it must be queued, or running with a lease that has run
        out (its worker died). Returns it with one more attempt, or None if it is done,
        failed or held by a live lease. Locks the row for the transaction."""
        ...

    def renew(self, job_id: str, *, attempt: int, lease_until: datetime) -> bool:
        """Extend the lease, if this attempt still holds the job."""
        ...

    def finish(self, job_id: str, *, attempt: int, now: datetime) -> bool:
        """Mark the job done if it is not already; False means another attempt finished it
        and this one must write nothing."""
        ...

    def fail(
        self, job_id: str, *, attempt: int, now: datetime, error: str, retry_at: datetime | None
    ) -> bool:
        """Record a failed attempt: queued again for ``retry_at``, or failed for good."""
        ...

    def stale(self, *, now: datetime, queued_before: datetime) -> list[str]:
        """Jobs whose worker's lease ran out, and queued jobs nobody took since
        ``queued_before`` (a lost message): both are sent to the queue again."""
        ...

    def mark_enqueued(self, job_ids: list[str], *, now: datetime) -> None: ...


class JobQueue(Protocol):
    def enqueue(self, job_id: str, *, delay_seconds: float = 0) -> None:
        """Hand the job to a worker; call only after the transaction that wrote it commits."""
        ...
