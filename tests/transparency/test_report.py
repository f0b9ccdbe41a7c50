"""The report's arithmetic on hand-made facts: what counts as answered, the accuracy indicator
of automated means, and figures as they stood at the end of the period."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from haven.decisions.models import Automation, Decision, Source
from haven.transparency.periods import parse_period
from haven.transparency.records import ActiveRecipients
from haven.transparency.report import ComplaintFacts, NoticeFacts, PeriodFacts, build_report

JUNE = parse_period("2026-06")
T0 = datetime(2026, 6, 10, 12, tzinfo=UTC)


def _decision(**changes: Any) -> Decision:
    fields: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "content_id": "c",
        "version": 1,
        "made_at": T0,
        "decided_by": "system",
        "job_id": None,
        "outcome": "hold",
        "treatments": [{"name": "hold_for_review", "rule": "r", "reason": "x", "params": {}}],
        "categories": {"spam_scams": 0.9},
        "automated_detection": True,
        "automation": Automation.FULLY,
        "policy_version": "p",
    }
    fields.update(changes)
    return Decision(**fields)


def _report(facts: PeriodFacts) -> dict[str, Any]:
    return build_report(facts, platform="p", period=JUNE, generated_at=T0)["sections"]


def test_the_reversal_rate_of_automated_decisions() -> None:
    automated = [_decision() for _ in range(4)]
    complaints = [
        ComplaintFacts("affected_user", T0, T0 + timedelta(hours=2), "reversed", automated[0]),
        ComplaintFacts("affected_user", T0, T0 + timedelta(hours=4), "upheld", automated[1]),
        ComplaintFacts("affected_user", T0, None, "open", automated[2]),
    ]
    s = _report(PeriodFacts([], automated, complaints, [], [], []))
    fully = next(r for r in s["automated_means"]["indicators"] if r["automation"] == "fully")
    assert fully == {
        "automation": "fully",
        "restrictive_decisions": 4,
        "appealed": 3,
        "appeals_decided": 2,
        "reversed": 1,
        "reversal_rate": 0.5,
        "reversed_share_of_decisions": 0.25,
    }
    assert s["complaints"]["median_hours_to_decide"] == 3.0
    # Without a decided appeal there is no evidence either way: no "0 % wrong".
    quiet = _report(PeriodFacts([], automated, [], [], [], []))
    fully = next(r for r in quiet["automated_means"]["indicators"] if r["automation"] == "fully")
    assert fully["reversal_rate"] is None and fully["reversed_share_of_decisions"] is None


def test_notices_count_by_ground_and_means() -> None:
    human = _decision(
        decided_by="moderator:a",
        automation=Automation.NOT_AUTOMATED,
        automated_detection=False,
        source=Source.NOTICE,
        treatments=[{"name": "remove", "rule": "r", "reason": "x", "params": {}}],
    )
    flagged = _decision(decided_by="moderator:a", automation=Automation.PARTIALLY)
    kept = _decision(
        decided_by="moderator:a", treatments=[], outcome="keep", automation=Automation.NOT_AUTOMATED
    )
    notices = [
        NoticeFacts("spam_scams", "user", T0 - timedelta(hours=5), human),
        NoticeFacts("spam_scams", "trusted_flagger", T0 - timedelta(hours=1), flagged),
        NoticeFacts("hate_speech", "user", T0 - timedelta(hours=3), kept),
        NoticeFacts("hate_speech", "user", T0, None),
    ]
    s = _report(PeriodFacts(notices, [], [], [], [], []))["notices"]
    assert (s["total"], s["from_trusted_flaggers"], s["pending"], s["no_action"]) == (4, 1, 1, 1)
    assert s["action_terms_and_conditions"] == 2
    assert s["handled_by_automated_means"] == 1  # the partly automated answer
    assert s["median_hours_to_act"] == 3.0


def test_the_six_month_average_needs_every_month() -> None:
    half = parse_period("2026H1")
    figures = [ActiveRecipients("p", f"2026-0{m}", 1000 * m, "accounts") for m in range(1, 7)]
    full = build_report(
        PeriodFacts([], [], [], [], [], figures), platform="p", period=half, generated_at=T0
    )["sections"]["active_recipients"]
    assert full["average_monthly"] == 3500 and full["months_missing"] == []
    partial = build_report(
        PeriodFacts([], [], [], [], [], figures[:5]), platform="p", period=half, generated_at=T0
    )["sections"]["active_recipients"]
    assert partial["average_monthly"] is None
    assert partial["average_of_reported_months"] == 3000
    assert partial["months_missing"] == ["2026-06"]
