"""The audit log as the domain needs it; ``haven.store`` implements it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from haven.audit.models import AuditEntry, AuditEvent, ChainHead


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
