"""The transparency report (DSA Art. 15 and 24) in the sections of the harmonised templates
(Implementing Regulation (EU) 2024/2835, Annex I): orders, notices, own-initiative moderation,
complaints, out-of-court disputes, suspensions, automated means, active recipients.

The store hands over the facts of one period; everything is counted here. A period with no
activity gives the same sections with zeros and empty lists (still a valid report)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from haven.decisions.models import Automation, Decision, Source
from haven.taxonomy import UnknownCategory, category
from haven.transparency.periods import Period
from haven.transparency.records import ActiveRecipients, Order, OrderKind, Suspension
from haven.transparency.statements import VISIBILITY_OF

REPORT_SCHEMA = "haven-transparency-report/1"
TEMPLATES = "Commission Implementing Regulation (EU) 2024/2835, Annex I (quantitative template)"
HUMAN, AUTOMATED = "human", "automated"


@dataclass(frozen=True)
class NoticeFacts:
    """A notice (Art. 16) and the first decision taken on its content after it arrived."""

    category: str  # the notifier's category (Haven's taxonomy)
    reporter_kind: str
    received_at: datetime
    answer: Decision | None  # None: not handled yet


@dataclass(frozen=True)
class ComplaintFacts:
    """An appeal (Art. 20) and the decision it contests."""

    appellant_kind: str
    received_at: datetime
    decided_at: datetime | None
    status: str  # open, upheld, reversed
    contested: Decision


@dataclass(frozen=True)
class PeriodFacts:
    notices: list[NoticeFacts]
    decisions: list[Decision]  # every decision made in the period
    complaints: list[ComplaintFacts]
    orders: list[Order]
    suspensions: list[Suspension]
    active_recipients: list[ActiveRecipients]


def dsa_category(decision: Decision) -> str:
    """The harmonised category of a decision: that of its highest-scoring harm."""
    for harm, _ in sorted(decision.categories.items(), key=lambda pair: -pair[1]):
        try:
            return category(harm).dsa_category
        except UnknownCategory:
            continue
    return "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"


def _notice_category(harm: str) -> str:
    try:
        return category(harm).dsa_category
    except UnknownCategory:
        return "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE"


def restrictions(decision: Decision) -> list[str]:
    return sorted(
        {VISIBILITY_OF[t["name"]] for t in decision.treatments if t["name"] in VISIBILITY_OF}
    )


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def _median(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(statistics.median(values), 2) if values else None


def _orders(orders: list[Order], kind: OrderKind) -> dict[str, Any]:
    chosen = [o for o in orders if o.kind is kind]
    cells = Counter((o.member_state, o.category) for o in chosen)
    return {
        "total": len(chosen),
        "by_member_state_and_category": [
            {"member_state": state, "category": cat, "count": n}
            for (state, cat), n in sorted(cells.items())
        ],
        "median_hours_to_acknowledge": _median(
            _hours(o.received_at, o.acknowledged_at) for o in chosen if o.acknowledged_at
        ),
        "median_hours_to_give_effect": _median(
            _hours(o.received_at, o.effect_at) for o in chosen if o.effect_at
        ),
        "not_yet_given_effect": sum(1 for o in chosen if o.effect_at is None),
    }


def _notices(notices: list[NoticeFacts]) -> dict[str, Any]:
    rows: dict[str, dict[str, Any]] = {}
    times: dict[str, list[float]] = {}
    for notice in notices:
        cat = _notice_category(notice.category)
        row = rows.setdefault(
            cat,
            {
                "category": cat,
                "received": 0,
                "from_trusted_flaggers": 0,
                "action_illegal_content": 0,
                "action_terms_and_conditions": 0,
                "no_action": 0,
                "pending": 0,
                "handled_by_automated_means": 0,
            },
        )
        row["received"] += 1
        row["from_trusted_flaggers"] += notice.reporter_kind == "trusted_flagger"
        answer = notice.answer
        if answer is None:
            row["pending"] += 1
            continue
        times.setdefault(cat, []).append(_hours(notice.received_at, answer.made_at))
        if not restrictions(answer):
            row["no_action"] += 1
        elif answer.ground.value == "illegal_content":
            row["action_illegal_content"] += 1
        else:
            row["action_terms_and_conditions"] += 1
        # Art. 15(1)(b): processed using automated means, in detection or in the decision.
        row["handled_by_automated_means"] += answer.automation is not Automation.NOT_AUTOMATED
    by_category = []
    for cat in sorted(rows):
        by_category.append({**rows[cat], "median_hours_to_act": _median(times.get(cat, []))})
    total = Counter[str]()
    for row in rows.values():
        total.update({k: v for k, v in row.items() if isinstance(v, int)})
    return {
        "total": len(notices),
        "from_trusted_flaggers": total["from_trusted_flaggers"],
        "action_illegal_content": total["action_illegal_content"],
        "action_terms_and_conditions": total["action_terms_and_conditions"],
        "no_action": total["no_action"],
        "pending": total["pending"],
        "handled_by_automated_means": total["handled_by_automated_means"],
        "median_hours_to_act": _median(t for ts in times.values() for t in ts),
        "by_category": by_category,
    }


def _own_initiative(decisions: list[Decision]) -> dict[str, Any]:
    cells: Counter[tuple[str, str, str]] = Counter()
    counted = 0
    for decision in decisions:
        if decision.source is not Source.OWN_INITIATIVE:
            continue
        applied = restrictions(decision)
        if not applied:
            continue
        counted += 1
        detection = AUTOMATED if decision.automated_detection else HUMAN
        for restriction in applied:
            cells[(dsa_category(decision), detection, restriction)] += 1
    return {
        "total": counted,
        "detected_automatically": sum(
            1
            for d in decisions
            if d.source is Source.OWN_INITIATIVE and restrictions(d) and d.automated_detection
        ),
        "by_category_detection_and_restriction": [
            {"category": cat, "detection": det, "restriction": res, "count": n}
            for (cat, det, res), n in sorted(cells.items())
        ],
    }


def _complaints(complaints: list[ComplaintFacts]) -> dict[str, Any]:
    by_basis = Counter(c.appellant_kind for c in complaints)
    outcomes = Counter(c.status for c in complaints)
    return {
        "total": len(complaints),
        "by_complainant": dict(sorted(by_basis.items())),
        "upheld": outcomes["upheld"],
        "reversed": outcomes["reversed"],
        "open": outcomes["open"],
        "median_hours_to_decide": _median(
            _hours(c.received_at, c.decided_at) for c in complaints if c.decided_at
        ),
        "by_category": [
            {
                "category": cat,
                "received": sum(1 for c in complaints if dsa_category(c.contested) == cat),
                "reversed": sum(
                    1
                    for c in complaints
                    if dsa_category(c.contested) == cat and c.status == "reversed"
                ),
            }
            for cat in sorted({dsa_category(c.contested) for c in complaints})
        ],
    }


def _automated_means(decisions: list[Decision], complaints: list[ComplaintFacts]) -> dict[str, Any]:
    """Accuracy indicators from the complaints: of the automated decisions that were appealed
    and decided, how many a person reversed."""
    rows = []
    for automation in (Automation.FULLY, Automation.PARTIALLY):
        made = [d for d in decisions if d.automation is automation and restrictions(d)]
        contested = [c for c in complaints if c.contested.automation is automation]
        decided = [c for c in contested if c.status in ("upheld", "reversed")]
        reversed_ = sum(1 for c in decided if c.status == "reversed")
        rows.append(
            {
                "automation": automation.value,
                "restrictive_decisions": len(made),
                "appealed": len(contested),
                "appeals_decided": len(decided),
                "reversed": reversed_,
                "reversal_rate": round(reversed_ / len(decided), 4) if decided else None,
                # No decided appeal is no evidence either way, not "0 % wrong".
                "reversed_share_of_decisions": (
                    round(reversed_ / len(made), 4) if made and decided else None
                ),
            }
        )
    return {
        "indicators": rows,
        "qualitative": (
            "Haven analyses uploads with offline models and rules: photosensitivity (flash and"
            " pattern analysis after WCAG 2.x and ITU-R BT.1702), speech and on-screen text"
            " recognition, a text classifier (lexicon and sentence embeddings), perceptual hashes"
            " matched against banks of known harmful media, and a nudity classifier. Every"
            " automated restriction names the rule and the reason; harms above the policy's"
            " thresholds go to people for review, appeals are decided by a person who did not"
            " take the decision, and the reversal rate above is the accuracy indicator."
        ),
    }


def _suspensions(suspensions: list[Suspension]) -> dict[str, Any]:
    reasons = Counter(s.reason.value for s in suspensions)
    return {
        "total": len(suspensions),
        "manifestly_illegal_content": reasons["manifestly_illegal_content"],
        "manifestly_unfounded_notices": reasons["manifestly_unfounded_notices"],
        "manifestly_unfounded_complaints": reasons["manifestly_unfounded_complaints"],
    }


def _active_recipients(period: Period, figures: list[ActiveRecipients]) -> dict[str, Any]:
    by_month = {f.month: f for f in figures}
    months = period.months()
    known = [by_month[m] for m in months if m in by_month]
    return {
        "months": [
            {"month": f.month, "recipients": f.recipients, "method": f.method} for f in known
        ],
        # Art. 24(2) asks for the average over the period's months: with a month missing there
        # is no such average, and a partial one is given as such, not passed off as it.
        "average_monthly": (
            round(sum(f.recipients for f in known) / len(known))
            if known and len(known) == len(months)
            else None
        ),
        "average_of_reported_months": (
            round(sum(f.recipients for f in known) / len(known)) if known else None
        ),
        "months_missing": [m for m in months if m not in by_month],
    }


def build_report(
    facts: PeriodFacts, *, platform: str, period: Period, generated_at: datetime
) -> dict[str, Any]:
    return {
        "schema": REPORT_SCHEMA,
        "platform": platform,
        "period": {
            "name": period.name,
            "start": period.start.date().isoformat(),
            "end_exclusive": period.end.date().isoformat(),
        },
        "generated_at": generated_at.isoformat(),
        "legal_basis": ["DSA Art. 15(1)", "DSA Art. 24(1)", "DSA Art. 24(2)"],
        "template": TEMPLATES,
        "sections": {
            "orders": {
                "act_against_content": _orders(facts.orders, OrderKind.ACT),
                "provide_information": _orders(facts.orders, OrderKind.INFORMATION),
            },
            "notices": _notices(facts.notices),
            "own_initiative": _own_initiative(facts.decisions),
            "complaints": _complaints(facts.complaints),
            "out_of_court_disputes": {
                "recorded": False,
                "note": "Haven does not yet record out-of-court dispute settlements (Art. 21);"
                " the platform reports them itself.",
            },
            "suspensions": _suspensions(facts.suspensions),
            "automated_means": _automated_means(facts.decisions, facts.complaints),
            "active_recipients": _active_recipients(period, facts.active_recipients),
        },
    }
