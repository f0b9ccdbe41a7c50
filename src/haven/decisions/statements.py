"""The statement of reasons (DSA Art. 17) for a decision that restricts content, built from the
one decision record and nothing else the user could not be told.

Art. 17(3): (a) the restriction, its territorial scope and duration; (b) the facts and
circumstances, including whether it acted on a notice or on Haven's own initiative; (c) the use
of automated means, in detection and in the decision; (d)/(e) the legal or contractual ground
and why the content falls under it; (f) the redress open to the user. The notifier is not
named (Art. 17(3)(b): only where strictly necessary, which a pseudonymous service never needs).
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml

from haven.decisions.errors import NoStatement
from haven.decisions.models import Decision
from haven.errors import HavenError


def appeal_until(decided_at: datetime) -> datetime:
    """The end of the window for an internal complaint: DSA Art. 20(1) gives at least six
    months from when the user is told (at the decision), so six calendar months and one day
    more (31 March gives 1 October: the 30th of September would be short)."""
    month = decided_at.month + 6
    year, month = decided_at.year + (month - 1) // 12, (month - 1) % 12 + 1
    day = min(decided_at.day, calendar.monthrange(year, month)[1])
    return decided_at.replace(year=year, month=month, day=day) + timedelta(days=1)


# Treatments that restrict what others can see, and the kind of restriction each is.
RESTRICTIONS = {
    "remove": "removal",
    "age_restrict": "visibility",
    "warning_screen": "visibility",
    "not_recommended": "visibility",
    "hold_for_review": "visibility",
    "unverified_label": "visibility",
}
DEFAULT_LANGUAGE = "en"
TEXTS_FILE = "statement_texts.yaml"


class StatementTextsError(HavenError):
    """The shipped translations are incomplete: a packaging mistake, found at load."""

    code = "statement_texts_invalid"


def _keys(tree: dict[str, Any], prefix: str = "") -> set[str]:
    out = set()
    for key, value in tree.items():
        path = f"{prefix}{key}"
        out |= _keys(value, path + ".") if isinstance(value, dict) else {path}
    return out


@cache
def texts() -> dict[str, dict[str, Any]]:
    """The statement's texts by language, every language checked against English."""
    raw = yaml.safe_load(resources.files("haven.decisions").joinpath(TEXTS_FILE).read_text("utf-8"))
    languages: dict[str, dict[str, Any]] = raw["languages"]
    reference = _keys(languages[DEFAULT_LANGUAGE])
    for code, catalogue in languages.items():
        missing = reference - _keys(catalogue)
        if missing:
            raise StatementTextsError(f"{TEXTS_FILE}: {code} lacks {', '.join(sorted(missing))}")
    return languages


def pick_language(*wanted: str | None) -> str:
    """The first of ``wanted`` Haven has texts for: an explicit choice, then the entries of an
    ``Accept-Language`` header in order of preference, then the content's language; English
    when none is available."""
    available = texts()
    for choice in wanted:
        if not choice:
            continue
        ranked = []
        for position, part in enumerate(choice.split(",")):
            tag, _, params = part.strip().partition(";")
            weight = 1.0
            if params.strip().startswith("q="):
                # RFC 9110 §12.4.2: 0 to 1, at most three decimals; anything else refuses.
                value = params.strip()[2:]
                weight = float(value) if re.fullmatch(r"0(\.\d{0,3})?|1(\.0{0,3})?", value) else 0.0
            ranked.append((-weight, position, tag.strip().lower().split("-")[0]))
        for weight, _, code in sorted(ranked):
            if weight < 0 and code in available:
                return code
    return DEFAULT_LANGUAGE


def restrictions(decision: Decision) -> list[str]:
    return [t["name"] for t in decision.treatments if t["name"] in RESTRICTIONS]


def statement_of_reasons(
    decision: Decision, *, external_id: str | None, language: str = DEFAULT_LANGUAGE
) -> dict[str, Any]:
    """The statement as JSON-ready data, in ``language`` (English when Haven has no texts in
    it). ``NoStatement`` if the decision restricts nothing."""
    applied = restrictions(decision)
    if not applied:
        raise NoStatement(
            f"decision {decision.id} restricts nothing, so it has no statement of reasons",
            decision_id=decision.id,
        )
    catalogue = texts().get(language) or texts()[DEFAULT_LANGUAGE]
    kinds = sorted({RESTRICTIONS[name] for name in applied})
    if decision.explanation:
        facts = decision.explanation
    else:
        facts = " ".join(dict.fromkeys(t["reason"] for t in decision.treatments if t["reason"]))
    redress = catalogue["redress"]
    return {
        "decision_id": decision.id,
        "decision_version": decision.version,
        "content_id": decision.content_id,
        "content_external_id": external_id,
        "made_at": decision.made_at.isoformat(),
        "language": language if language in texts() else DEFAULT_LANGUAGE,
        "languages_available": sorted(texts()),
        "restriction": {
            "kinds": kinds,
            "measures": [catalogue["measures"][name] for name in applied],
            "territorial_scope": list(decision.territorial_scope),
            "ends_at": decision.ends_at.isoformat() if decision.ends_at else None,
            "duration": "until changed" if decision.ends_at is None else "temporary",
        },
        "facts_and_circumstances": facts,
        "source": decision.source.value,
        "source_text": catalogue["source"][decision.source.value],
        "automated_detection": decision.automated_detection,
        "automated_decision": decision.automation.value,
        "automation_text": catalogue["automation"][decision.automation.value],
        "detection_text": catalogue["detection"] if decision.automated_detection else None,
        "ground": {
            "type": decision.ground.value,
            "reference": decision.ground_reference
            or ", ".join(dict.fromkeys(t["rule"] for t in decision.treatments)),
            "text": catalogue["ground"][decision.ground.value],
        },
        "categories": sorted(decision.categories),
        "redress": {
            "internal_complaint": {
                "article": "DSA Art. 20",
                "until": appeal_until(decision.made_at).isoformat(),
                "how": redress["internal_complaint"],
            },
            "out_of_court_dispute_settlement": {
                "article": "DSA Art. 21",
                "how": redress["out_of_court"],
            },
            "judicial_redress": {"how": redress["judicial"]},
        },
        "labels": catalogue["labels"],
    }
