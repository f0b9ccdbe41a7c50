"""The task queue under the jobs: Huey, with its SQLite storage by default (no server) or
Redis at scale. Only job ids travel through it; the job rows in the store say what to do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer

from haven.jobs.errors import QueueUnavailable

TASK_NAME = "haven.run_job"


class _EmbeddedConsumer(Consumer):  # type: ignore[misc]
    def _set_signal_handlers(self) -> None:
        """The host process owns SIGINT and SIGTERM and calls stop()."""


class HueyQueue:
    def __init__(self, url: str, *, name: str = "haven") -> None:
        self.url = url
        try:
            if url.startswith("sqlite:///"):
                path = Path(url.removeprefix("sqlite:///")).expanduser()
                path.parent.mkdir(parents=True, exist_ok=True)
                self.huey = SqliteHuey(name, filename=str(path), results=False)
            else:
                self.huey = RedisHuey(name, url=url, results=False)
        except Exception as exc:
            raise QueueUnavailable(f"cannot open the job queue {url}: {exc}") from exc
        self._executor: Callable[[str], object] | None = None
        self._task = self.huey.task(name=TASK_NAME)(self._execute)

    def _execute(self, job_id: str) -> None:
        if self._executor is None:
            raise RuntimeError("this process runs no worker; call serve_with() first")
        self._executor(job_id)

    def enqueue(self, job_id: str, *, delay_seconds: float = 0) -> None:
        try:
            if delay_seconds > 0:
                self._task.schedule(args=(job_id,), delay=delay_seconds)
            else:
                self._task(job_id)
        except Exception as exc:
            # The job row is committed: the reaper will enqueue it again once the queue is back.
            raise QueueUnavailable(f"cannot enqueue job {job_id} on {self.url}: {exc}") from exc

    def serve_with(self, executor: Callable[[str], object]) -> None:
        self._executor = executor

    def consumer(self, threads: int, *, embedded: bool = False) -> Consumer:
        """Huey's consumer; ``embedded`` leaves the process's signals to its host (the API
        server in ``haven serve``), which stops the consumer itself."""
        kind = _EmbeddedConsumer if embedded else Consumer
        return kind(
            self.huey,
            workers=threads,
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            max_delay=0.5,
            scheduler_interval=1,
        )

    def pending(self) -> int:
        return self.huey.pending_count()

    def flush(self) -> None:
        self.huey.flush()
