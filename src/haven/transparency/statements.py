"""A Haven decision as a statement of reasons for the Transparency Database (schema v2).

What each Haven treatment restricts: removal (and a blocked comment) removes; a held comment
is disabled until reviewed; an age restriction age-restricts; keeping content out of
recommendations demotes; unverified-claim labels and opt-in warning screens label it. The
statement carries no personal data: no user ids, no names, no platform ids (``puid`` is Haven's
decision id); its facts are built from the decision's structured record, never a moderator's
own words, and the rule cited is checked for addresses, handles and phone numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

from haven.decisions.models import Automation, Decision, Ground, Source
from haven.decisions.statements import texts
from haven.errors import HavenError, InputError
from haven.taxonomy import UnknownCategory, category
from haven.transparency.schema import EEA, LANGUAGES, validate

VISIBILITY_OF = {
    "remove": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "hold_for_review": "DECISION_VISIBILITY_CONTENT_DISABLED",
    "age_restrict": "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "not_recommended": "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "warning_screen": "DECISION_VISIBILITY_CONTENT_LABELLED",
    "unverified_label": "DECISION_VISIBILITY_CONTENT_LABELLED",
}
# Not restrictions under Art. 17: topic banners (a COVID-19 or election information hub) and
# photosensitivity warnings (an accessibility aid) say nothing against the content.
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


LATEST_END = date(2038, 1, 1)


class NothingToReport(HavenError):
    """The decision restricts nothing, or nowhere in the EU and EEA: no statement is due."""

    code = "nothing_to_report"


class InvalidStatement(InputError):
    """The statement fails the database's rules: it is never sent; the reasons say why."""

    code = "invalid_statement"


EU = [code for code in EEA if code not in ("IS", "LI", "NO")]
# Codes people use that are not ISO 3166-1 alpha-2: the EU's own "EL" for Greece, and "EU".
ALIASES = {"EL": ["GR"], "EU": EU}


def _scope(regions: tuple[str, ...] | list[str]) -> list[str]:
    if "worldwide" in regions or "EEA" in regions:
        return list(EEA)
    wanted = {code for region in regions for code in ALIASES.get(region, [region])}
    return [code for code in EEA if code in wanted]


def _facts(decision: Decision, names: list[str], source_type: str) -> str:
    """The facts for the public database, built from the decision's structured record only:
    a moderator's own words stay in the statement to the user (they may name people)."""
    english = texts()["en"]
    measures = [english["measures"][n] for n in names if n in english["measures"]]
    source = (
        "We acted on a notice from a trusted flagger."
        if source_type == "SOURCE_TRUSTED_FLAGGER"
        else english["source"][decision.source.value]
    )
    harms = [harm.replace("_", " ") for harm in sorted(decision.categories)] or ["unspecified"]
    return " ".join(
        [
            *dict.fromkeys(measures),
            source,
            english["automation"][decision.automation.value],
            f"Harm categories: {', '.join(harms)}.",
        ]
    )


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
    decision: Decision,
    *,
    content_kind: str,
    content_language: str,
    content_date: str,
    trusted_flagger: bool = False,
) -> dict[str, Any]:
    """The statement of reasons for ``decision``, validated; ``NothingToReport`` when none is
    due, ``InvalidStatement`` (with every problem) when the facts break a rule.
    ``trusted_flagger``: a notice from a trusted flagger (Art. 22) led to the decision."""
    names = [t["name"] for t in decision.treatments]
    visibility = sorted({VISIBILITY_OF[n] for n in names if n in VISIBILITY_OF})
    if not visibility:
        raise NothingToReport(f"decision {decision.id} restricts nothing")
    scope = _scope(tuple(decision.territorial_scope))
    if not scope:
        raise NothingToReport(f"decision {decision.id} applies nowhere in the EU or EEA")
    dsa_category, keywords = _category(decision)
    source_type = SOURCE_OF[decision.source]
    if source_type == "SOURCE_ARTICLE_16" and trusted_flagger:
        source_type = "SOURCE_TRUSTED_FLAGGER"
    facts = _facts(decision, names, source_type)
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
        "source_type": source_type,
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
    # The database takes end dates up to 2038-01-01; a later end is as good as indefinite.
    if decision.ends_at is not None and decision.ends_at.date() <= LATEST_END:
        out["end_date_visibility_restriction"] = decision.ends_at.date().isoformat()
    language = content_language.split("-")[0].upper()
    if language in LANGUAGES:  # optional: an unknown code is left out, not sent
        out["content_language"] = language
    problems = validate(out)
    if problems:
        raise InvalidStatement("; ".join(problems), problems=len(problems))
    return out
