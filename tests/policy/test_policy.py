"""Policy as data: validation, operators, and treatments that carry rule and evidence."""

from __future__ import annotations

import pytest

from haven.policy import PolicyError, evaluate, load_policy, parse_policy
from haven.signals import Signal, default_registry

KNOWN = default_registry().signal_kinds()


def _verdict(verdict: str, confidence: float = 0.95, **extra: object) -> Signal:
    return Signal(
        analyzer="photosensitivity",
        analyzer_version="1",
        kind="photosensitivity.verdict",
        confidence=confidence,
        attributes={
            "verdict": verdict,
            "profile": "phone",
            "failing_segment_count": 2,
            "uncertain_because": [],
            **extra,
        },
    )


def test_default_policy_loads_and_names_only_known_signals() -> None:
    policy = load_policy(known_signals=KNOWN)
    assert policy.name == "haven-default"
    assert {r.id for r in policy.rules} >= {"photosensitivity-hazard", "photosensitivity-uncertain"}


def test_fail_gives_warning_and_creator_notice_with_evidence() -> None:
    treatments = evaluate(load_policy(), [_verdict("fail")])
    assert [t.name for t in treatments] == ["photosensitivity_warning", "creator_notice"]
    warning = treatments[0]
    assert warning.rule == "photosensitivity-hazard"
    assert "2 segment(s)" in warning.reason and "phone" in warning.reason
    assert warning.evidence[0]["attributes"]["verdict"] == "fail"


def test_pass_gives_nothing_and_uncertainty_gives_review() -> None:
    policy = load_policy()
    assert evaluate(policy, [_verdict("pass")]) == []
    unsure = evaluate(policy, [_verdict("pass", confidence=0.6, uncertain_because=["near"])])
    assert [t.name for t in unsure] == ["hold_for_review"]
    assert unsure[0].params["queue"] == "photosensitivity"


def test_warning_verdict_notifies_creator_only() -> None:
    treatments = evaluate(load_policy(), [_verdict("warning")])
    assert [t.name for t in treatments] == ["creator_notice"]


def _one_rule(
    *,
    rule_id: str = "r",
    signal: str = "photosensitivity.verdict",
    attributes: dict | None = None,
    treatment: str = "remove",
    reason: str = "x",
    **extra: object,
) -> dict:
    """A policy document with a single rule."""
    when: dict = {"signal": signal}
    if attributes is not None:
        when["attributes"] = attributes
    rule = {"id": rule_id, "when": when, "then": [{"treatment": treatment, "reason": reason}]}
    return {"policy": "p", "version": "1", "rules": [{**rule, **extra}]}


@pytest.mark.parametrize(
    ("comparison", "value", "fires"),
    [
        ({"below": 3}, 2, True),
        ({"below": 3}, 3, False),
        ({"at_most": 3}, 3, True),
        ({"above": 3}, 3, False),
        ({"at_least": 3}, 3, True),
        ({"in": [1, 2]}, 2, True),
        ({"not_equals": 2}, 2, False),
        ({"equals": 2}, 2, True),
    ],
)
def test_operators(comparison: dict, value: int, fires: bool) -> None:
    data = _one_rule(attributes={"failing_segment_count": comparison}, treatment="hold_for_review")
    policy = parse_policy(data, source="test")
    signal = _verdict("fail", failing_segment_count=value)
    assert bool(evaluate(policy, [signal])) is fires


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"policy": "p", "version": "1"}, "'rules' is a required property"),
        (_one_rule(signal="a.b", treatment="explode"), "rules/0/then/0/treatment"),
        (_one_rule(signal="a.b", extra=1), "rules/0"),
        (_one_rule(attributes={"verdict": {"like": "f"}}), "attributes/verdict"),
        ("just a string", "(top level)"),
    ],
)
def test_invalid_policies_are_rejected_with_their_location(data: object, message: str) -> None:
    with pytest.raises(PolicyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_policy(data, source="test", known_signals=KNOWN)


def test_duplicate_rule_ids_are_rejected() -> None:
    data = _one_rule(rule_id="same")
    data["rules"] *= 2
    with pytest.raises(PolicyError, match="used twice"):
        parse_policy(data, source="t")


def test_reason_template_keeps_unknown_fields_visible() -> None:
    policy = parse_policy(_one_rule(reason="{verdict} and {nonexistent}"), source="t")
    assert evaluate(policy, [_verdict("fail")])[0].reason == "fail and {nonexistent}"


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("a lone { brace", "broken reason template"),
        ("{profile.upper}", "plain field name"),
        ("{segments[0]}", "plain field name"),
    ],
)
def test_reason_templates_are_checked_when_loading(reason: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(_one_rule(reason=reason), source="t")


def test_literal_braces_are_allowed() -> None:
    policy = parse_policy(_one_rule(reason="{{literal}} {verdict}"), source="t")
    assert evaluate(policy, [_verdict("fail")])[0].reason == "{literal} fail"


def test_comparing_text_with_a_number_is_a_policy_error() -> None:
    data = _one_rule(rule_id="numeric-verdict", attributes={"verdict": {"above": 3}})
    with pytest.raises(PolicyError, match="'numeric-verdict' cannot be applied"):
        evaluate(parse_policy(data, source="t"), [_verdict("fail")])


def test_lists_read_as_prose_in_reasons() -> None:
    unsure = _verdict("pass", confidence=0.6, uncertain_because=["near a limit", "damaged frames"])
    (review,) = evaluate(load_policy(), [unsure])
    assert "near a limit; damaged frames" in review.reason and "[" not in review.reason
