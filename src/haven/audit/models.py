"""The audit log's records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class AuditEvent:
    """Something that happened to a subject, before the log gives it a place in the chain.

    ``subject_type`` and ``subject_id`` name what it happened to (a piece of content, a report,
    a case, a user); ``kind`` is a dotted name such as ``report.received``; ``actor`` who did it
    (``user:42``, ``moderator:7``, ``system``); ``payload`` the facts, JSON-serialisable.
    """

    subject_type: str
    subject_id: str
    kind: str
    actor: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditEntry:
    """An event with its place in the log: sequence number, time and the two chain hashes."""

    seq: int
    at: datetime
    subject_type: str
    subject_id: str
    kind: str
    actor: str
    payload_json: str  # canonical JSON, exactly what was hashed
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainHead:
    """The log's last sequence number and hash: what an operator records to anchor the chain."""

    seq: int
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: ChainHead
    breaks: list[ChainBreak]

    @property
    def intact(self) -> bool:
        return not self.breaks
