from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    id: str
    key: str  # what makes two jobs the same work: submitting it again returns the first
    kind: str
    subject_id: str
    state: JobState
    attempts: int
    created_at: datetime
    enqueued_at: datetime
    lease_until: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None


def new_job(kind: str, subject_id: str, *, key: str, now: datetime) -> Job:
    return Job(str(uuid.uuid4()), key, kind, subject_id, JobState.QUEUED, 0, now, now)
