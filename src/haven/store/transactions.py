"""The store as the domain sees it: a transaction that carries one repository per concern."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.clock import Clock, SystemClock
from haven.store.access import SqlApiKeys, SqlStaff
from haven.store.audit_log import SqlAuditLog
from haven.store.cases import SqlAppeals, SqlCases, SqlReports
from haven.store.content import SqlContent, SqlDecisions, SqlJobs
from haven.store.database import Database


@dataclass
class SqlTransaction:
    session: Session
    audit: SqlAuditLog
    content: SqlContent
    jobs: SqlJobs
    decisions: SqlDecisions
    api_keys: SqlApiKeys
    cases: SqlCases
    reports: SqlReports
    appeals: SqlAppeals
    staff: SqlStaff


class SqlStore:
    """Implements the domain's transaction Protocols (``haven.cases.interfaces``) on SQL."""

    def __init__(self, database: Database, clock: Clock | None = None) -> None:
        self.database = database
        self.clock = clock or SystemClock()

    @contextmanager
    def transaction(
        self, *, snapshot: bool = False, write: bool = True
    ) -> Iterator[SqlTransaction]:
        """One transaction; ``snapshot`` reads one consistent state throughout (PostgreSQL
        REPEATABLE READ; SQLite transactions always are)."""
        with self.database.session(snapshot=snapshot, write=write) as session:
            yield SqlTransaction(
                session,
                SqlAuditLog(session, self.clock),
                SqlContent(session),
                SqlJobs(session),
                SqlDecisions(session),
                SqlApiKeys(session),
                SqlCases(session),
                SqlReports(session),
                SqlAppeals(session),
                SqlStaff(session),
            )
