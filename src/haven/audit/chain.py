"""The audit log's hash chain, as pure functions.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's own fields in a
canonical JSON form (sorted keys, no spaces, UTC time with microseconds). Changing any field of
any row changes its hash; removing or inserting a row breaks the next row's link or the run of
sequence numbers; removing rows at the end shows against the chain head, which the store keeps
in its own row and ``haven audit verify`` prints so an operator can keep it elsewhere too.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from haven.audit.errors import InvalidAuditEntry
from haven.audit.models import AuditEntry, AuditEvent, ChainBreak, ChainHead, ChainReport

GENESIS_HASH = "0" * 64
_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
MAX_FIELD = 200
MAX_PAYLOAD_BYTES = 64 * 1024


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: one text for one value, on every machine."""
    try:
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise InvalidAuditEntry(f"audit payload is not plain JSON: {exc}") from None


def check_event(event: AuditEvent) -> str:
    """Validate an event and return its payload as canonical JSON."""
    if not _NAME.fullmatch(event.kind) or len(event.kind) > MAX_FIELD:
        raise InvalidAuditEntry(
            f"audit event kind {event.kind!r} must be dotted lower-case words, e.g."
            " report.received",
            kind=event.kind,
        )
    if not _NAME.fullmatch(event.subject_type) or len(event.subject_type) > MAX_FIELD:
        raise InvalidAuditEntry(
            f"audit subject type {event.subject_type!r} must be a lower-case word",
            subject_type=event.subject_type,
        )
    for name in ("subject_id", "actor"):
        value = getattr(event, name)
        if not value or len(value) > MAX_FIELD or not value.isprintable():
            raise InvalidAuditEntry(
                f"audit {name} must be 1-{MAX_FIELD} printable characters", field=name
            )
    if not isinstance(event.payload, dict):
        raise InvalidAuditEntry("audit payload must be a JSON object")
    payload = canonical_json(event.payload)
    if len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise InvalidAuditEntry(
            f"audit payload is larger than {MAX_PAYLOAD_BYTES} bytes", size=len(payload)
        )
    return payload


def timestamp(at: datetime) -> str:
    if at.tzinfo is None:
        raise InvalidAuditEntry("audit times must be timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    subject_type: str,
    subject_id: str,
    kind: str,
    actor: str,
    payload_json: str,
) -> str:
    body = canonical_json(
        {
            "seq": seq,
            "at": timestamp(at),
            "subject_type": subject_type,
            "subject_id": subject_id,
            "kind": kind,
            "actor": actor,
            "payload": payload_json,
        }
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def chain(event: AuditEvent, *, head: ChainHead, at: datetime) -> AuditEntry:
    """The entry that follows ``head`` for this event."""
    payload = check_event(event)
    seq = head.seq + 1
    digest = entry_hash(
        prev_hash=head.hash,
        seq=seq,
        at=at,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        kind=event.kind,
        actor=event.actor,
        payload_json=payload,
    )
    return AuditEntry(
        seq,
        at,
        event.subject_type,
        event.subject_id,
        event.kind,
        event.actor,
        payload,
        head.hash,
        digest,
    )


def verify(entries: Iterable[AuditEntry], recorded_head: ChainHead) -> ChainReport:
    """Walk the log in sequence order and list every place where the chain does not hold."""
    breaks: list[ChainBreak] = []
    previous = ChainHead(0, GENESIS_HASH)
    count = 0
    for entry in entries:
        count += 1
        if entry.seq != previous.seq + 1:
            breaks.append(
                ChainBreak(entry.seq, f"rows {previous.seq + 1}..{entry.seq - 1} are missing")
            )
        if entry.prev_hash != previous.hash:
            breaks.append(ChainBreak(entry.seq, "does not link to the row before it"))
        recomputed = entry_hash(
            prev_hash=entry.prev_hash,
            seq=entry.seq,
            at=entry.at,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            kind=entry.kind,
            actor=entry.actor,
            payload_json=entry.payload_json,
        )
        if recomputed != entry.hash:
            breaks.append(ChainBreak(entry.seq, "its content was changed after it was written"))
        previous = ChainHead(entry.seq, entry.hash)
    if previous != recorded_head:
        breaks.append(
            ChainBreak(
                previous.seq,
                f"the log ends at row {previous.seq} but the chain head records row"
                f" {recorded_head.seq}: rows at the end were removed or the head was changed",
            )
        )
    return ChainReport(count, previous, breaks)
