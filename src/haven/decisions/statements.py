"""The statement of reasons (DSA Art. 17) for a decision that restricts content, built from the
one decision record and nothing else the user could not be told.

Art. 17(3): (a) the restriction, its territorial scope and duration; (b) the facts and
circumstances, including whether it acted on a notice or on Haven's own initiative; (c) the use
of automated means, in detection and in the decision; (d)/(e) the legal or contractual ground
and why the content falls under it; (f) the redress open to the user. The notifier is not
named (Art. 17(3)(b): only where strictly necessary, which a pseudonymous service never needs).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from haven.decisions.errors import NoStatement
from haven.decisions.models import Automation, Decision, Ground, Source

APPEAL_WINDOW = timedelta(days=183)
# Treatments that restrict what others can see, and how the statement names each.
RESTRICTIONS = {
    "remove": ("removal", "The content was removed."),
    "age_restrict": ("visibility", "The content is shown only to adults."),
    "warning_screen": ("visibility", "The content is shown behind a warning screen."),
    "not_recommended": ("visibility", "The content is not recommended to others."),
    "hold_for_review": ("visibility", "The content is held from others until a person reviews it."),
}
AUTOMATION_TEXT = {
    Automation.FULLY: "The decision was taken by automated means.",
    Automation.PARTIALLY: "Automated means flagged the content; a person took the decision.",
    Automation.NOT_AUTOMATED: "A person took the decision.",
}


def restrictions(decision: Decision) -> list[str]:
    return [t["name"] for t in decision.treatments if t["name"] in RESTRICTIONS]


def statement_of_reasons(decision: Decision, *, external_id: str | None) -> dict[str, Any]:
    """The statement as JSON-ready data. ``NoStatement`` if the decision restricts nothing."""
    applied = restrictions(decision)
    if not applied:
        raise NoStatement(
            f"decision {decision.id} restricts nothing, so it has no statement of reasons",
            decision_id=decision.id,
        )
    kinds = sorted({RESTRICTIONS[name][0] for name in applied})
    if decision.explanation:
        facts = decision.explanation
    else:
        facts = " ".join(dict.fromkeys(t["reason"] for t in decision.treatments if t["reason"]))
    source = {
        Source.NOTICE: "We acted on a notice about this content.",
        Source.OWN_INITIATIVE: "We acted on our own initiative.",
        Source.APPEAL: "We acted on an appeal against an earlier decision.",
    }[decision.source]
    return {
        "decision_id": decision.id,
        "decision_version": decision.version,
        "content_id": decision.content_id,
        "content_external_id": external_id,
        "made_at": decision.made_at.isoformat(),
        "restriction": {
            "kinds": kinds,
            "measures": [RESTRICTIONS[name][1] for name in applied],
            "territorial_scope": list(decision.territorial_scope),
            "ends_at": decision.ends_at.isoformat() if decision.ends_at else None,
            "duration": "until changed" if decision.ends_at is None else "temporary",
        },
        "facts_and_circumstances": facts,
        "source": decision.source.value,
        "source_text": source,
        "automated_detection": decision.automated_detection,
        "automated_decision": decision.automation.value,
        "automation_text": AUTOMATION_TEXT[decision.automation],
        "ground": {
            "type": decision.ground.value,
            "reference": decision.ground_reference
            or ", ".join(dict.fromkeys(t["rule"] for t in decision.treatments)),
            "text": "The content is illegal under the law cited."
            if decision.ground is Ground.ILLEGAL
            else "The content is incompatible with the platform's terms (the rule cited).",
        },
        "categories": sorted(decision.categories),
        "redress": {
            "internal_complaint": {
                "article": "DSA Art. 20",
                "until": (decision.made_at + APPEAL_WINDOW).isoformat(),
                "how": "Appeal through the platform; a person who did not take this decision"
                " will review it.",
            },
            "out_of_court_dispute_settlement": {
                "article": "DSA Art. 21",
                "how": "A certified out-of-court dispute settlement body can review it.",
            },
            "judicial_redress": {"how": "You can take the decision to court."},
        },
    }
