"""What the shells call for the audit log. Each call owns its transaction."""

from __future__ import annotations

from haven.cases.audit import verify
from haven.cases.interfaces import CasesStore
from haven.cases.models import AuditEntry, AuditEvent, ChainReport


def record(store: CasesStore, event: AuditEvent) -> AuditEntry:
    """Append one event on its own (events that change state are appended by the service that
    makes the change, in the same transaction)."""
    with store.transaction() as tx:
        return tx.audit.append(event)


def verify_audit_log(store: CasesStore) -> ChainReport:
    """Recompute the whole chain from one consistent snapshot of the log."""
    with store.transaction(snapshot=True) as tx:
        return verify(tx.audit.entries(), tx.audit.head())
