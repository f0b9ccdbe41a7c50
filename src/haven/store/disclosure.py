"""Security reports and the messages to their researchers in SQL
(``haven.disclosure.interfaces.SecurityReports``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from haven.disclosure.models import Message, SecurityReport, Submission, Triage
from haven.disclosure.scoring import Score
from haven.disclosure.states import State
from haven.store.tables import SecurityReportMessageRow, SecurityReportRow

_REPORTS = SecurityReportRow.__table__
_MESSAGES = SecurityReportMessageRow.__table__


def _score(data: dict[str, Any] | None) -> Score | None:
    return Score.of(data) if data else None


def _triage_values(triage: Triage) -> dict[str, Any]:
    return {
        "state": triage.state.value,
        "duplicate_of": triage.duplicate_of,
        "cvss31": triage.cvss31.as_dict() if triage.cvss31 else None,
        "cvss40": triage.cvss40.as_dict() if triage.cvss40 else None,
        "severity": triage.severity.value if triage.severity else None,
        "first_response_at": triage.first_response_at,
        "triaged_at": triage.triaged_at,
        "closed_at": triage.closed_at,
        "resolved_at": triage.resolved_at,
        "updated_at": triage.updated_at,
    }


def _report(row: Any) -> SecurityReport:
    """A Core row as the domain's report."""
    submission = Submission(
        title=row.title,
        description=row.description,
        asset=row.asset,
        steps=row.steps,
        researcher_name=row.researcher_name,
        researcher_contact=row.researcher_contact,
        acknowledge=row.acknowledge,
        proposed_cvss31=_score(row.proposed_cvss31),
        proposed_cvss40=_score(row.proposed_cvss40),
    )
    triage = Triage(
        report_id=row.id,
        state=State(row.state),
        updated_at=row.updated_at,
        duplicate_of=row.duplicate_of,
        cvss31=_score(row.cvss31),
        cvss40=_score(row.cvss40),
        first_response_at=row.first_response_at,
        triaged_at=row.triaged_at,
        closed_at=row.closed_at,
        resolved_at=row.resolved_at,
    )
    return SecurityReport(row.id, row.received_at, submission, triage)


class SqlSecurityReports:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, report: SecurityReport, token_hash: str) -> None:
        submission = report.submission
        self._session.execute(
            insert(_REPORTS).values(
                id=report.id,
                received_at=report.received_at,
                token_hash=token_hash,
                title=submission.title,
                description=submission.description,
                asset=submission.asset,
                steps=submission.steps,
                proposed_cvss31=(
                    submission.proposed_cvss31.as_dict() if submission.proposed_cvss31 else None
                ),
                proposed_cvss40=(
                    submission.proposed_cvss40.as_dict() if submission.proposed_cvss40 else None
                ),
                researcher_name=submission.researcher_name,
                researcher_contact=submission.researcher_contact,
                acknowledge=submission.acknowledge,
                **_triage_values(report.triage),
            )
        )

    def get(self, report_id: str, *, lock: bool = False) -> SecurityReport | None:
        query = select(_REPORTS).where(_REPORTS.c.id == report_id)
        row = self._session.execute(query.with_for_update() if lock else query).first()
        return _report(row) if row else None

    def by_token(self, report_id: str, token_hash: str) -> SecurityReport | None:
        row = self._session.execute(
            select(_REPORTS).where(_REPORTS.c.id == report_id, _REPORTS.c.token_hash == token_hash)
        ).first()
        return _report(row) if row else None

    def save(self, triage: Triage) -> None:
        self._session.execute(
            update(_REPORTS)
            .where(_REPORTS.c.id == triage.report_id)
            .values(**_triage_values(triage))
        )

    def find(
        self, *, states: frozenset[State] | None = None, limit: int | None = None, offset: int = 0
    ) -> list[SecurityReport]:
        query = select(_REPORTS).order_by(_REPORTS.c.received_at, _REPORTS.c.id)
        if states is not None:
            query = query.where(_REPORTS.c.state.in_(sorted(s.value for s in states)))
        query = query.limit(limit).offset(offset) if limit is not None else query.offset(offset)
        return [_report(row) for row in self._session.execute(query)]

    def acknowledged(self) -> list[SecurityReport]:
        query = (
            select(_REPORTS)
            .where(_REPORTS.c.state == State.RESOLVED.value, _REPORTS.c.acknowledge.is_(True))
            .order_by(_REPORTS.c.resolved_at, _REPORTS.c.id)
        )
        return [_report(row) for row in self._session.execute(query)]

    def add_message(self, message: Message) -> Message:
        inserted = self._session.execute(
            insert(_MESSAGES).values(
                report_id=message.report_id, at=message.at, author=message.author, body=message.body
            )
        )
        return replace(message, id=int(inserted.inserted_primary_key[0]))

    def messages(self, report_id: str) -> list[Message]:
        rows = self._session.execute(
            select(_MESSAGES)
            .where(_MESSAGES.c.report_id == report_id)
            .order_by(_MESSAGES.c.at, _MESSAGES.c.id)
        )
        return [Message(r.report_id, r.at, r.author, r.body, r.id) for r in rows]
