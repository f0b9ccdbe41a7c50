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
    policy = parse_policy(
        {
            "policy": "p",
            "version": "1",
            "rules": [
                {
                    "id": "r",
                    "when": {
                        "signal": "photosensitivity.verdict",
                        "attributes": {"failing_segment_count": comparison},
                    },
                    "then": [{"treatment": "hold_for_review", "reason": "x"}],
                }
            ],
        },
        source="test",
    )
    signal = _verdict("fail", failing_segment_count=value)
    assert bool(evaluate(policy, [signal])) is fires


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"policy": "p", "version": "1"}, "'rules' is a required property"),
        (
            {
                "policy": "p",
                "version": "1",
                "rules": [
                    {
                        "id": "r",
                        "when": {"signal": "a.b"},
                        "then": [{"treatment": "explode", "reason": "x"}],
                    }
                ],
            },
            "rules/0/then/0/treatment",
        ),
        (
            {
                "policy": "p",
                "version": "1",
                "rules": [
                    {
                        "id": "r",
                        "when": {"signal": "a.b"},
                        "then": [{"treatment": "remove", "reason": "x"}],
                        "extra": 1,
                    }
                ],
            },
            "rules/0",
        ),
        (
            {
                "policy": "p",
                "version": "1",
                "rules": [
                    {
                        "id": "r",
                        "when": {
                            "signal": "photosensitivity.verdict",
                            "attributes": {"verdict": {"like": "f"}},
                        },
                        "then": [{"treatment": "remove", "reason": "x"}],
                    }
                ],
            },
            "attributes/verdict",
        ),
        ("just a string", "(top level)"),
    ],
)
def test_invalid_policies_are_rejected_with_their_location(data: object, message: str) -> None:
    with pytest.raises(PolicyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_policy(data, source="test", known_signals=KNOWN)


def test_duplicate_rule_ids_are_rejected() -> None:
    rule = {
        "id": "same",
        "when": {"signal": "photosensitivity.verdict"},
        "then": [{"treatment": "remove", "reason": "x"}],
    }
    with pytest.raises(PolicyError, match="used twice"):
        parse_policy({"policy": "p", "version": 1, "rules": [rule, rule]}, source="t")


def test_reason_template_keeps_unknown_fields_visible() -> None:
    policy = parse_policy(
        {
            "policy": "p",
            "version": "1",
            "rules": [
                {
                    "id": "r",
                    "when": {"signal": "photosensitivity.verdict"},
                    "then": [{"treatment": "remove", "reason": "{verdict} and {nonexistent}"}],
                }
            ],
        },
        source="t",
    )
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
    data = {
        "policy": "p",
        "version": "1",
        "rules": [
            {
                "id": "r",
                "when": {"signal": "photosensitivity.verdict"},
                "then": [{"treatment": "remove", "reason": reason}],
            }
        ],
    }
    with pytest.raises(PolicyError, match=message):
        parse_policy(data, source="t")


def test_literal_braces_are_allowed() -> None:
    data = {
        "policy": "p",
        "version": "1",
        "rules": [
            {
                "id": "r",
                "when": {"signal": "photosensitivity.verdict"},
                "then": [{"treatment": "remove", "reason": "{{literal}} {verdict}"}],
            }
        ],
    }
    assert evaluate(parse_policy(data, source="t"), [_verdict("fail")])[0].reason == (
        "{literal} fail"
    )


def test_comparing_text_with_a_number_is_a_policy_error() -> None:
    data = {
        "policy": "p",
        "version": "1",
        "rules": [
            {
                "id": "numeric-verdict",
                "when": {
                    "signal": "photosensitivity.verdict",
                    "attributes": {"verdict": {"above": 3}},
                },
                "then": [{"treatment": "remove", "reason": "x"}],
            }
        ],
    }
    with pytest.raises(PolicyError, match="'numeric-verdict' cannot be applied"):
        evaluate(parse_policy(data, source="t"), [_verdict("fail")])


def test_lists_read_as_prose_in_reasons() -> None:
    unsure = _verdict("pass", confidence=0.6, uncertain_because=["near a limit", "damaged frames"])
    (review,) = evaluate(load_policy(), [unsure])
    assert "near a limit; damaged frames" in review.reason and "[" not in review.reason
