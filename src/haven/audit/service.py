"""Recording and verifying the audit log. Each call owns its transaction."""

from __future__ import annotations

from typing import Any

from haven.audit.chain import verify
from haven.audit.models import AuditEntry, AuditEvent, ChainReport


def record(store: Any, event: AuditEvent) -> AuditEntry:
    """Append one event on its own (events that change state are appended by the service that
    makes the change, in the same transaction)."""
    with store.transaction() as tx:
        return tx.audit.append(event)


def verify_audit_log(store: Any) -> ChainReport:
    """Recompute the whole chain from one consistent snapshot of the log."""
    with store.transaction(snapshot=True) as tx:
        return verify(tx.audit.entries(), tx.audit.head())
