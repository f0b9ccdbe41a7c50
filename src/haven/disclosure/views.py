"""What each audience sees of a report, as JSON-ready mappings: the researcher (their report's
progress, never another report's details), staff (everything), and the public (resolved,
consenting researchers only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from haven.audit.models import AuditEntry
from haven.disclosure.models import Message, SecurityReport
from haven.disclosure.rewards import RewardTable, reward_for, reward_table
from haven.disclosure.scoring import Score
from haven.disclosure.sla import SlaTable, clocks, is_breached, sla_table

TEAM = "the security team"  # researchers are not told which staff member wrote


def _time(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def _score(found: Score | None) -> dict[str, Any] | None:
    return found.as_dict() if found else None


def summary(
    report: SecurityReport,
    now: datetime,
    *,
    sla: SlaTable | None = None,
    rewards: RewardTable | None = None,
) -> dict[str, Any]:
    """One report in a staff list, with its service-level clocks and any reward."""
    sla, rewards = sla or sla_table(), rewards or reward_table()
    report_clocks = clocks(report, sla, now)
    reward = reward_for(report, rewards)
    triage = report.triage
    return {
        "id": report.id,
        "received_at": _time(report.received_at),
        "title": report.submission.title,
        "asset": report.submission.asset,
        "state": triage.state.value,
        "duplicate_of": triage.duplicate_of,
        "severity": triage.severity.value if triage.severity else None,
        "proposed_severity": (
            report.submission.proposed_severity.value
            if report.submission.proposed_severity
            else None
        ),
        "cvss31": _score(triage.cvss31),
        "cvss40": _score(triage.cvss40),
        "sla": {"version": sla.version, "clocks": [c.as_dict() for c in report_clocks]},
        "breached": is_breached(report_clocks),
        "reward": reward.as_dict() if reward else None,
        "updated_at": _time(triage.updated_at),
    }


def staff_view(
    report: SecurityReport, messages: list[Message], history: list[AuditEntry], now: datetime
) -> dict[str, Any]:
    submission = report.submission
    return {
        **summary(report, now),
        "description": submission.description,
        "steps": submission.steps,
        "proposed_cvss31": _score(submission.proposed_cvss31),
        "proposed_cvss40": _score(submission.proposed_cvss40),
        "researcher": {
            "name": submission.researcher_name,
            "contact": submission.researcher_contact,
            "acknowledge": submission.acknowledge,
        },
        "messages": [
            {"id": m.id, "at": _time(m.at), "author": m.author, "body": m.body} for m in messages
        ],
        "history": [
            {"seq": e.seq, "at": _time(e.at), "kind": e.kind, "actor": e.actor} for e in history
        ],
    }


def researcher_view(
    report: SecurityReport, messages: list[Message], now: datetime
) -> dict[str, Any]:
    """The tracking view: the report's progress and the team's messages. Which report this
    one duplicates is not said (that would point at another researcher's finding)."""
    shown = summary(report, now)
    del shown["duplicate_of"], shown["breached"]
    return {
        **shown,
        "acknowledge": report.submission.acknowledge,
        "messages": [{"at": _time(m.at), "author": TEAM, "body": m.body} for m in messages],
    }


def acknowledgement(report: SecurityReport) -> dict[str, Any]:
    """A line of the public acknowledgements: who, for what, how severe, when fixed."""
    severity = report.triage.severity
    return {
        "researcher": report.submission.researcher_name,
        "title": report.submission.title,
        "severity": severity.value if severity else None,
        "resolved_at": _time(report.triage.resolved_at),
    }
