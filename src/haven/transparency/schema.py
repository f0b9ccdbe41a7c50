"""The Transparency Database's statement of reasons, schema v2 (in force since 1 July 2025), as
its API documents and validates it (reference: dsa-moderation-brand-safety.md §4.5). Every
enum and every conditional rule is checked here before anything is sent."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

VISIBILITY = {
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
}
MONETARY = {
    "DECISION_MONETARY_SUSPENSION",
    "DECISION_MONETARY_TERMINATION",
    "DECISION_MONETARY_OTHER",
}
PROVISION = {
    "DECISION_PROVISION_PARTIAL_SUSPENSION",
    "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION",
    "DECISION_PROVISION_TOTAL_TERMINATION",
}
ACCOUNT = {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"}
ACCOUNT_TYPE = {"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"}
GROUND = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
CONTENT_TYPE = {
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
}
CATEGORY = {
    "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_VIOLENCE",
}
KEYWORDS = {
    "KEYWORD_ADULT_SEXUAL_MATERIAL",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
    "KEYWORD_ANIMAL_HARM",
    "KEYWORD_BIOMETRIC_DATA_BREACH",
    "KEYWORD_BULLYING_AGAINST_GIRLS",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
    "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
    "KEYWORD_COORDINATED_HARM",
    "KEYWORD_COPYRIGHT_INFRINGEMENT",
    "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_CYBER_HARASSMENT",
    "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
    "KEYWORD_CYBER_INCITEMENT",
    "KEYWORD_CYBER_STALKING",
    "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
    "KEYWORD_DATA_FALSIFICATION",
    "KEYWORD_DEFAMATION",
    "KEYWORD_DESIGN_INFRINGEMENT",
    "KEYWORD_DISCRIMINATION",
    "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
    "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
    "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
    "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
    "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
    "KEYWORD_HATE_SPEECH",
    "KEYWORD_HIDDEN_ADVERTISEMENT",
    "KEYWORD_HUMAN_EXPLOITATION",
    "KEYWORD_HUMAN_TRAFFICKING",
    "KEYWORD_ILLEGAL_ORGANIZATIONS",
    "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",
    "KEYWORD_INAUTHENTIC_ACCOUNTS",
    "KEYWORD_INAUTHENTIC_LISTINGS",
    "KEYWORD_INAUTHENTIC_USER_REVIEWS",
    "KEYWORD_INCITEMENT_AGAINST_WOMEN",
    "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
    "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
    "KEYWORD_LANGUAGE_REQUIREMENTS",
    "KEYWORD_MISINFORMATION_DISINFORMATION",
    "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
    "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
    "KEYWORD_MISSING_PROCESSING_GROUND",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
    "KEYWORD_NONCOMPLIANCE_PRICING",
    "KEYWORD_NUDITY",
    "KEYWORD_PATENT_INFRINGEMENT",
    "KEYWORD_PHISHING",
    "KEYWORD_PROHIBITED_PRODUCTS",
    "KEYWORD_PYRAMID_SCHEMES",
    "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
    "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
    "KEYWORD_RISK_PUBLIC_HEALTH",
    "KEYWORD_SELF_MUTILATION",
    "KEYWORD_STALKING",
    "KEYWORD_SUICIDE",
    "KEYWORD_TERRORIST_CONTENT",
    "KEYWORD_TRADE_SECRET_INFRINGEMENT",
    "KEYWORD_TRADEMARK_INFRINGEMENT",
    "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    "KEYWORD_UNLAWFUL_SALE_ANIMALS",
    "KEYWORD_UNSAFE_CHALLENGES",
    "KEYWORD_UNSAFE_PRODUCTS",
    "KEYWORD_VIOLATION_EU_LAW",
    "KEYWORD_VIOLATION_NATIONAL_LAW",
    "KEYWORD_OTHER",
}
SOURCE = {
    "SOURCE_ARTICLE_16",
    "SOURCE_TRUSTED_FLAGGER",
    "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY",
}
AUTOMATED_DECISION = {
    "AUTOMATED_DECISION_FULLY",
    "AUTOMATED_DECISION_PARTIALLY",
    "AUTOMATED_DECISION_NOT_AUTOMATED",
}
EEA = [  # EU-27, then Iceland, Liechtenstein and Norway
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
    "IS",
    "LI",
    "NO",
]
YES_NO = {"Yes", "No"}
PUID = re.compile(r"[A-Za-z0-9_-]{1,500}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# ISO 639-1: the database accepts these codes only (upper case).
LANGUAGES = set(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
    ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
    ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
    ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
    ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
    yo za zh zu""".upper().split()
)
KNOWN_FIELDS = {
    "decision_visibility",
    "decision_visibility_other",
    "decision_monetary",
    "decision_monetary_other",
    "decision_provision",
    "decision_account",
    "end_date_visibility_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_account_restriction",
    "account_type",
    "decision_ground",
    "decision_ground_reference_url",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "incompatible_content_illegal",
    "content_type",
    "content_type_other",
    "category",
    "category_addition",
    "category_specification",
    "category_specification_other",
    "territorial_scope",
    "content_language",
    "content_date",
    "application_date",
    "content_id",
    "decision_facts",
    "source_type",
    "source_identity",
    "automated_detection",
    "automated_decision",
    "puid",
}
# Personal data has no place in a statement: these patterns in free text stop it.
_PERSONAL = [
    (re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"), "an email address"),
    (re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,}"), "a user handle"),
    # International (+49 30 1234567) or national trunk-prefixed (030 1234 5678) numbers; not
    # dates (2026-01-15, 31.12.2025), law references or long ids, which are common and harmless.
    (re.compile(r"(?<![\w+])\+\d[\d ()./-]{6,}\d"), "a phone number"),
    (re.compile(r"(?<![\w.-])0\d{2,4}[ /.-]\d{3,4}[ .-]?\d{3,5}(?![\w.-])"), "a phone number"),
]
FREE_TEXT = (
    "decision_visibility_other",
    "decision_monetary_other",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "content_type_other",
    "category_specification_other",
    "decision_facts",
    "source_identity",
)


def _day(value: Any, low: date, high: date | None = None) -> str | None:
    if not isinstance(value, str) or not DAY.fullmatch(value):
        return "must be a date as YYYY-MM-DD"
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return "is not a real date"
    if parsed < low or (high is not None and parsed > high):
        return f"must be between {low} and {high or 'today'}"
    return None


def validate(statement: dict[str, Any]) -> list[str]:
    """Every problem with the statement, as ``field: problem`` (none: it may be sent)."""
    problems: list[str] = []

    def bad(field: str, problem: str) -> None:
        problems.append(f"{field}: {problem}")

    def text(field: str, limit: int, *, required: bool = False) -> None:
        value = statement.get(field)
        if value is None:
            if required:
                bad(field, "is required")
            return
        if not isinstance(value, str) or not value.strip():
            bad(field, "must be non-empty text")
        elif len(value) > limit:
            bad(field, f"must be at most {limit} characters")

    def one_of(field: str, allowed: set[str], *, required: bool = False) -> None:
        value = statement.get(field)
        if value is None:
            if required:
                bad(field, "is required")
        elif value not in allowed:
            bad(field, f"{value!r} is not one of the allowed values")

    def list_of(field: str, allowed: set[str] | list[str], *, required: bool = False) -> list[Any]:
        value = statement.get(field)
        if value is None:
            if required:
                bad(field, "is required")
            return []
        if not isinstance(value, list) or not value:
            bad(field, "must be a non-empty list")
            return []
        unknown = [v for v in value if v not in allowed]
        if unknown:
            bad(field, f"{unknown} are not allowed values")
        if len(set(map(str, value))) != len(value):
            bad(field, "repeats a value")
        return value

    for field in sorted(set(statement) - KNOWN_FIELDS):
        bad(field, "is not a field of the schema")
    visibility = list_of("decision_visibility", VISIBILITY)
    one_of("decision_monetary", MONETARY)
    one_of("decision_provision", PROVISION)
    one_of("decision_account", ACCOUNT)
    if not any(
        statement.get(f)
        for f in (
            "decision_visibility",
            "decision_monetary",
            "decision_provision",
            "decision_account",
        )
    ):
        bad(
            "decision_visibility",
            "one of decision_visibility, _monetary, _provision or _account is required",
        )
    for kind, field, other in (
        ("DECISION_VISIBILITY_OTHER", "decision_visibility", "decision_visibility_other"),
        ("DECISION_MONETARY_OTHER", "decision_monetary", "decision_monetary_other"),
    ):
        chosen = (
            kind in visibility if field == "decision_visibility" else statement.get(field) == kind
        )
        if chosen:
            text(other, 500, required=True)
        elif statement.get(other) is not None:
            bad(other, f"only with {kind}")
    for field in (
        "end_date_visibility_restriction",
        "end_date_monetary_restriction",
        "end_date_service_restriction",
        "end_date_account_restriction",
    ):
        if statement.get(field) not in (None, ""):
            problem = _day(statement[field], date(2000, 1, 1), date(2038, 1, 1))
            if problem:
                bad(field, problem)
    one_of("account_type", ACCOUNT_TYPE)
    one_of("decision_ground", GROUND, required=True)
    ground = statement.get("decision_ground")
    url = statement.get("decision_ground_reference_url")
    if url is not None and (
        not isinstance(url, str) or len(url) > 500 or not url.startswith(("http://", "https://"))
    ):
        bad("decision_ground_reference_url", "must be an http(s) URL of at most 500 characters")
    illegal = ("illegal_content_legal_ground", "illegal_content_explanation")
    incompatible = ("incompatible_content_ground", "incompatible_content_explanation")
    if ground == "DECISION_GROUND_ILLEGAL_CONTENT":
        text(illegal[0], 500, required=True)
        text(illegal[1], 2000, required=True)
        for field in (*incompatible, "incompatible_content_illegal"):
            if statement.get(field) is not None:
                bad(field, "only with DECISION_GROUND_INCOMPATIBLE_CONTENT")
    elif ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT":
        text(incompatible[0], 500, required=True)
        text(incompatible[1], 2000, required=True)
        one_of("incompatible_content_illegal", YES_NO)
        for field in illegal:
            if statement.get(field) is not None:
                bad(field, "only with DECISION_GROUND_ILLEGAL_CONTENT")
    types = list_of("content_type", CONTENT_TYPE, required=True)
    if "CONTENT_TYPE_OTHER" in types:
        text("content_type_other", 500, required=True)
    elif statement.get("content_type_other") is not None:
        bad("content_type_other", "only with CONTENT_TYPE_OTHER")
    one_of("category", CATEGORY, required=True)
    list_of("category_addition", CATEGORY)
    keywords = list_of("category_specification", KEYWORDS)
    if statement.get("category_specification_other") is not None:
        if "KEYWORD_OTHER" not in keywords:
            bad("category_specification_other", "only with KEYWORD_OTHER")
        text("category_specification_other", 500)
    list_of("territorial_scope", EEA, required=True)
    language = statement.get("content_language")
    if language is not None and language not in LANGUAGES:
        bad("content_language", "must be an upper-case ISO 639-1 code")
    for field, low in (("content_date", date(2000, 1, 1)), ("application_date", date(2020, 1, 1))):
        if field not in statement:
            bad(field, "is required")
        else:
            problem = _day(statement[field], low)
            if problem:
                bad(field, problem)
    content_id = statement.get("content_id")
    if content_id is not None and (
        not isinstance(content_id, dict)
        or set(content_id) != {"EAN-13"}
        or not re.fullmatch(r"\d{13}", str(content_id["EAN-13"]))
    ):
        bad("content_id", "may only hold an EAN-13 (13 digits)")
    text("decision_facts", 5000, required=True)
    one_of("source_type", SOURCE, required=True)
    if statement.get("source_identity") is not None:
        if statement.get("source_type") == "SOURCE_VOLUNTARY":
            bad("source_identity", "is not given for voluntary (own-initiative) decisions")
        text("source_identity", 500)
    one_of("automated_detection", YES_NO, required=True)
    one_of("automated_decision", AUTOMATED_DECISION, required=True)
    puid = statement.get("puid")
    if not isinstance(puid, str) or not PUID.fullmatch(puid):
        bad("puid", "is required: 1-500 letters, digits, '_' or '-'")
    for field in FREE_TEXT:
        value = statement.get(field)
        if isinstance(value, str):
            for pattern, what in _PERSONAL:
                if pattern.search(value):
                    bad(field, f"may contain personal data ({what}); statements carry none")
    return problems
