"""Transparency as a service: statements of reasons prepared, exported and submitted to the
Transparency Database with what became of each kept in the store; authority orders,
suspensions and active-recipient figures recorded; the report of a period built."""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from haven.audit.interfaces import AuditLog
from haven.audit.models import AuditEvent
from haven.clock import Clock
from haven.decisions.models import Decision
from haven.errors import HavenError
from haven.transparency.periods import Period
from haven.transparency.records import (
    ActiveRecipients,
    Order,
    Suspension,
    check_active_recipients,
    check_order,
    check_suspension,
)
from haven.transparency.report import PeriodFacts, build_report
from haven.transparency.statements import InvalidStatement, NothingToReport, statement
from haven.transparency.submission import BATCH_LIMIT, SubmissionOutcome

ACCEPTED, REFUSED, NOTHING = "accepted", "refused", "none"


class UnknownOrder(HavenError):
    code = "unknown_order"


@dataclass(frozen=True)
class ContentFacts:
    kind: str
    language: str
    submitted_at: datetime
    trusted_flagger: bool = False  # a trusted flagger's notice came before the decision


class TransparencyRepository(Protocol):
    def unsent(
        self, *, platform: str, limit: int, retry_refused: bool
    ) -> list[tuple[Decision, ContentFacts]]: ...
    def record_submission(
        self, puid: str, *, state: str, at: datetime, tdb_uuid: str | None, detail: str | None
    ) -> None: ...
    def submissions(self, puids: list[str]) -> dict[str, tuple[str, str | None]]: ...
    def period_facts(self, platform: str, start: datetime, end: datetime) -> PeriodFacts: ...
    def add_order(self, order: Order) -> None: ...
    def get_order(self, platform: str, order_id: str) -> Order | None: ...
    def update_order(self, order: Order) -> None: ...
    def add_suspension(self, suspension: Suspension) -> None: ...
    def put_active_recipients(self, figure: ActiveRecipients, at: datetime) -> None: ...


class TransparencyTransaction(Protocol):
    transparency: TransparencyRepository
    audit: AuditLog


class TransparencyStore(Protocol):
    clock: Clock

    def transaction(
        self, *, snapshot: bool = False, write: bool = True
    ) -> AbstractContextManager[TransparencyTransaction]: ...


class StatementSender(Protocol):
    def submit(self, statements: list[dict[str, Any]]) -> SubmissionOutcome: ...


@dataclass
class Prepared:
    """The statements due, and the decisions that produce none (with why)."""

    statements: list[dict[str, Any]] = field(default_factory=list)
    nothing_to_report: list[str] = field(default_factory=list)
    invalid: dict[str, list[str]] = field(default_factory=dict)  # never sent


def prepare_statements(
    store: TransparencyStore, *, platform: str, limit: int = 10_000, retry_refused: bool = False
) -> Prepared:
    """The statements of the decisions not yet accepted by the database (read only)."""
    with store.transaction(write=False) as tx:
        unsent = tx.transparency.unsent(platform=platform, limit=limit, retry_refused=retry_refused)
    prepared = Prepared()
    for decision, content in unsent:
        try:
            prepared.statements.append(
                statement(
                    decision,
                    content_kind=content.kind,
                    content_language=content.language,
                    content_date=content.submitted_at.date().isoformat(),
                    trusted_flagger=content.trusted_flagger,
                )
            )
        except NothingToReport:
            prepared.nothing_to_report.append(decision.id)
        except InvalidStatement as problem:
            prepared.invalid[decision.id] = str(problem).split("; ")
    return prepared


def submit_statements(
    store: TransparencyStore,
    sender: StatementSender,
    *,
    platform: str,
    actor: str,
    limit: int = 10_000,
    retry_refused: bool = False,
) -> SubmissionOutcome:
    """Submit what is due, 100 at a time, recording each call's outcome as soon as it is
    known: a failure half-way keeps what the earlier calls stored."""
    prepared = prepare_statements(
        store, platform=platform, limit=limit, retry_refused=retry_refused
    )
    total = SubmissionOutcome(refused=dict(prepared.invalid))
    _record(store, actor, platform, SubmissionOutcome(refused=prepared.invalid), prepared)
    for start in range(0, len(prepared.statements), BATCH_LIMIT):
        outcome = sender.submit(prepared.statements[start : start + BATCH_LIMIT])
        _record(store, actor, platform, outcome, None)
        total.merge(outcome)
    return total


def _record(
    store: TransparencyStore,
    actor: str,
    platform: str,
    outcome: SubmissionOutcome,
    prepared: Prepared | None,
) -> None:
    none = prepared.nothing_to_report if prepared else []
    if not (outcome.accepted or outcome.already_there or outcome.refused or none):
        return
    now = store.clock.now()
    with store.transaction() as tx:
        repo = tx.transparency
        for puid, tdb_uuid in outcome.accepted.items():
            repo.record_submission(puid, state=ACCEPTED, at=now, tdb_uuid=tdb_uuid, detail=None)
        for puid in outcome.already_there:
            repo.record_submission(
                puid, state=ACCEPTED, at=now, tdb_uuid=None, detail="already in the database"
            )
        for puid, reasons in outcome.refused.items():
            repo.record_submission(
                puid, state=REFUSED, at=now, tdb_uuid=None, detail="; ".join(reasons)[:4000]
            )
        for puid in none:
            repo.record_submission(
                puid, state=NOTHING, at=now, tdb_uuid=None, detail="restricts nothing in the EU"
            )
        tx.audit.append(
            AuditEvent(
                "transparency",
                platform,
                "statements.submitted",
                actor,
                {
                    "accepted": sorted(outcome.accepted),
                    "already_there": sorted(outcome.already_there),
                    "refused": sorted(outcome.refused),
                    "nothing_to_report": sorted(none),
                },
            )
        )


def transparency_report(
    store: TransparencyStore, *, platform: str, period: Period
) -> dict[str, Any]:
    with store.transaction(snapshot=True, write=False) as tx:
        facts = tx.transparency.period_facts(platform, period.start, period.end)
    return build_report(facts, platform=platform, period=period, generated_at=store.clock.now())


def record_order(store: TransparencyStore, order: Order, *, actor: str) -> Order:
    order = check_order(replace(order, id=order.id or str(uuid.uuid4())))
    with store.transaction() as tx:
        tx.transparency.add_order(order)
        tx.audit.append(
            AuditEvent(
                "order",
                order.id,
                "order.received",
                actor,
                {
                    "kind": order.kind.value,
                    "member_state": order.member_state,
                    "category": order.category,
                    "reference": order.reference,
                },
            )
        )
    return order


def update_order(
    store: TransparencyStore,
    *,
    platform: str,
    order_id: str,
    actor: str,
    acknowledged_at: datetime | None = None,
    effect_at: datetime | None = None,
) -> Order:
    with store.transaction() as tx:
        order = tx.transparency.get_order(platform, order_id)
        if order is None:
            raise UnknownOrder(f"no order {order_id}", order_id=order_id)
        changed = check_order(
            replace(
                order,
                acknowledged_at=acknowledged_at or order.acknowledged_at,
                effect_at=effect_at or order.effect_at,
            )
        )
        tx.transparency.update_order(changed)
        tx.audit.append(
            AuditEvent(
                "order",
                order_id,
                "order.updated",
                actor,
                {
                    "acknowledged_at": _iso(changed.acknowledged_at),
                    "effect_at": _iso(changed.effect_at),
                },
            )
        )
    return changed


def record_suspension(
    store: TransparencyStore, suspension: Suspension, *, actor: str
) -> Suspension:
    suspension = check_suspension(replace(suspension, id=suspension.id or str(uuid.uuid4())))
    with store.transaction() as tx:
        tx.transparency.add_suspension(suspension)
        tx.audit.append(
            AuditEvent(
                "suspension",
                suspension.id,
                "suspension.imposed",
                actor,
                {
                    "reason": suspension.reason.value,
                    "starts_at": _iso(suspension.starts_at),
                    "ends_at": _iso(suspension.ends_at),
                },
            )
        )
    return suspension


def report_active_recipients(
    store: TransparencyStore, figure: ActiveRecipients, *, actor: str
) -> ActiveRecipients:
    figure = check_active_recipients(figure)
    with store.transaction() as tx:
        tx.transparency.put_active_recipients(figure, store.clock.now())
        tx.audit.append(
            AuditEvent(
                "transparency",
                figure.platform,
                "active_recipients.reported",
                actor,
                {"month": figure.month, "recipients": figure.recipients},
            )
        )
    return figure


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None
