"""The stores the cases package needs, as Protocols; ``haven.store`` implements them."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from haven.access.interfaces import Webhooks
from haven.audit.interfaces import AuditLog
from haven.cases.models import Appeal, AppealStatus, CaseState, Report
from haven.clock import Clock
from haven.content.interfaces import ContentStore
from haven.decisions.interfaces import DecisionsStore


class Cases(Protocol):
    def get(self, content_id: str, *, lock: bool = False) -> CaseState | None: ...

    def save(self, state: CaseState) -> None: ...

    def next_claimable(self, queue: str, *, now: datetime, reviewer: str) -> CaseState | None:
        """The most urgent open, unheld case in the queue, locked against other claimers."""
        ...

    def open_in(self, queue: str | None = None, *, limit: int = 100) -> list[CaseState]: ...

    def counts(self) -> dict[str, int]:
        """Open cases per queue."""
        ...

    def all(self) -> list[CaseState]: ...


class Reports(Protocol):
    def add(self, report: Report) -> None: ...

    def get(self, report_id: str) -> Report | None: ...

    def for_content(self, content_id: str) -> list[Report]: ...


class Appeals(Protocol):
    def add(self, appeal: Appeal) -> None: ...

    def open_for(self, content_id: str) -> Appeal | None: ...

    def decide(
        self, appeal_id: str, *, status: AppealStatus, reviewer: str, at: datetime, explanation: str
    ) -> Appeal: ...


class LegalHolds(Protocol):
    def hold(self, content_id: str, *, reason: str, at: datetime) -> None:
        """Put the content (record and media) under legal hold: exempt from deletion."""
        ...

    def held(self, content_id: str) -> bool: ...

    def add_draft(
        self, draft_id: str, content_id: str, fields: dict[str, Any], *, at: datetime
    ) -> None: ...

    def drafts(self, content_id: str) -> list[dict[str, Any]]: ...


class CasesTransaction(Protocol):
    legal: LegalHolds
    audit: AuditLog
    webhooks: Webhooks
    content: ContentStore
    decisions: DecisionsStore
    cases: Cases
    reports: Reports
    appeals: Appeals


class CasesStore(Protocol):
    clock: Clock

    def transaction(
        self, *, snapshot: bool = False, write: bool = True
    ) -> AbstractContextManager[CasesTransaction]:
        """One transaction: every change in it is committed together or not at all."""
        ...
