"""The purge as a job a worker runs: queued once a day (``haven privacy purge --queue``, from
cron or a scheduler), idempotent, safe with any number of workers (one job per day's key)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from haven.jobs.models import Job, new_job
from haven.privacy.interfaces import PrivacyStore
from haven.privacy.purge import purge
from haven.privacy.retention import RetentionRules

PURGE_JOB = "privacy_purge"


def schedule_purge(store: Any, *, now: datetime | None = None) -> Job:
    """Queue today's purge (UTC day); queuing it again the same day returns the same job. The
    store hands it to the queue once the transaction commits."""
    now = now or store.clock.now()
    day = now.date().isoformat()
    with store.transaction() as tx:
        return tx.jobs.add(  # type: ignore[no-any-return]
            new_job(PURGE_JOB, f"retention:{day}", key=f"{PURGE_JOB}:{day}", now=now)
        )


class PurgeJob:
    """Handler of ``privacy_purge`` jobs. The purge commits rule by rule in ``compute`` (its
    own transactions, its own audit entries, then the files); running it twice is harmless,
    so a retry after a crash simply finishes the work."""

    kind = PURGE_JOB
    max_attempts = 3

    def __init__(self, rules: RetentionRules, *, media_root: Path) -> None:
        self.rules = rules
        self.media_root = media_root

    def compute(self, store: PrivacyStore, job: Job) -> dict[str, Any]:
        return purge(store, self.rules, media_root=self.media_root).as_dict()

    def commit(self, tx: Any, job: Job, result: dict[str, Any], now: datetime) -> None:
        """Nothing left to write: each rule was committed and audited as it ran."""

    def give_up(self, tx: Any, job: Job) -> None:
        """Nothing to undo: what was purged stays purged; tomorrow's job tries again."""
