"""Transparency in SQL (``haven.transparency.service.TransparencyRepository``): the ledger of
statements sent to the Transparency Database, orders, suspensions, active recipients, and the
facts of a reporting period."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from haven.decisions.models import Decision
from haven.store.content import _decision
from haven.store.tables import (
    ActiveRecipientsRow,
    AppealRow,
    AuthorityOrderRow,
    ContentRow,
    DecisionRow,
    ReportRow,
    StatementSubmissionRow,
    SuspensionRow,
)
from haven.transparency.periods import Period
from haven.transparency.records import (
    ActiveRecipients,
    Order,
    OrderKind,
    Suspension,
    SuspensionReason,
)
from haven.transparency.report import ComplaintFacts, NoticeFacts, PeriodFacts
from haven.transparency.service import ContentFacts

_SUBMISSIONS = StatementSubmissionRow.__table__
_ORDERS = AuthorityOrderRow.__table__
CHUNK = 500  # ids per IN (...) list


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _order(row: AuthorityOrderRow) -> Order:
    return Order(
        row.id,
        row.platform,
        OrderKind(row.kind),
        row.member_state,
        row.authority,
        row.category,
        row.reference,
        row.received_at,
        row.content_id,
        row.acknowledged_at,
        row.effect_at,
    )


class SqlTransparency:
    def __init__(self, session: Session) -> None:
        self._session = session

    # --- the statement ledger -----------------------------------------------------------

    def unsent(
        self, *, platform: str, limit: int, retry_refused: bool
    ) -> list[tuple[Decision, ContentFacts]]:
        """Decisions without an accepted (or settled) statement, oldest first."""
        not_settled = StatementSubmissionRow.puid.is_(None)
        if retry_refused:
            not_settled = or_(not_settled, StatementSubmissionRow.state == "refused")
        # A notice from a trusted flagger (Art. 22) received before the decision was made.
        flagged = (
            select(ReportRow.id)
            .where(
                ReportRow.content_id == DecisionRow.content_id,
                ReportRow.reporter_kind == "trusted_flagger",
                ReportRow.received_at <= DecisionRow.made_at,
            )
            .exists()
        )
        rows = self._session.execute(
            select(
                DecisionRow, ContentRow.kind, ContentRow.language, ContentRow.submitted_at, flagged
            )
            .join(ContentRow, ContentRow.id == DecisionRow.content_id)
            .outerjoin(StatementSubmissionRow, StatementSubmissionRow.puid == DecisionRow.id)
            # A search query is not content anyone hosts: an intervention on it restricts no
            # recipient's information (Art. 17), so it has no statement.
            .where(ContentRow.platform == platform, ContentRow.surface != "search", not_settled)
            .order_by(DecisionRow.made_at, DecisionRow.id)
            .limit(limit)
        ).all()
        return [
            (_decision(row), ContentFacts(kind, language, submitted_at, bool(trusted)))
            for row, kind, language, submitted_at, trusted in rows
        ]

    def record_submission(
        self, puid: str, *, state: str, at: datetime, tdb_uuid: str | None, detail: str | None
    ) -> None:
        settled = self._session.execute(
            select(_SUBMISSIONS.c.state).where(_SUBMISSIONS.c.puid == puid)
        ).scalar()
        if settled == "accepted":  # a concurrent run's "already there" keeps the known uuid
            return
        self._session.execute(delete(_SUBMISSIONS).where(_SUBMISSIONS.c.puid == puid))
        self._session.execute(
            insert(_SUBMISSIONS).values(
                puid=puid,
                state=state,
                tdb_uuid=tdb_uuid,
                detail=detail,
                attempted_at=at,
                accepted_at=at if state == "accepted" else None,
            )
        )

    def submissions(self, puids: list[str]) -> dict[str, tuple[str, str | None]]:
        out: dict[str, tuple[str, str | None]] = {}
        for chunk in _chunks(puids):
            for puid, state, detail in self._session.execute(
                select(_SUBMISSIONS.c.puid, _SUBMISSIONS.c.state, _SUBMISSIONS.c.detail).where(
                    _SUBMISSIONS.c.puid.in_(chunk)
                )
            ):
                out[puid] = (state, detail)
        return out

    # --- orders, suspensions, active recipients -----------------------------------------

    def add_order(self, order: Order) -> None:
        self._session.execute(
            insert(_ORDERS).values(
                id=order.id,
                platform=order.platform,
                kind=order.kind.value,
                member_state=order.member_state,
                authority=order.authority,
                category=order.category,
                reference=order.reference,
                content_id=order.content_id,
                received_at=order.received_at,
                acknowledged_at=order.acknowledged_at,
                effect_at=order.effect_at,
            )
        )

    def get_order(self, platform: str, order_id: str) -> Order | None:
        row = self._session.get(AuthorityOrderRow, order_id)
        return _order(row) if row is not None and row.platform == platform else None

    def update_order(self, order: Order) -> None:
        self._session.execute(
            update(_ORDERS)
            .where(_ORDERS.c.id == order.id)
            .values(acknowledged_at=order.acknowledged_at, effect_at=order.effect_at)
        )

    def add_suspension(self, suspension: Suspension) -> None:
        self._session.add(
            SuspensionRow(
                id=suspension.id,
                platform=suspension.platform,
                subject_id=suspension.subject_id,
                reason=suspension.reason.value,
                warned_at=suspension.warned_at,
                starts_at=suspension.starts_at,
                ends_at=suspension.ends_at,
                decided_by=suspension.decided_by,
            )
        )
        self._session.flush()

    def put_active_recipients(self, figure: ActiveRecipients, at: datetime) -> None:
        row = self._session.get(ActiveRecipientsRow, (figure.platform, figure.month))
        if row is None:
            self._session.add(
                ActiveRecipientsRow(
                    platform=figure.platform,
                    month=figure.month,
                    recipients=figure.recipients,
                    method=figure.method,
                    reported_at=at,
                )
            )
        else:
            row.recipients, row.method, row.reported_at = figure.recipients, figure.method, at
        self._session.flush()

    # --- the facts of a period ----------------------------------------------------------

    def _decisions_of(self, content_ids: Iterable[str]) -> dict[str, list[Decision]]:
        out: dict[str, list[Decision]] = {}
        for chunk in _chunks(sorted(set(content_ids))):
            for row in self._session.scalars(
                select(DecisionRow)
                .where(DecisionRow.content_id.in_(chunk))
                .order_by(DecisionRow.content_id, DecisionRow.version)
            ):
                out.setdefault(row.content_id, []).append(_decision(row))
        return out

    def period_facts(self, platform: str, start: datetime, end: datetime) -> PeriodFacts:
        of_platform = ContentRow.platform == platform
        decisions = [
            _decision(row)
            for row in self._session.scalars(
                select(DecisionRow)
                .join(ContentRow, ContentRow.id == DecisionRow.content_id)
                .where(
                    of_platform,
                    ContentRow.surface != "search",  # searches are no hosted content
                    DecisionRow.made_at >= start,
                    DecisionRow.made_at < end,
                )
                .order_by(DecisionRow.made_at)
            )
        ]
        reports = self._session.execute(
            select(
                ReportRow.content_id,
                ReportRow.category,
                ReportRow.reporter_kind,
                ReportRow.received_at,
            ).where(
                ReportRow.platform == platform,
                ReportRow.received_at >= start,
                ReportRow.received_at < end,
            )
        ).all()
        appeals = self._session.execute(
            select(
                AppealRow.content_id,
                AppealRow.decision_id,
                AppealRow.appellant_kind,
                AppealRow.received_at,
                AppealRow.decided_at,
                AppealRow.status,
            )
            .join(ContentRow, ContentRow.id == AppealRow.content_id)
            .where(of_platform, AppealRow.received_at >= start, AppealRow.received_at < end)
        ).all()
        history = self._decisions_of(
            [r.content_id for r in reports] + [a.content_id for a in appeals]
        )
        # As things stood at the end of the period, so a past period's report does not change
        # when later work is done. A notice is answered by the first decision a person took on
        # its content after it arrived (notices go to people; an automated analysis that
        # happens to finish meanwhile is no answer).
        notices = []
        for content_id, harm, kind, received_at in reports:
            answer = next(
                (
                    d
                    for d in history.get(content_id, [])
                    if received_at <= d.made_at < end and d.decided_by != "system"
                ),
                None,
            )
            notices.append(NoticeFacts(harm, kind, received_at, answer))
        complaints = []
        for content_id, decision_id, kind, received_at, decided_at, status in appeals:
            contested = next(d for d in history[content_id] if d.id == decision_id)
            if decided_at is not None and decided_at >= end:
                decided_at, status = None, "open"
            complaints.append(ComplaintFacts(kind, received_at, decided_at, status, contested))
        orders = [
            _order(row)
            for row in self._session.scalars(
                select(AuthorityOrderRow).where(
                    AuthorityOrderRow.platform == platform,
                    AuthorityOrderRow.received_at >= start,
                    AuthorityOrderRow.received_at < end,
                )
            )
        ]
        suspensions = [
            Suspension(
                row.id,
                row.platform,
                row.subject_id,
                SuspensionReason(row.reason),
                row.warned_at,
                row.starts_at,
                row.ends_at,
                row.decided_by,
            )
            for row in self._session.scalars(
                select(SuspensionRow).where(
                    SuspensionRow.platform == platform,
                    and_(SuspensionRow.starts_at >= start, SuspensionRow.starts_at < end),
                )
            )
        ]
        months = Period("", start, end).months()
        figures = [
            ActiveRecipients(row.platform, row.month, row.recipients, row.method)
            for row in self._session.scalars(
                select(ActiveRecipientsRow).where(
                    ActiveRecipientsRow.platform == platform, ActiveRecipientsRow.month.in_(months)
                )
            )
        ]
        return PeriodFacts(notices, decisions, complaints, orders, suspensions, figures)
