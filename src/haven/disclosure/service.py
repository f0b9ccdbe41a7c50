"""Staff triage of security reports: list, read, score, answer and move them through the
triage states (administrators only). Each call owns its transaction; each change is appended to
the audit log and folded into the report's state in that same transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from haven.access.roles import Reviewer, Role
from haven.audit.models import AuditEntry, AuditEvent
from haven.disclosure import checks, events
from haven.disclosure.errors import (
    InvalidTransition,
    InvalidTriage,
    NotSecurityStaff,
    UnknownSecurityReport,
)
from haven.disclosure.interfaces import DisclosureStore, DisclosureTransaction
from haven.disclosure.models import MAX_MESSAGE, REPORT_ID, Message, SecurityReport
from haven.disclosure.scoring import Version, score
from haven.disclosure.sla import clocks, is_breached, sla_table
from haven.disclosure.states import CLOSED, OPEN, State, check_transition

MAX_PAGE = 500


def _require_staff(staff: Reviewer) -> None:
    # Reports describe unfixed vulnerabilities of the platform: administrators only.
    if staff.role is not Role.ADMIN:
        raise NotSecurityStaff("only administrators work security reports", role=staff.role.value)


def _report(tx: DisclosureTransaction, report_id: str, *, lock: bool = False) -> SecurityReport:
    found = (
        tx.security_reports.get(report_id, lock=lock) if REPORT_ID.fullmatch(report_id) else None
    )
    if found is None:
        raise UnknownSecurityReport(f"no security report {report_id!r}", report_id=report_id)
    return found


def _apply(
    tx: DisclosureTransaction, report: SecurityReport, kind: str, actor: str, data: dict[str, Any]
) -> SecurityReport:
    """Append the event and store the state it folds to, in the caller's transaction."""
    entry = tx.audit.append(AuditEvent(events.SUBJECT, report.id, kind, actor, data))
    triage = events.fold(report.triage, kind, entry.at, data)
    tx.security_reports.save(triage)
    return replace(report, triage=triage)


@dataclass(frozen=True)
class Dossier:
    """All staff see of a report: it, the messages sent, and its audit history."""

    report: SecurityReport
    messages: list[Message]
    history: list[AuditEntry]


def reports(
    store: DisclosureStore,
    staff: Reviewer,
    *,
    state: State | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[SecurityReport]:
    _require_staff(staff)
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidTriage(f"limit 1-{MAX_PAGE}, offset >= 0", field="limit")
    with store.transaction(write=False) as tx:
        states = frozenset({state}) if state else None
        return tx.security_reports.find(states=states, limit=limit, offset=offset)


def breached(
    store: DisclosureStore, staff: Reviewer, *, include_closed: bool = False
) -> list[SecurityReport]:
    """Open reports past a service-level deadline, now (``include_closed``: closed reports
    that were late too)."""
    _require_staff(staff)
    table, now = sla_table(), store.clock.now()
    with store.transaction(write=False) as tx:
        found = tx.security_reports.find(states=None if include_closed else OPEN)
    return [report for report in found if is_breached(clocks(report, table, now))]


def dossier(store: DisclosureStore, staff: Reviewer, report_id: str) -> Dossier:
    _require_staff(staff)
    with store.transaction(write=False) as tx:
        report = _report(tx, report_id)
        history = list(tx.audit.entries(subject_type=events.SUBJECT, subject_id=report_id))
        return Dossier(report, tx.security_reports.messages(report_id), history)


def _check_duplicate(
    tx: DisclosureTransaction, report: SecurityReport, original: str | None
) -> None:
    if original is None:
        raise InvalidTriage(
            "a duplicate names the original report in duplicate_of", field="duplicate_of"
        )
    if original == report.id:
        raise InvalidTriage("a report cannot duplicate itself", field="duplicate_of")
    found = tx.security_reports.get(original) if REPORT_ID.fullmatch(original) else None
    if found is None:
        raise InvalidTriage(f"duplicate_of: no security report {original!r}", field="duplicate_of")
    if found.triage.state is State.DUPLICATE:
        raise InvalidTriage(
            f"report {original} is itself a duplicate of {found.triage.duplicate_of}:"
            " name that one",
            field="duplicate_of",
        )


def change_state(
    store: DisclosureStore,
    staff: Reviewer,
    report_id: str,
    *,
    state: str,
    duplicate_of: str | None = None,
) -> SecurityReport:
    """Move the report (``states.TRANSITIONS``); a refused move changes nothing."""
    _require_staff(staff)
    try:
        target = State(state)
    except ValueError:
        raise InvalidTriage(f"state is one of {', '.join(State)}", field="state") from None
    if target is not State.DUPLICATE and duplicate_of is not None:
        raise InvalidTriage("duplicate_of goes with the duplicate state only", field="duplicate_of")
    with store.transaction() as tx:
        report = _report(tx, report_id, lock=True)
        check_transition(report.triage.state, target)
        if target is State.DUPLICATE:
            _check_duplicate(tx, report, duplicate_of)
        if target is State.RESOLVED and report.triage.severity is None:
            raise InvalidTransition(
                "score the report (CVSS 3.1 or 4.0) before resolving it: its reward follows"
                " from the severity",
                from_state=report.triage.state.value,
                to_state=target.value,
            )
        data = {
            "report_id": report.id,
            "from": report.triage.state.value,
            "to": target.value,
            "duplicate_of": duplicate_of,
        }
        return _apply(tx, report, events.STATE_CHANGED, staff.id, data)


def set_score(
    store: DisclosureStore,
    staff: Reviewer,
    report_id: str,
    *,
    cvss31: str | None = None,
    cvss40: str | None = None,
) -> SecurityReport:
    """Staff's CVSS 3.1 and/or 4.0 assessment (a version not given keeps its score). Scores
    are set while the report is open: a closed report's reward must not move under it."""
    _require_staff(staff)
    if cvss31 is None and cvss40 is None:
        raise InvalidTriage("give cvss31, cvss40 or both", field="cvss31")
    new31 = score(cvss31, Version.V3_1, field="cvss31") if cvss31 is not None else None
    new40 = score(cvss40, Version.V4_0, field="cvss40") if cvss40 is not None else None
    with store.transaction() as tx:
        report = _report(tx, report_id, lock=True)
        current = report.triage
        if current.state in CLOSED:
            raise InvalidTransition(
                f"a {current.state.value} report's score is final",
                from_state=current.state.value,
                to_state=current.state.value,
            )
        kept31, kept40 = new31 or current.cvss31, new40 or current.cvss40
        data = {
            "report_id": report.id,
            "cvss31": kept31.as_dict() if kept31 else None,
            "cvss40": kept40.as_dict() if kept40 else None,
        }
        return _apply(tx, report, events.SCORED, staff.id, data)


def respond(store: DisclosureStore, staff: Reviewer, report_id: str, body: str) -> Message:
    """A message to the researcher, shown where they track the report; the first one (or
    the first move of the report) stops the first-response clock."""
    _require_staff(staff)
    text = str(checks.text(body, "body", MAX_MESSAGE, InvalidTriage, multiline=True))
    with store.transaction() as tx:
        report = _report(tx, report_id, lock=True)
        message = tx.security_reports.add_message(
            Message(report.id, store.clock.now(), staff.id, text)
        )
        # The text may describe the vulnerability: the log keeps only that it was sent.
        data = {"report_id": report.id, "message_id": message.id}
        _apply(tx, report, events.RESPONDED, staff.id, data)
    return message
