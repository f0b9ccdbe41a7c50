"""A Haven decision as a statement of reasons for the Transparency Database (schema v2).

What each Haven treatment restricts: removal (and a blocked comment) removes; a held comment
is disabled until reviewed; an age restriction age-restricts; keeping content out of
recommendations demotes; banners, labels and opt-in warning screens label it. The statement
carries no personal data: no user ids, no names, no platform ids (``puid`` is Haven's decision
id), and free text is checked for addresses, handles and phone numbers before it goes."""

from __future__ import annotations

from typing import Any

from haven.decisions.models import Automation, Decision, Ground, Source
from haven.errors import HavenError, InputError
from haven.taxonomy import UnknownCategory, category
from haven.transparency.schema import EEA, validate

VISIBILITY_OF = {
    "remove": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "hold_for_review": "DECISION_VISIBILITY_CONTENT_DISABLED",
    "age_restrict": "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "not_recommended": "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "warning_screen": "DECISION_VISIBILITY_CONTENT_LABELLED",
    "info_banner": "DECISION_VISIBILITY_CONTENT_LABELLED",
    "unverified_label": "DECISION_VISIBILITY_CONTENT_LABELLED",
    "photosensitivity_warning": "DECISION_VISIBILITY_CONTENT_LABELLED",
}
CONTENT_TYPE_OF = {
    "video": "CONTENT_TYPE_VIDEO",
    "image": "CONTENT_TYPE_IMAGE",
    "audio": "CONTENT_TYPE_AUDIO",
    "text": "CONTENT_TYPE_TEXT",
}
SOURCE_OF = {
    Source.NOTICE: "SOURCE_ARTICLE_16",
    Source.OWN_INITIATIVE: "SOURCE_VOLUNTARY",
    Source.APPEAL: "SOURCE_VOLUNTARY",
}
AUTOMATION_OF = {
    Automation.FULLY: "AUTOMATED_DECISION_FULLY",
    Automation.PARTIALLY: "AUTOMATED_DECISION_PARTIALLY",
    Automation.NOT_AUTOMATED: "AUTOMATED_DECISION_NOT_AUTOMATED",
}


class NothingToReport(HavenError):
    """The decision restricts nothing, or nowhere in the EU and EEA: no statement is due."""

    code = "nothing_to_report"


class InvalidStatement(InputError):
    """The statement fails the database's rules: it is never sent; the reasons say why."""

    code = "invalid_statement"


def _scope(regions: tuple[str, ...] | list[str]) -> list[str]:
    if "worldwide" in regions or "EEA" in regions:
        return list(EEA)
    return [code for code in EEA if code in regions]


def _category(decision: Decision) -> tuple[str, list[str]]:
    ranked = sorted(decision.categories.items(), key=lambda pair: -pair[1])
    for harm, _ in ranked:
        try:
            found = category(harm)
        except UnknownCategory:
            continue
        return found.dsa_category, list(found.dsa_keywords)
    return "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", ["KEYWORD_OTHER"]


def statement(
    decision: Decision, *, content_kind: str, content_language: str, content_date: str
) -> dict[str, Any]:
    """The statement of reasons for ``decision``, validated; ``NothingToReport`` when none is
    due, ``InvalidStatement`` (with every problem) when the facts break a rule."""
    names = [t["name"] for t in decision.treatments]
    visibility = sorted({VISIBILITY_OF[n] for n in names if n in VISIBILITY_OF})
    if not visibility:
        raise NothingToReport(f"decision {decision.id} restricts nothing")
    scope = _scope(tuple(decision.territorial_scope))
    if not scope:
        raise NothingToReport(f"decision {decision.id} applies nowhere in the EU or EEA")
    dsa_category, keywords = _category(decision)
    facts = decision.explanation or " ".join(
        dict.fromkeys(t["reason"] for t in decision.treatments if t["reason"])
    )
    reference = decision.ground_reference or ", ".join(
        dict.fromkeys(t["rule"] for t in decision.treatments)
    )
    out: dict[str, Any] = {
        "decision_visibility": visibility,
        "decision_ground": (
            "DECISION_GROUND_ILLEGAL_CONTENT"
            if decision.ground is Ground.ILLEGAL
            else "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        ),
        "content_type": [CONTENT_TYPE_OF.get(content_kind, "CONTENT_TYPE_OTHER")],
        "category": dsa_category,
        "category_specification": keywords,
        "territorial_scope": scope,
        "content_date": content_date,
        "application_date": decision.made_at.date().isoformat(),
        "decision_facts": facts[:5000],
        "source_type": SOURCE_OF[decision.source],
        "automated_detection": "Yes" if decision.automated_detection else "No",
        "automated_decision": AUTOMATION_OF[decision.automation],
        "puid": decision.id,
    }
    if out["content_type"] == ["CONTENT_TYPE_OTHER"]:
        out["content_type_other"] = content_kind[:500]
    if "KEYWORD_OTHER" in keywords:
        out["category_specification_other"] = "Haven policy rule: " + reference[:480]
    if decision.ground is Ground.ILLEGAL:
        out["illegal_content_legal_ground"] = reference[:500]
        out["illegal_content_explanation"] = facts[:2000]
    else:
        out["incompatible_content_ground"] = reference[:500]
        out["incompatible_content_explanation"] = facts[:2000]
    if decision.ends_at is not None:
        out["end_date_visibility_restriction"] = decision.ends_at.date().isoformat()
    language = content_language.split("-")[0].upper()
    if len(language) == 2 and language.isalpha():
        out["content_language"] = language
    problems = validate(out)
    if problems:
        raise InvalidStatement("; ".join(problems), problems=len(problems))
    return out
