"""CVSS 3.1 and 4.0 scores through Red Hat's ``cvss`` library, and the severity that follows.

The library parses and scores; Haven adds what it leaves open: only ``CVSS:3.1/`` vectors are
3.1 vectors (the library's CVSS3 class also takes 3.0), the length is capped before parsing,
and the score used is that of the most specific metric groups given (for 3.1 the environmental
score, which is the base score when no temporal or environmental metric is set; CVSS 4.0 folds
threat and environmental metrics into its one score in the same way)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cvss import CVSS3, CVSS4
from cvss.exceptions import CVSSError

from haven.disclosure.errors import InvalidVector

MAX_VECTOR = 300  # a 4.0 vector with every optional metric is about 250 characters


class Version(StrEnum):
    V3_1 = "3.1"
    V4_0 = "4.0"


class Severity(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


PREFIX = {Version.V3_1: "CVSS:3.1/", Version.V4_0: "CVSS:4.0/"}


def severity_of(score: float) -> Severity:
    """FIRST's qualitative rating scale, the same in CVSS 3.1 (spec §5) and 4.0 (spec §6)."""
    if not 0.0 <= score <= 10.0:
        raise ValueError(f"a CVSS score is 0.0-10.0, not {score}")
    if score == 0.0:
        return Severity.NONE
    if score < 4.0:
        return Severity.LOW
    if score < 7.0:
        return Severity.MEDIUM
    if score < 9.0:
        return Severity.HIGH
    return Severity.CRITICAL


@dataclass(frozen=True)
class Score:
    version: Version
    vector: str  # as the library normalises it (metric order, no "X" values)
    score: float
    severity: Severity

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version.value,
            "vector": self.vector,
            "score": self.score,
            "severity": self.severity.value,
        }

    @classmethod
    def of(cls, data: dict[str, Any]) -> Score:
        return cls(
            Version(data["version"]),
            str(data["vector"]),
            float(data["score"]),
            Severity(data["severity"]),
        )


def score(vector: str, version: Version, *, field: str) -> Score:
    """Parse and score ``vector`` as a CVSS ``version`` vector; InvalidVector names ``field``
    and the library's reason otherwise."""

    def invalid(problem: str) -> InvalidVector:
        return InvalidVector(f"{field}: {problem}", field=field, problem=problem)

    if not isinstance(vector, str) or len(vector) > MAX_VECTOR:
        raise invalid(f"a CVSS {version.value} vector of at most {MAX_VECTOR} characters")
    if not vector.startswith(PREFIX[version]):
        raise invalid(f"a CVSS {version.value} vector starts with {PREFIX[version]!r}")
    try:
        if version is Version.V3_1:
            parsed3 = CVSS3(vector)
            value, clean = float(parsed3.scores()[-1]), parsed3.clean_vector()
        else:
            parsed4 = CVSS4(vector)
            value, clean = float(parsed4.base_score), parsed4.clean_vector()
    except CVSSError as exc:
        raise invalid(str(exc)) from None
    return Score(version, clean, value, severity_of(value))


def governing(cvss31: Score | None, cvss40: Score | None) -> Severity | None:
    """The severity a report is held to when both are scored: CVSS 4.0 (the current standard),
    else 3.1; None when neither is."""
    if cvss40 is not None:
        return cvss40.severity
    return cvss31.severity if cvss31 is not None else None
