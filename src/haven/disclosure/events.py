"""A security report's history as events, and the pure fold that turns them into its triage
state. The fold takes time only from the event, so every report's state can be rebuilt from
the audit log (a test does). Payloads hold no secrets and no vulnerability details: the audit
log is kept forever and read by compliance staff; the details stay in the report's row."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from haven.disclosure.models import Triage
from haven.disclosure.scoring import Score
from haven.disclosure.states import CLOSED, State

SUBJECT = "security_report"
RECEIVED = "security_report.received"
STATE_CHANGED = "security_report.state_changed"
SCORED = "security_report.scored"
RESPONDED = "security_report.responded"
EVENT_KINDS = frozenset({RECEIVED, STATE_CHANGED, SCORED, RESPONDED})


def _score(data: dict[str, Any] | None) -> Score | None:
    return Score.of(data) if data else None


def fold(triage: Triage | None, kind: str, at: datetime, data: dict[str, Any]) -> Triage:
    """The report's triage state after one event (``data``: the payload as logged)."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown security report event {kind!r}")
    if kind == RECEIVED:
        return Triage(report_id=data["report_id"], state=State.NEW, updated_at=at)
    if triage is None:
        raise ValueError(f"{kind} before {RECEIVED}")
    if kind == STATE_CHANGED:
        target = State(data["to"])
        triage = replace(
            triage,
            state=target,
            duplicate_of=data.get("duplicate_of") if target is State.DUPLICATE else None,
            first_response_at=triage.first_response_at or at,
            triaged_at=triage.triaged_at or at,
            closed_at=at if target in CLOSED else None,
            resolved_at=at if target is State.RESOLVED else None,
        )
    elif kind == SCORED:
        triage = replace(triage, cvss31=_score(data["cvss31"]), cvss40=_score(data["cvss40"]))
    else:  # RESPONDED
        triage = replace(triage, first_response_at=triage.first_response_at or at)
    return replace(triage, updated_at=at)
