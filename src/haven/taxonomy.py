"""The one list of harm categories Haven uses, mapped to the DSA and to brand safety.

Every module that names a kind of harm (the text analyzer, the policy, comment checks, search
interventions, statements of reasons, transparency reports, brand-safety tiers) uses these
ids. Each category maps to:

* the DSA Transparency Database (schema v2, since 1 July 2025) ``category`` enum value and the
  ``KEYWORD_*`` values of ``category_specification`` a statement of reasons carries;
* the GARM brand-safety category advertisers filter on (GARM's 12-category framework, 2022;
  WFA discontinued GARM in August 2024 but verification vendors still expose it).

Sources: DSA Transparency Database API documentation (schema v2); GARM Brand Safety Floor +
Suitability Framework (2022). See ``../shared/reference/dsa-moderation-brand-safety.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Garm(StrEnum):
    ADULT_EXPLICIT_SEXUAL = "adult_explicit_sexual_content"
    ARMS_AMMUNITION = "arms_ammunition"
    CRIME_HARMFUL_ACTS = "crime_harmful_acts_human_rights_violations"
    DEATH_INJURY_CONFLICT = "death_injury_military_conflict"
    ONLINE_PIRACY = "online_piracy"
    HATE_SPEECH_AGGRESSION = "hate_speech_acts_of_aggression"
    OBSCENITY_PROFANITY = "obscenity_profanity"
    DRUGS_TOBACCO_ALCOHOL = "illegal_drugs_tobacco_vaping_alcohol"
    SPAM_HARMFUL = "spam_harmful_content"
    TERRORISM = "terrorism"
    SENSITIVE_SOCIAL_ISSUES = "debated_sensitive_social_issues"
    MISINFORMATION = "misinformation"


@dataclass(frozen=True)
class HarmCategory:
    id: str
    name: str
    description: str
    dsa_category: str
    dsa_keywords: tuple[str, ...]
    garm: Garm
    # Missing this harm costs a person most (a person in crisis, a child): thresholds are set
    # for recall, and a hit is reviewed with priority.
    critical: bool = False


def _dsa(name: str) -> str:
    return f"STATEMENT_CATEGORY_{name}"


CATEGORIES: tuple[HarmCategory, ...] = (
    HarmCategory(
        "hate_speech",
        "Hate speech",
        "Attacks on people for a protected attribute: dehumanisation, exclusion, slurs, code.",
        _dsa("ILLEGAL_OR_HARMFUL_SPEECH"),
        ("KEYWORD_HATE_SPEECH", "KEYWORD_DISCRIMINATION", "KEYWORD_INCITEMENT_VIOLENCE_HATRED"),
        Garm.HATE_SPEECH_AGGRESSION,
    ),
    HarmCategory(
        "harassment_bullying",
        "Harassment and bullying",
        "Insults and targeted abuse of a person, body shaming, pile-ons, intimidation.",
        _dsa("CYBER_VIOLENCE"),
        ("KEYWORD_CYBER_BULLYING_INTIMIDATION", "KEYWORD_CYBER_HARASSMENT"),
        Garm.HATE_SPEECH_AGGRESSION,
    ),
    HarmCategory(
        "violent_threats",
        "Violent threats",
        "Threats or incitement of physical violence against people or places.",
        _dsa("VIOLENCE"),
        ("KEYWORD_CYBER_INCITEMENT", "KEYWORD_INCITEMENT_VIOLENCE_HATRED"),
        Garm.CRIME_HARMFUL_ACTS,
    ),
    HarmCategory(
        "self_harm_suicide",
        "Self-harm and suicide",
        "Suicidal intent or ideation, self-harm, asking for methods, urging someone to self-harm.",
        _dsa("SELF_HARM"),
        ("KEYWORD_SUICIDE", "KEYWORD_SELF_MUTILATION"),
        Garm.DEATH_INJURY_CONFLICT,
        critical=True,
    ),
    HarmCategory(
        "eating_disorders",
        "Eating disorders",
        "Pro-anorexia or pro-bulimia content, extreme restriction or purging, thinspiration.",
        _dsa("SELF_HARM"),
        ("KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",),
        Garm.DEATH_INJURY_CONFLICT,
    ),
    HarmCategory(
        "dangerous_challenges",
        "Dangerous challenges",
        "Promoting risky viral challenges or stunts that can injure or kill.",
        _dsa("RISK_FOR_PUBLIC_SECURITY"),
        ("KEYWORD_UNSAFE_CHALLENGES",),
        Garm.CRIME_HARMFUL_ACTS,
    ),
    HarmCategory(
        "sexual_content",
        "Sexual content",
        "Sexual solicitation or strongly sexual content between adults, porn promotion.",
        _dsa("PROTECTION_OF_MINORS"),
        ("KEYWORD_ADULT_SEXUAL_MATERIAL", "KEYWORD_AGE_SPECIFIC_RESTRICTIONS"),
        Garm.ADULT_EXPLICIT_SEXUAL,
    ),
    HarmCategory(
        "child_sexual_exploitation_grooming",
        "Child sexual exploitation and grooming",
        "Adults grooming minors: moving to private chat, secrecy, requests for pictures, gifts.",
        _dsa("PROTECTION_OF_MINORS"),
        ("KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"),
        Garm.CRIME_HARMFUL_ACTS,
        critical=True,
    ),
    HarmCategory(
        "violent_extremism",
        "Violent extremism",
        "Praise, support or recruitment for terrorist or violent extremist groups and attacks.",
        _dsa("RISK_FOR_PUBLIC_SECURITY"),
        ("KEYWORD_TERRORIST_CONTENT", "KEYWORD_ILLEGAL_ORGANIZATIONS"),
        Garm.TERRORISM,
    ),
    HarmCategory(
        "misinformation_health",
        "Health misinformation",
        "False health claims, above all about COVID-19 and vaccines, and miracle cures.",
        _dsa("RISK_FOR_PUBLIC_SECURITY"),
        ("KEYWORD_MISINFORMATION_DISINFORMATION", "KEYWORD_RISK_PUBLIC_HEALTH"),
        Garm.MISINFORMATION,
    ),
    HarmCategory(
        "misinformation_elections",
        "Election misinformation",
        "False claims about how, when or whether to vote, fabricated fraud, fake results.",
        _dsa("NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"),
        ("KEYWORD_MISINFORMATION_DISINFORMATION",),
        Garm.MISINFORMATION,
    ),
    HarmCategory(
        "spam_scams",
        "Spam and scams",
        "Investment and crypto scams, phishing, fake giveaways, follower selling, impersonation.",
        _dsa("SCAMS_AND_FRAUD"),
        ("KEYWORD_PHISHING", "KEYWORD_PYRAMID_SCHEMES", "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING"),
        Garm.SPAM_HARMFUL,
    ),
    HarmCategory(
        "profanity",
        "Profanity",
        "Swearing and obscene words without a target.",
        _dsa("OTHER_VIOLATION_TC"),
        ("KEYWORD_OTHER",),
        Garm.OBSCENITY_PROFANITY,
    ),
)

CATEGORY_IDS: tuple[str, ...] = tuple(category.id for category in CATEGORIES)
_BY_ID = {category.id: category for category in CATEGORIES}


class UnknownCategory(KeyError):
    pass


def category(category_id: str) -> HarmCategory:
    try:
        return _BY_ID[category_id]
    except KeyError:
        raise UnknownCategory(
            f"unknown harm category {category_id!r}; known: {', '.join(CATEGORY_IDS)}"
        ) from None
