"""Policy as data: rules that map signals to treatments, and the treatments they produce."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Every treatment Haven knows (DESIGN.md), plus the notice to the creator.
TREATMENTS = frozenset(
    {
        "remove",
        "age_restrict",
        "warning_screen",
        "photosensitivity_warning",
        "captions",
        "info_banner",
        "unverified_label",
        "not_recommended",
        "hold_for_review",
        "brand_safety",
        "search_intervention",
        "comment_nudge",
        "creator_notice",
    }
)

OPERATORS = ("equals", "not_equals", "in", "below", "at_most", "above", "at_least")


@dataclass(frozen=True)
class Test:
    """One comparison of a signal value: ``operator`` is one of ``OPERATORS``."""

    field: str
    operator: str
    value: Any

    def holds(self, actual: Any) -> bool:
        """Whether ``actual`` passes; raises ``TypeError`` when it cannot be compared."""
        if actual is None:
            return False
        if self.operator in ("below", "at_most", "above", "at_least") and (
            isinstance(actual, bool) or not isinstance(actual, int | float)
        ):
            raise TypeError(f"{self.field} is {actual!r}, not a number")
        match self.operator:
            case "equals":
                return bool(actual == self.value)
            case "not_equals":
                return bool(actual != self.value)
            case "in":
                return actual in self.value
            case "below":
                return bool(actual < self.value)
            case "at_most":
                return bool(actual <= self.value)
            case "above":
                return bool(actual > self.value)
            case "at_least":
                return bool(actual >= self.value)
        raise ValueError(f"unknown operator {self.operator!r}")


@dataclass(frozen=True)
class Condition:
    """A rule fires for every signal of ``signal`` kind that passes all ``tests``."""

    signal: str
    tests: tuple[Test, ...]


@dataclass(frozen=True)
class TreatmentSpec:
    name: str
    reason: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    when: Condition
    then: tuple[TreatmentSpec, ...]


@dataclass(frozen=True)
class Policy:
    name: str
    version: str
    description: str
    rules: tuple[Rule, ...]
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "source": self.source}


@dataclass(frozen=True)
class Treatment:
    """What the platform should do, the rule that said so, and the evidence behind it."""

    name: str
    rule: str
    reason: str
    params: dict[str, Any]
    evidence: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rule": self.rule,
            "reason": self.reason,
            "params": dict(self.params),
            "evidence": list(self.evidence),
        }
