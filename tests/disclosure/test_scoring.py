"""CVSS scores through the cvss library: known vectors give their published scores, the
severity follows FIRST's scale, and every malformed vector is refused naming its problem."""

from __future__ import annotations

import pytest
from cvss import CVSS3, CVSS4

from haven.disclosure.errors import InvalidVector
from haven.disclosure.scoring import Score, Severity, Version, governing, score, severity_of


@pytest.mark.parametrize(
    ("vector", "version", "expected", "severity"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Version.V3_1, 9.8, Severity.CRITICAL),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N", Version.V3_1, 4.6, Severity.MEDIUM),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", Version.V3_1, 0.0, Severity.NONE),
        # Temporal metrics count: exploit code unproven lowers 9.8 to 9.0.
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U", Version.V3_1, 9.0, Severity.CRITICAL),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            Version.V4_0,
            9.3,
            Severity.CRITICAL,
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U",
            Version.V4_0,
            8.1,
            Severity.HIGH,
        ),
        (
            "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N",
            Version.V4_0,
            1.0,
            Severity.LOW,
        ),
    ],
)
def test_known_vectors_score_as_published(
    vector: str, version: Version, expected: float, severity: Severity
) -> None:
    found = score(vector, version, field="v")
    assert (found.score, found.severity, found.version) == (expected, severity, version)
    assert Score.of(found.as_dict()) == found  # what the store keeps comes back the same


@pytest.mark.parametrize(
    ("value", "severity"),
    [
        (0.0, Severity.NONE),
        (0.1, Severity.LOW),
        (3.9, Severity.LOW),
        (4.0, Severity.MEDIUM),
        (6.9, Severity.MEDIUM),
        (7.0, Severity.HIGH),
        (8.9, Severity.HIGH),
        (9.0, Severity.CRITICAL),
        (10.0, Severity.CRITICAL),
    ],
)
def test_the_rating_scale_boundaries(value: float, severity: Severity) -> None:
    assert severity_of(value) is severity


def test_haven_severity_agrees_with_the_library_on_every_base_vector() -> None:
    """Every 3.1 base vector over a grid of the metrics that matter most."""
    for av in "NALP":
        for pr in "NLH":
            for c in "NLH":
                for s in "UC":
                    vector = f"CVSS:3.1/AV:{av}/AC:L/PR:{pr}/UI:N/S:{s}/C:{c}/I:L/A:N"
                    found = score(vector, Version.V3_1, field="v")
                    assert found.severity.value == CVSS3(vector).severities()[-1].lower(), vector
    vector = "CVSS:4.0/AV:A/AC:L/AT:N/PR:L/UI:P/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N"
    assert score(vector, Version.V4_0, field="v").severity.value == CVSS4(vector).severity.lower()


@pytest.mark.parametrize(
    ("vector", "version", "problem"),
    [
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Version.V3_1, "starts with 'CVSS:3.1/'"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", Version.V3_1, "3.1"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Version.V4_0, "starts with 'CVSS:4.0/'"),
        ("CVSS:3.1/AV:N", Version.V3_1, "Missing mandatory metrics"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", Version.V3_1, "Unknown metric"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q", Version.V3_1, "Unknown value"),
        ("CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Version.V3_1, "Duplicate metric"),
        ("CVSS:4.0/AV:N/AC:L", Version.V4_0, "Missing mandatory metrics"),
        ("CVSS:3.1/" + "AV:N/" * 70, Version.V3_1, "at most 300 characters"),
        ("garbage", Version.V4_0, "starts with"),
        ("CVSS:3.1/AV:N\x00", Version.V3_1, "Unknown value"),
    ],
)
def test_a_bad_vector_is_refused_naming_the_problem(
    vector: str, version: Version, problem: str
) -> None:
    with pytest.raises(InvalidVector) as refused:
        score(vector, version, field="cvss31")
    assert refused.value.data["field"] == "cvss31"
    assert problem in refused.value.data["problem"]
    assert refused.value.message.startswith("cvss31: ")


def test_cvss_4_governs_when_both_are_scored() -> None:
    v31 = score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Version.V3_1, field="a")
    v40 = score(
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U",
        Version.V4_0,
        field="b",
    )
    assert governing(v31, v40) is Severity.HIGH
    assert governing(v31, None) is Severity.CRITICAL
    assert governing(None, None) is None
    with pytest.raises(ValueError, match=r"0\.0-10\.0"):
        severity_of(10.5)
