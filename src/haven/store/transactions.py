"""The store as the domain sees it: a transaction that carries one repository per concern."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.clock import Clock, SystemClock
from haven.store.access import SqlApiKeys, SqlStaff, SqlWebhooks
from haven.store.audit_log import SqlAuditLog
from haven.store.banks import SqlBanks
from haven.store.brandsafety import SqlCampaigns
from haven.store.cases import SqlAppeals, SqlCases, SqlLegal, SqlReports
from haven.store.content import SqlContent, SqlDecisions, SqlJobs
from haven.store.database import Database
from haven.store.disclosure import SqlSecurityReports
from haven.store.privacy import SqlPrivacy
from haven.store.transparency import SqlTransparency
from haven.store.wellbeing import SqlWellbeing

log = logging.getLogger(__name__)


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
    webhooks: SqlWebhooks
    wellbeing: SqlWellbeing
    banks: SqlBanks
    legal: SqlLegal
    campaigns: SqlCampaigns
    transparency: SqlTransparency
    security_reports: SqlSecurityReports
    privacy: SqlPrivacy


class SqlStore:
    """Implements the domain's transaction Protocols (``haven.cases.interfaces``) on SQL."""

    def __init__(
        self,
        database: Database,
        clock: Clock | None = None,
        on_job: Callable[[str], object] | None = None,
    ) -> None:
        """``on_job`` hands a job created in a transaction to the queue once that transaction
        has committed (never before: a worker must not see a job it cannot read)."""
        self.database = database
        self.clock = clock or SystemClock()
        self.on_job = on_job

    @contextmanager
    def transaction(
        self, *, snapshot: bool = False, write: bool = True
    ) -> Iterator[SqlTransaction]:
        """One transaction; ``snapshot`` reads one consistent state throughout (PostgreSQL
        REPEATABLE READ; SQLite transactions always are)."""
        added: list[str] = []
        with self.database.session(snapshot=snapshot, write=write) as session:
            yield SqlTransaction(
                session,
                SqlAuditLog(session, self.clock),
                SqlContent(session),
                SqlJobs(session, added),
                SqlDecisions(session),
                SqlApiKeys(session),
                SqlCases(session),
                SqlReports(session),
                SqlAppeals(session),
                SqlStaff(session),
                SqlWebhooks(session),
                SqlWellbeing(session),
                SqlBanks(session),
                SqlLegal(session),
                SqlCampaigns(session),
                SqlTransparency(session),
                security_reports=SqlSecurityReports(session),
                privacy=SqlPrivacy(session, self.clock),
            )
        if self.on_job is not None:
            for job_id in added:
                try:
                    self.on_job(job_id)
                except Exception:  # the job row is committed; the reaper sends it later
                    log.exception("could not enqueue job %s; the reaper will", job_id)
