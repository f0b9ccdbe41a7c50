"""The stores the cases package needs, as Protocols; ``haven.store`` implements them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from haven.cases.models import AuditEntry, AuditEvent, ChainHead


class AuditLog(Protocol):
    def append(self, event: AuditEvent) -> AuditEntry:
        """Chain the event after the current head, inside the caller's transaction."""
        ...

    def head(self) -> ChainHead: ...

    def entries(
        self,
        *,
        subject_type: str | None = None,
        subject_id: str | None = None,
        after_seq: int = 0,
        limit: int | None = None,
    ) -> Iterator[AuditEntry]:
        """Entries in sequence order, optionally for one subject."""
        ...


class CasesTransaction(Protocol):
    audit: AuditLog


class CasesStore(Protocol):
    def transaction(self, *, snapshot: bool = False) -> AbstractContextManager[CasesTransaction]:
        """One transaction: every change in it is committed together or not at all."""
        ...
