"""The store as the disclosure programme needs it; ``haven.store.disclosure`` implements it."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from haven.audit.interfaces import AuditLog
from haven.clock import Clock
from haven.disclosure.models import Message, SecurityReport, Triage
from haven.disclosure.states import State


class SecurityReports(Protocol):
    def add(self, report: SecurityReport, token_hash: str) -> None:
        """Store a new report with the SHA-256 of its tracking token (never the token)."""
        ...

    def get(self, report_id: str, *, lock: bool = False) -> SecurityReport | None:
        """``lock``: hold the row until the transaction ends (concurrent triage queues)."""
        ...

    def by_token(self, report_id: str, token_hash: str) -> SecurityReport | None: ...

    def save(self, triage: Triage) -> None:
        """Store the report's new triage state (the fold's result)."""
        ...

    def find(
        self, *, states: frozenset[State] | None = None, limit: int | None = None, offset: int = 0
    ) -> list[SecurityReport]:
        """Reports oldest first, optionally only those in ``states``."""
        ...

    def acknowledged(self) -> list[SecurityReport]:
        """Resolved reports whose researcher consented to be named, by resolution time."""
        ...

    def add_message(self, message: Message) -> Message:
        """Store the message; returns it with its id."""
        ...

    def messages(self, report_id: str) -> list[Message]: ...


class DisclosureTransaction(Protocol):
    security_reports: SecurityReports
    audit: AuditLog


class DisclosureStore(Protocol):
    clock: Clock

    def transaction(
        self, *, snapshot: bool = False, write: bool = True
    ) -> AbstractContextManager[DisclosureTransaction]: ...
