"""Evaluating a policy on signals: every treatment names its rule and its evidence."""

from __future__ import annotations

import string
from collections.abc import Iterable
from typing import Any

from haven.policy.errors import PolicyError
from haven.policy.model import Policy, Rule, Treatment
from haven.signals import Signal


class _Fields(dict[str, Any]):
    """Formatting values for reason templates; an unknown name stays visible as {name}."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _value(signal: Signal, field: str) -> Any:
    if field == "confidence":
        return signal.confidence
    _, _, name = field.partition(".")
    return signal.attributes.get(name)


def _readable(value: Any) -> Any:
    """Lists read as prose in a reason: "a; b" rather than "['a', 'b']"."""
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value) or "none"
    return value


def _reason(template: str, signal: Signal) -> str:
    fields = _Fields({name: _readable(value) for name, value in signal.attributes.items()})
    fields["confidence"] = signal.confidence
    return string.Formatter().vformat(template, (), fields)


def _matches(rule: Rule, signal: Signal) -> bool:
    if signal.kind != rule.when.signal:
        return False
    try:
        return all(test.holds(_value(signal, test.field)) for test in rule.when.tests)
    except TypeError as exc:
        raise PolicyError(f"rule {rule.id!r} cannot be applied: {exc}", rule=rule.id) from exc


def evaluate(policy: Policy, signals: Iterable[Signal]) -> list[Treatment]:
    """Apply every rule, in file order, to the signals; one treatment per rule and name.

    The reason text is the rule's template filled from the first matching signal; the evidence
    lists every matching signal.
    """
    signals = list(signals)
    treatments: list[Treatment] = []
    for rule in policy.rules:
        matched = [s for s in signals if _matches(rule, s)]
        if not matched:
            continue
        for spec in rule.then:
            treatments.append(
                Treatment(
                    name=spec.name,
                    rule=rule.id,
                    reason=_reason(spec.reason, matched[0]),
                    params=dict(spec.params),
                    evidence=[s.as_dict() for s in matched],
                )
            )
    return treatments
