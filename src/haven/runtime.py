"""Building Haven's running parts from the settings: the composition root that the shells
(``haven serve``, ``haven worker``, the API) share. Nothing here runs at import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from haven.banks.matcher import IndexedMatcher
from haven.cases.child_safety import secure_evidence
from haven.cases.service import request_review
from haven.clock import Clock, SystemClock
from haven.content.batching import TextBatcher
from haven.content.jobs import AnalyseContent
from haven.decisions.webhooks import DeliverWebhook
from haven.jobs.queue import HueyQueue
from haven.jobs.runner import Handler, RunnerSettings
from haven.jobs.worker import Worker
from haven.policy import load_policy
from haven.privacy.jobs import PurgeJob
from haven.privacy.logs import install_log_redaction
from haven.privacy.retention import load_rules
from haven.settings import Settings, SettingsError
from haven.signals import default_registry
from haven.store.database import Database
from haven.store.transactions import SqlStore


@dataclass
class Runtime:
    settings: Settings
    database: Database
    store: SqlStore
    queue: HueyQueue
    handlers: dict[str, Handler]

    def worker(self, threads: int | None = None, *, embedded: bool = False) -> Worker:
        return Worker(
            self.store,
            self.queue,
            self.handlers,
            threads=threads or self.settings.worker_threads,
            runner=RunnerSettings(
                lease=timedelta(seconds=self.settings.job_lease_seconds),
                max_attempts=self.settings.job_max_attempts,
            ),
            reap_interval=timedelta(seconds=self.settings.reap_interval_seconds),
            embedded=embedded,
        )

    @cached_property
    def text_batcher(self) -> TextBatcher:
        """Batches the texts of concurrent synchronous checks (its thread starts on first use)."""
        return TextBatcher(self.analyser.policy)

    @property
    def analyser(self) -> AnalyseContent:
        """The text analysis that jobs and synchronous checks share."""
        handler = self.handlers[AnalyseContent.kind]
        if not isinstance(handler, AnalyseContent):
            raise TypeError(f"the {AnalyseContent.kind} handler is {type(handler).__name__}")
        return handler

    def close(self) -> None:
        self.database.dispose()


def external_options(settings: Settings) -> dict[str, Any]:
    """The external classifier's options from the settings (not used when no URL is set)."""
    return {
        "url": settings.external_moderation_url,
        "api_key": settings.external_moderation_key,
        "timeout": settings.external_moderation_timeout_seconds,
    }


def build_runtime(
    settings: Settings, *, clock: Clock | None = None, upgrade: bool = True
) -> Runtime:
    """Open the store (migrating it to the newest schema when ``upgrade``), the queue and the
    policy. A missing or invalid policy (or retention rules file) stops start-up here, not at
    the first job. From here on, this process's log records are masked of emails and secrets
    (``haven.privacy.logs``)."""
    install_log_redaction()
    retention = load_rules(Path(settings.retention_file) if settings.retention_file else None)
    database = Database(settings.database_url)
    if upgrade:
        database.upgrade()
    database.check_schema()
    policy = load_policy(
        Path(settings.policy_file) if settings.policy_file else None,
        known_signals=default_registry().signal_kinds(),
    )
    registry = default_registry()
    analyzers = (
        [name.strip() for name in settings.scan_analyzers.split(",") if name.strip()]
        if settings.scan_analyzers
        else registry.names()
    )
    unknown = set(analyzers) - set(registry.names())
    if unknown:
        raise SettingsError(
            f"scan_analyzers names unknown analyzers: {', '.join(sorted(unknown))}"
            f" (known: {', '.join(registry.names())})"
        )
    queue = HueyQueue(settings.queue_url, name=settings.queue_name)
    store = SqlStore(database, clock or SystemClock(), on_job=queue.enqueue)
    # Uploads are checked against the banks; the matcher picks up entries added later.
    matcher = IndexedMatcher(store, settings.banks_folder)
    handlers: dict[str, Handler] = {
        AnalyseContent.kind: AnalyseContent(
            policy,
            request_review,
            media_root=settings.media_root,
            analyzers=analyzers,
            analyzer_options={
                "hashes": {"matcher": matcher},
                "external": external_options(settings),
            },
            secure_evidence=secure_evidence,
        ),
        DeliverWebhook.kind: DeliverWebhook(),
        PurgeJob.kind: PurgeJob(retention, media_root=settings.media_root),
    }
    return Runtime(settings, database, store, queue, handlers)
