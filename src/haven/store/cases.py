"""Cases (the review queue's projection), notices and appeals in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
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
from haven.store.tables import AppealRow, CaseRow, ReportRow


def _case(row: CaseRow) -> CaseState:
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

    def get(self, content_id: str, *, lock: bool = False) -> CaseState | None:
        query = select(CaseRow).where(CaseRow.content_id == content_id)
        row = self._session.scalars(query.with_for_update() if lock else query).first()
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
        row = self._session.get(CaseRow, state.content_id)
        if row is None:
            self._session.add(CaseRow(content_id=state.content_id, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
        self._session.flush()

    def next_claimable(self, queue: str, *, now: datetime, reviewer: str) -> CaseState | None:
        """The most urgent open case in the queue that nobody holds, locked; rows other
        transactions hold are skipped (PostgreSQL), SQLite has one writer at a time anyway."""
        query = (
            select(CaseRow)
            .where(
                CaseRow.status == CaseStatus.OPEN.value,
                CaseRow.queue == queue,
                or_(CaseRow.claimed_by.is_(None), CaseRow.claim_expires_at <= now),
                or_(CaseRow.excluded_reviewer.is_(None), CaseRow.excluded_reviewer != reviewer),
            )
            .order_by(CaseRow.priority.desc(), CaseRow.opened_at, CaseRow.content_id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        row = self._session.scalars(query).first()
        return _case(row) if row else None

    def open_in(self, queue: str | None = None, *, limit: int = 100) -> list[CaseState]:
        query = select(CaseRow).where(CaseRow.status == CaseStatus.OPEN.value)
        if queue is not None:
            query = query.where(CaseRow.queue == queue)
        rows = self._session.scalars(
            query.order_by(CaseRow.priority.desc(), CaseRow.opened_at).limit(limit)
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
        return [_case(r) for r in self._session.scalars(select(CaseRow))]


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
        self._session.add(
            ReportRow(
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
        self._session.flush()

    def get(self, report_id: str) -> Report | None:
        row = self._session.get(ReportRow, report_id)
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
