"""An audit entry from its row: shared by the audit log and the privacy store (which import
each other's neighbours, so the conversion lives on its own)."""

from __future__ import annotations

from typing import Any

from haven.audit.models import AuditEntry


def entry_of(row: Any) -> AuditEntry:
    """From an ORM row or a Core row (the same attribute names)."""
    return AuditEntry(
        row.seq,
        row.at,
        row.subject_type,
        row.subject_id,
        row.kind,
        row.actor,
        row.payload,
        row.prev_hash,
        row.hash,
    )
