"""The audit log in SQL: implements ``haven.cases.interfaces.AuditLog`` inside one session.

Every event passes through ``SqlPseudonyms`` on its way in: a platform user id it carries is
replaced by the person's keyed pseudonym (``haven.privacy.pseudonyms``), because an entry can
never be rewritten later, when the person asks to be erased."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from haven.audit.chain import chain
from haven.audit.models import AuditEntry, AuditEvent, ChainHead
from haven.clock import Clock
from haven.store.audit_rows import entry_of
from haven.store.privacy import SqlPseudonyms
from haven.store.tables import AuditEventRow, AuditHeadRow

HEAD_ROW = 1
_HEAD = AuditHeadRow.__table__
_EVENTS = AuditEventRow.__table__
PAGE = 1000


class SqlAuditLog:
    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock
        self._pseudonyms = SqlPseudonyms(session, clock)

    def append(self, event: AuditEvent) -> AuditEntry:
        # Locking the head row puts concurrent appends in one line (PostgreSQL row lock;
        # SQLite's transactions already hold the write lock from BEGIN IMMEDIATE).
        # Core statements, not the ORM's unit of work: every write passes here, and the
        # write lock is held while it runs.
        seq, last_hash = self._session.execute(
            select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ROW).with_for_update()
        ).one()
        # After the head's lock: a person's first key is made by one append at a time.
        event, aliases = self._pseudonyms.apply(event)
        entry = chain(event, head=ChainHead(seq, last_hash), at=self._clock.now())
        self._session.execute(
            insert(_EVENTS).values(
                seq=entry.seq,
                at=entry.at,
                subject_type=entry.subject_type,
                subject_id=entry.subject_id,
                kind=entry.kind,
                actor=entry.actor,
                payload=entry.payload_json,
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
        )
        self._session.execute(
            update(_HEAD).where(_HEAD.c.id == HEAD_ROW).values(seq=entry.seq, hash=entry.hash)
        )
        self._pseudonyms.note(aliases, entry.seq)
        return entry

    def head(self) -> ChainHead:
        seq, last_hash = self._session.execute(
            select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ROW)
        ).one()
        return ChainHead(seq, last_hash)

    def entries(
        self,
        *,
        subject_type: str | None = None,
        subject_id: str | None = None,
        after_seq: int = 0,
        limit: int | None = None,
    ) -> Iterator[AuditEntry]:
        """Entries in sequence order, read a page at a time (a long log never sits in memory)."""
        returned = 0
        # A search for "<platform>/<user id>" finds the person's pseudonymised entries while
        # their key exists, and entries written before pseudonyms.
        forms = [subject_id] if subject_id is not None else []
        if subject_type is not None and subject_id is not None:
            forms = self._pseudonyms.search_forms(subject_type, subject_id)
        while limit is None or returned < limit:
            query = select(AuditEventRow).where(AuditEventRow.seq > after_seq)
            if subject_type is not None:
                query = query.where(AuditEventRow.subject_type == subject_type)
            if forms:
                query = query.where(AuditEventRow.subject_id.in_(forms))
            page = min(PAGE, limit - returned) if limit is not None else PAGE
            rows = self._session.scalars(query.order_by(AuditEventRow.seq).limit(page)).all()
            for row in rows:
                yield entry_of(row)
            returned += len(rows)
            if len(rows) < page:
                return
            after_seq = rows[-1].seq
