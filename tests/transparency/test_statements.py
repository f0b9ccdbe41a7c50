"""Statements of reasons for the Transparency Database: Haven's decisions converted, and every
enum and conditional rule of schema v2 checked (reference §4.5)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from haven.decisions.models import Automation, Decision, Ground, Source
from haven.transparency.schema import EEA, validate
from haven.transparency.statements import InvalidStatement, NothingToReport, statement

MADE = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def _decision(**changes: Any) -> Decision:
    fields: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "content_id": str(uuid.uuid4()),
        "version": 2,
        "made_at": MADE,
        "decided_by": "moderator:ana",
        "job_id": None,
        "outcome": "remove",
        "treatments": [{"name": "remove", "rule": "review", "reason": "", "params": {}}],
        "categories": {"harassment_bullying": 1.0},
        "automated_detection": True,
        "automation": Automation.PARTIALLY,
        "policy_version": "2026.12.0",
        "notes": [],
        "source": Source.OWN_INITIATIVE,
        "ground": Ground.TERMS,
        "ground_reference": "Community Guidelines 3.1 (harassment)",
        "explanation": "The caption insults another user.",
        "territorial_scope": ("worldwide",),
        "ends_at": None,
    }
    fields.update(changes)
    return Decision(**fields)


def _sor(decision: Decision, kind: str = "video") -> dict[str, Any]:
    return statement(decision, content_kind=kind, content_language="en", content_date="2026-11-19")


def test_a_removal_becomes_a_valid_statement_without_personal_data() -> None:
    decision = _decision()
    sor = _sor(decision)
    assert validate(sor) == []
    assert sor["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert sor["category"] == "STATEMENT_CATEGORY_CYBER_VIOLENCE"
    assert sor["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert sor["incompatible_content_ground"] == "Community Guidelines 3.1 (harassment)"
    assert (
        sor["source_type"] == "SOURCE_VOLUNTARY"
        and sor["automated_decision"] == "AUTOMATED_DECISION_PARTIALLY"
    )
    assert sor["puid"] == decision.id and sor["content_language"] == "EN"
    assert len(sor["territorial_scope"]) == 30
    assert "moderator:ana" not in str(sor) and decision.content_id not in str(sor)


def test_illegal_content_labels_demotion_and_scope() -> None:
    decision = _decision(
        ground=Ground.ILLEGAL,
        ground_reference="Article 130 StGB",
        treatments=[
            {"name": "not_recommended", "rule": "r", "reason": "x", "params": {}},
            {"name": "unverified_label", "rule": "r", "reason": "y", "params": {}},
        ],
        territorial_scope=("DE", "US"),
        source=Source.NOTICE,
        ends_at=datetime(2027, 1, 1, tzinfo=UTC),
    )
    sor = _sor(decision, kind="image")
    assert sor["decision_visibility"] == [
        "DECISION_VISIBILITY_CONTENT_DEMOTED",
        "DECISION_VISIBILITY_CONTENT_LABELLED",
    ]
    assert (
        sor["illegal_content_legal_ground"] == "Article 130 StGB"
        and "incompatible_content_ground" not in sor
    )
    assert sor["territorial_scope"] == ["DE"] and sor["source_type"] == "SOURCE_ARTICLE_16"
    assert sor["end_date_visibility_restriction"] == "2027-01-01"


def test_topic_banners_and_photosensitivity_warnings_are_no_restriction() -> None:
    for name in ("info_banner", "photosensitivity_warning"):
        with pytest.raises(NothingToReport):
            _sor(_decision(treatments=[{"name": name, "rule": "r", "reason": "", "params": {}}]))


def test_eu_and_el_scopes_are_understood() -> None:
    assert len(_sor(_decision(territorial_scope=("EU",)))["territorial_scope"]) == 27
    assert _sor(_decision(territorial_scope=("EL",)))["territorial_scope"] == ["GR"]
    assert _sor(_decision(territorial_scope=("DE", "EU")))["territorial_scope"] == [
        code for code in EEA if code not in ("IS", "LI", "NO")
    ]


def test_the_public_facts_never_carry_a_moderator_s_words() -> None:
    sor = _sor(_decision(explanation="Ana Lima from Graz told us her daughter was insulted."))
    assert "Ana" not in sor["decision_facts"] and "Graz" not in sor["decision_facts"]
    assert "Harm categories:" in sor["decision_facts"]
    assert "Ana" not in sor["incompatible_content_explanation"]


def test_optional_fields_the_database_would_refuse_are_left_out() -> None:
    far = _sor(_decision(ends_at=datetime(2040, 1, 1, tzinfo=UTC)))
    assert "end_date_visibility_restriction" not in far  # after 2038-01-01: indefinite
    unknown = statement(
        _decision(), content_kind="text", content_language="zz", content_date="2026-03-01"
    )
    assert "content_language" not in unknown


def test_no_statement_for_nothing_restricted_or_outside_the_eea() -> None:
    with pytest.raises(NothingToReport):
        _sor(_decision(treatments=[{"name": "captions", "rule": "r", "reason": "", "params": {}}]))
    with pytest.raises(NothingToReport):
        _sor(_decision(territorial_scope=("US", "BR")))


def test_a_restriction_without_a_harm_category_is_an_other_violation() -> None:
    sor = _sor(
        _decision(
            categories={},
            treatments=[
                {
                    "name": "warning_screen",
                    "rule": "review:warning_screen",
                    "reason": "graphic",
                    "params": {},
                }
            ],
            explanation="",
        )
    )
    assert sor["category"] == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
    assert (
        sor["category_specification"] == ["KEYWORD_OTHER"] and sor["category_specification_other"]
    )
    assert validate(sor) == []


def test_personal_data_in_the_rule_cited_stops_the_statement() -> None:
    for rule in ("rules#3 per ana@example.org", "rules#3 @someuser", "call +49 170 1234567"):
        with pytest.raises(InvalidStatement, match="personal data"):
            _sor(_decision(ground_reference=rule))
    # Dates, law references and long ids are not phone numbers.
    for rule in (
        "Posted 2026-11-19",
        "StGB 31.12.2025",
        "Section 5 (1) (2) 2019",
        "e 123456789012",
    ):
        assert _sor(_decision(ground_reference=rule))["incompatible_content_ground"] == rule


def _good() -> dict[str, Any]:
    return _sor(_decision())


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("decision_visibility", ["DECISION_VISIBILITY_HIDDEN"], "not allowed"),
        ("decision_monetary", "DECISION_MONETARY_FINE", "not one of"),
        ("decision_provision", "DECISION_PROVISION_SOME", "not one of"),
        ("decision_account", "DECISION_ACCOUNT_BANNED", "not one of"),
        ("account_type", "ACCOUNT_TYPE_ROBOT", "not one of"),
        ("decision_ground", "DECISION_GROUND_VIBES", "not one of"),
        ("content_type", ["CONTENT_TYPE_HOLOGRAM"], "not allowed"),
        ("category", "STATEMENT_CATEGORY_NONSENSE", "not one of"),
        ("category_addition", ["STATEMENT_CATEGORY_NONSENSE"], "not allowed"),
        ("category_specification", ["KEYWORD_NONSENSE"], "not allowed"),
        ("territorial_scope", ["US"], "not allowed"),
        ("source_type", "SOURCE_RUMOUR", "not one of"),
        ("automated_detection", "Maybe", "not one of"),
        ("automated_decision", "AUTOMATED_DECISION_SOMETIMES", "not one of"),
        ("incompatible_content_illegal", "Perhaps", "not one of"),
        ("content_language", "en", "upper-case"),
        ("content_date", "2026-13-01", "not a real date"),
        ("content_date", "1999-12-31", "between"),
        ("application_date", "2019-12-31", "between"),
        ("application_date", "20 Nov 2026", "YYYY-MM-DD"),
        ("end_date_visibility_restriction", "2040-01-01", "between"),
        ("content_id", {"ISBN": "123"}, "EAN-13"),
        ("puid", "has spaces in it", "puid"),
        ("decision_facts", "x" * 5001, "at most 5000"),
        ("incompatible_content_explanation", "x" * 2001, "at most 2000"),
        ("surprise", 1, "not a field"),
        ("decision_visibility", [], "non-empty list"),
        ("decision_visibility", ["DECISION_VISIBILITY_CONTENT_REMOVED"] * 2, "repeats"),
    ],
)
def test_every_enum_and_limit(field: str, value: Any, problem: str) -> None:
    sor = _good()
    sor[field] = value
    found = validate(sor)
    assert any(p.startswith(f"{field}:") and problem in p for p in found), found


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"decision_visibility": ["DECISION_VISIBILITY_OTHER"]},
            "decision_visibility_other: is required",
        ),
        ({"decision_visibility_other": "something"}, "decision_visibility_other: only with"),
        ({"decision_monetary": "DECISION_MONETARY_OTHER"}, "decision_monetary_other: is required"),
        ({"decision_monetary_other": "x"}, "decision_monetary_other: only with"),
        ({"content_type": ["CONTENT_TYPE_OTHER"]}, "content_type_other: is required"),
        ({"content_type_other": "x"}, "content_type_other: only with"),
        (
            {"category_specification_other": "x"},
            "category_specification_other: only with KEYWORD_OTHER",
        ),
        ({"illegal_content_legal_ground": "law"}, "illegal_content_legal_ground: only with"),
        (
            {"decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT"},
            "illegal_content_legal_ground: is required",
        ),
        ({"source_identity": "a flagger"}, "source_identity: is not given for voluntary"),
        (
            {"decision_ground_reference_url": "ftp://x"},
            "decision_ground_reference_url: must be an http(s) URL",
        ),
    ],
)
def test_every_conditional_rule(change: dict[str, Any], problem: str) -> None:
    sor = _good()
    sor.update(change)
    found = validate(sor)
    assert any(problem in p for p in found), found


def test_a_decision_field_and_the_required_fields() -> None:
    sor = _good()
    del sor["decision_visibility"]
    assert any("one of decision_visibility" in p for p in validate(sor))
    for field in (
        "decision_ground",
        "content_type",
        "category",
        "territorial_scope",
        "content_date",
        "application_date",
        "decision_facts",
        "source_type",
        "automated_detection",
        "automated_decision",
        "puid",
    ):
        sor = _good()
        del sor[field]
        assert any(p.startswith(f"{field}:") for p in validate(sor)), field
    ground_switch = _good()
    ground_switch["decision_ground"] = "DECISION_GROUND_ILLEGAL_CONTENT"
    found = validate(ground_switch)
    assert any("incompatible_content_ground: only with" in p for p in found)
