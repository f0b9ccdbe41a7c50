"""Cases (the review queue's projection), notices and appeals in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from haven.cases.models import (
    Appeal,
    AppealStatus,
    AppellantKind,
    CaseState,
    CaseStatus,
    Report,
    ReporterKind,
    ReportIn,
)
from haven.store.tables import AppealRow, AuthorityReportRow, CaseRow, LegalHoldRow, ReportRow

_CASES = CaseRow.__table__


def _case(row: Any) -> CaseState:
    """A case row (a Core row: its columns by name) as the domain's state."""
    return CaseState(
        content_id=row.content_id,
        status=CaseStatus(row.status),
        queue=row.queue,
        priority=row.priority,
        opened_at=row.opened_at,
        updated_at=row.updated_at,
        reasons=tuple(row.reasons),
        report_ids=tuple(row.report_ids),
        claimed_by=row.claimed_by,
        claim_expires_at=row.claim_expires_at,
        decided_by=row.decided_by,
        decision_version=row.decision_version,
        appeal_id=row.appeal_id,
        excluded_reviewer=row.excluded_reviewer,
    )


class SqlCases:
    def __init__(self, session: Session) -> None:
        self._session = session

    # Core statements throughout (no ORM objects): notices and claims pass here on every
    # request, inside the write lock, and a mix of ORM objects and Core updates could go stale.
    def get(self, content_id: str, *, lock: bool = False) -> CaseState | None:
        query = select(_CASES).where(_CASES.c.content_id == content_id)
        row = self._session.execute(query.with_for_update() if lock else query).first()
        return _case(row) if row else None

    def save(self, state: CaseState) -> None:
        values = {
            "status": state.status.value,
            "queue": state.queue,
            "priority": state.priority,
            "opened_at": state.opened_at,
            "updated_at": state.updated_at,
            "reasons": list(state.reasons),
            "report_ids": list(state.report_ids),
            "claimed_by": state.claimed_by,
            "claim_expires_at": state.claim_expires_at,
            "decided_by": state.decided_by,
            "decision_version": state.decision_version,
            "appeal_id": state.appeal_id,
            "excluded_reviewer": state.excluded_reviewer,
        }
        changed = self._session.execute(
            update(_CASES).where(_CASES.c.content_id == state.content_id).values(**values)
        )
        if changed.rowcount == 0:
            self._session.execute(insert(_CASES).values(content_id=state.content_id, **values))

    def next_claimable(self, queue: str, *, now: datetime, reviewer: str) -> CaseState | None:
        """The most urgent open case in the queue that nobody holds, locked; rows other
        transactions hold are skipped (PostgreSQL), SQLite has one writer at a time anyway."""
        cases = _CASES.c
        query = (
            select(_CASES)
            .where(
                cases.status == CaseStatus.OPEN.value,
                cases.queue == queue,
                or_(cases.claimed_by.is_(None), cases.claim_expires_at <= now),
                or_(cases.excluded_reviewer.is_(None), cases.excluded_reviewer != reviewer),
            )
            .order_by(cases.priority.desc(), cases.opened_at, cases.content_id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        row = self._session.execute(query).first()
        return _case(row) if row else None

    def open_in(self, queue: str | None = None, *, limit: int = 100) -> list[CaseState]:
        query = select(_CASES).where(_CASES.c.status == CaseStatus.OPEN.value)
        if queue is not None:
            query = query.where(_CASES.c.queue == queue)
        rows = self._session.execute(
            query.order_by(_CASES.c.priority.desc(), _CASES.c.opened_at).limit(limit)
        )
        return [_case(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Open cases per queue."""
        rows = self._session.execute(
            select(CaseRow.queue, func.count())
            .where(CaseRow.status == CaseStatus.OPEN.value)
            .group_by(CaseRow.queue)
        )
        return {queue: count for queue, count in rows}

    def all(self) -> list[CaseState]:
        return [_case(r) for r in self._session.execute(select(_CASES))]


class SqlReports:
    def __init__(self, session: Session) -> None:
        self._session = session

    def for_content(self, content_id: str) -> list[Report]:
        ids = self._session.scalars(
            select(ReportRow.id)
            .where(ReportRow.content_id == content_id)
            .order_by(ReportRow.received_at)
        )
        return [report for report_id in ids if (report := self.get(report_id))]

    def add(self, report: Report) -> None:
        notice = report.notice
        self._session.execute(
            insert(ReportRow.__table__).values(
                id=report.id,
                content_id=notice.content_id,
                platform=report.platform,
                received_at=report.received_at,
                category=notice.category,
                explanation=notice.explanation,
                reporter_kind=notice.reporter_kind.value,
                good_faith=notice.good_faith,
                video_timestamp=notice.video_timestamp,
                location_url=notice.location_url,
                reporter_id=notice.reporter_id,
                notifier_name=notice.notifier_name,
                notifier_email=notice.notifier_email,
            )
        )

    def get(self, report_id: str) -> Report | None:
        row = self._session.execute(
            select(ReportRow.__table__).where(ReportRow.__table__.c.id == report_id)
        ).first()
        if row is None:
            return None
        notice = ReportIn(
            row.content_id,
            row.category,
            row.explanation,
            ReporterKind(row.reporter_kind),
            row.good_faith,
            row.video_timestamp,
            row.location_url,
            row.reporter_id,
            row.notifier_name,
            row.notifier_email,
        )
        return Report(row.id, row.received_at, row.platform, notice)


def _appeal(row: AppealRow) -> Appeal:
    return Appeal(
        row.id,
        row.content_id,
        row.decision_id,
        AppellantKind(row.appellant_kind),
        row.appellant_id,
        row.reason,
        row.received_at,
        AppealStatus(row.status),
        row.decided_by,
        row.decided_at,
        row.explanation,
    )


class SqlAppeals:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, appeal: Appeal) -> None:
        self._session.add(
            AppealRow(
                id=appeal.id,
                content_id=appeal.content_id,
                decision_id=appeal.decision_id,
                appellant_kind=appeal.appellant_kind.value,
                appellant_id=appeal.appellant_id,
                reason=appeal.reason,
                received_at=appeal.received_at,
                status=appeal.status.value,
            )
        )
        self._session.flush()

    def open_for(self, content_id: str) -> Appeal | None:
        row = self._session.scalars(
            select(AppealRow).where(
                AppealRow.content_id == content_id, AppealRow.status == AppealStatus.OPEN.value
            )
        ).first()
        return _appeal(row) if row else None

    def decide(
        self, appeal_id: str, *, status: AppealStatus, reviewer: str, at: datetime, explanation: str
    ) -> Appeal:
        row = self._session.get_one(AppealRow, appeal_id, with_for_update=True)
        row.status, row.decided_by, row.decided_at = status.value, reviewer, at
        row.explanation = explanation
        self._session.flush()
        return _appeal(row)


class SqlLegal:
    """Legal holds and drafted authority reports."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def hold(self, content_id: str, *, reason: str, at: datetime) -> None:
        holds = LegalHoldRow.__table__
        if not self.held(content_id):
            self._session.execute(
                insert(holds).values(content_id=content_id, reason=reason[:500], placed_at=at)
            )

    def held(self, content_id: str) -> bool:
        holds = LegalHoldRow.__table__
        return (
            self._session.execute(
                select(holds.c.content_id).where(holds.c.content_id == content_id)
            ).first()
            is not None
        )

    def add_draft(
        self, draft_id: str, content_id: str, fields: dict[str, Any], *, at: datetime
    ) -> None:
        self._session.execute(
            insert(AuthorityReportRow.__table__).values(
                id=draft_id, content_id=content_id, created_at=at, fields=fields
            )
        )

    def drafts(self, content_id: str) -> list[dict[str, Any]]:
        reports = AuthorityReportRow.__table__
        rows = self._session.execute(
            select(reports).where(reports.c.content_id == content_id).order_by(reports.c.created_at)
        )
        return [{"id": r.id, "created_at": r.created_at.isoformat(), **r.fields} for r in rows]
