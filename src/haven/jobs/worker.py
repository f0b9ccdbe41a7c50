"""A worker: Huey consumer threads that run jobs, and a reaper that sends the queue again any
job whose worker died (its lease ran out) or whose message was lost."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from haven.jobs.queue import HueyQueue
from haven.jobs.runner import Handler, RunnerSettings, run_job

log = logging.getLogger(__name__)


class Worker:
    def __init__(
        self,
        store: Any,
        queue: HueyQueue,
        handlers: Mapping[str, Handler],
        *,
        threads: int,
        runner: RunnerSettings,
        reap_interval: timedelta,
        embedded: bool = False,
    ) -> None:
        self.store, self.queue, self.handlers = store, queue, handlers
        self.threads, self.runner, self.reap_interval = threads, runner, reap_interval
        self._stop = threading.Event()
        self._reaper = threading.Thread(target=self._reap_loop, daemon=True, name="haven-reaper")
        self.consumer = queue.consumer(threads, embedded=embedded)
        queue.serve_with(self.run)

    def run(self, job_id: str) -> str:
        outcome = run_job(self.store, job_id, self.handlers, self.queue, self.runner)
        log.info("job %s: %s", job_id, outcome)
        return outcome

    def reap(self) -> list[str]:
        """Send stale jobs to the queue again; returns their ids."""
        now = self.store.clock.now()
        # A queued job nobody took within a few leases lost its message.
        with self.store.transaction() as tx:
            stale = tx.jobs.stale(now=now, queued_before=now - 3 * self.runner.lease)
            tx.jobs.mark_enqueued(stale, now=now)
        for job_id in stale:
            self.queue.enqueue(job_id)
        return stale

    def _reap_loop(self) -> None:
        while not self._stop.wait(self.reap_interval.total_seconds()):
            try:
                found = self.reap()
                if found:
                    log.info("sent %d stale job(s) to the queue again", len(found))
            except Exception:  # the store or queue may be down for a moment; try again later
                log.exception("reaping stale jobs failed")

    def run_forever(self) -> None:
        """Run in the foreground until SIGINT or SIGTERM (Huey's consumer handles them)."""
        self._reaper.start()
        try:
            self.consumer.run()
        finally:
            self._stop.set()

    def start(self) -> None:
        """Run in background threads (``haven serve``); call from the main thread."""
        self.consumer.start()
        self._reaper.start()

    def stop(self) -> None:
        self._stop.set()
        self.consumer.stop(graceful=True)
