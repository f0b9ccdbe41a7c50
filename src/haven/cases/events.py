"""Case history as events on a subject, and the pure fold that turns them into its state.

The fold takes time only from the event and reads nothing else, so the state of every case can
be rebuilt from the audit log (a test does exactly that). Each event kind declares whether it
opens review.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from haven.cases.models import CaseState, CaseStatus
from haven.cases.queues import APPEALS_QUEUE, ESCALATIONS_QUEUE

# kind -> opens review (puts the case in a queue)
EVENT_KINDS: dict[str, bool] = {
    "case.review_requested": True,  # the policy asked for review (hold_for_review)
    "case.report_received": True,  # a notice (Art. 16)
    "case.claimed": False,
    "case.released": False,
    "case.escalated": True,
    "case.decided": False,
    "case.appeal_received": True,  # a complaint (Art. 20)
    "case.appeal_decided": False,
}


def fold(state: CaseState | None, kind: str, at: datetime, data: dict[str, Any]) -> CaseState:
    """The case after one event. ``data`` is the event's payload as stored in the audit log."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown case event {kind!r}")
    if state is None:
        state = CaseState(
            content_id=data["content_id"],
            status=CaseStatus.CLOSED,
            queue="",
            priority=0,
            opened_at=at,
            updated_at=at,
        )
    reopening = EVENT_KINDS[kind] and state.status is CaseStatus.CLOSED
    if reopening:
        state = replace(
            state,
            status=CaseStatus.OPEN,
            opened_at=at,
            queue=data.get("queue", ""),
            priority=0,
            reasons=(),
            claimed_by=None,
            claim_expires_at=None,
        )
    if kind in ("case.review_requested", "case.report_received"):
        if state.queue in (APPEALS_QUEUE, ESCALATIONS_QUEUE) and not reopening:
            queue = state.queue  # an appeal or escalation in progress keeps its queue
        else:
            queue = data["queue"] if reopening or state.priority < data["priority"] else state.queue
        state = replace(
            state,
            queue=queue,
            priority=max(state.priority, data["priority"]),
            reasons=(*state.reasons, data["reason"]),
            report_ids=(*state.report_ids, data["report_id"])
            if data.get("report_id")
            else state.report_ids,
        )
    elif kind == "case.claimed":
        state = replace(
            state,
            claimed_by=data["reviewer"],
            claim_expires_at=datetime.fromisoformat(data["expires_at"]),
        )
    elif kind == "case.released":
        state = replace(state, claimed_by=None, claim_expires_at=None)
    elif kind == "case.escalated":
        state = replace(
            state,
            queue=data["queue"],
            priority=max(state.priority, data["priority"]),
            reasons=(*state.reasons, data["reason"]),
            claimed_by=None,
            claim_expires_at=None,
        )
    elif kind == "case.decided":
        state = replace(
            state,
            status=CaseStatus.CLOSED,
            claimed_by=None,
            claim_expires_at=None,
            decided_by=data["reviewer"],
            decision_version=data["decision_version"],
            report_ids=(),
        )
    elif kind == "case.appeal_received":
        state = replace(
            state,
            queue=APPEALS_QUEUE,
            priority=max(state.priority, data["priority"]),
            reasons=(*state.reasons, data["reason"]),
            appeal_id=data["appeal_id"],
            excluded_reviewer=data.get("excluded_reviewer"),
        )
    elif kind == "case.appeal_decided":
        state = replace(
            state,
            status=CaseStatus.CLOSED,
            claimed_by=None,
            claim_expires_at=None,
            decision_version=data["decision_version"],
            appeal_id=None,
            excluded_reviewer=None,
        )
    return replace(state, updated_at=at)
