"""Service-level clocks: deadlines from the severity staff scored (else the researcher's
proposal, else "unrated"), running / met / breached with the time left; the shipped table is
checked and a malformed one refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from haven.disclosure.errors import ProgrammeDataError
from haven.disclosure.models import SecurityReport, Submission, Triage
from haven.disclosure.scoring import Version, score
from haven.disclosure.sla import ClockStatus, clocks, is_breached, parse_sla, sla_table
from haven.disclosure.states import State

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
CRITICAL = score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Version.V3_1, field="v")
MEDIUM = score("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N", Version.V3_1, field="v")


def _report(proposed: Any = None, **triage: Any) -> SecurityReport:
    submission = Submission("t", "d", "a", "s", proposed_cvss31=proposed)
    state = Triage("r-1", triage.pop("state", State.NEW), T0, **triage)
    return SecurityReport("r-1", T0, submission, state)


def _status(report: SecurityReport, now: datetime) -> dict[str, tuple[ClockStatus, int | None]]:
    return {c.name: (c.status, c.seconds_left) for c in clocks(report, sla_table(), now)}


def test_the_shipped_table_has_every_level_in_order() -> None:
    table = sla_table()
    assert set(table.hours) == {"critical", "high", "medium", "low", "none", "unrated"}
    assert table.hours["critical"] == {"first_response": 24, "triage": 72, "resolution": 360}
    assert table.version


def test_an_unrated_report_runs_on_the_unrated_targets() -> None:
    report = _report()
    hour = 3600
    assert _status(report, T0 + timedelta(hours=1)) == {
        "first_response": (ClockStatus.RUNNING, 47 * hour),
        "triage": (ClockStatus.RUNNING, 119 * hour),
        "resolution": (ClockStatus.RUNNING, 2159 * hour),
    }
    late = _status(report, T0 + timedelta(hours=49))
    assert late["first_response"] == (ClockStatus.BREACHED, -1 * hour)
    assert is_breached(clocks(report, sla_table(), T0 + timedelta(hours=49)))
    assert {c.level for c in clocks(report, sla_table(), T0)} == {"unrated"}


def test_the_researchers_proposal_counts_until_staff_score() -> None:
    proposed = _report(proposed=CRITICAL)
    assert {c.level for c in clocks(proposed, sla_table(), T0)} == {"critical"}
    assessed = _report(proposed=CRITICAL, cvss31=MEDIUM)
    first = clocks(assessed, sla_table(), T0)[0]
    assert first.level == "medium" and first.deadline == T0 + timedelta(hours=72)


def test_met_and_breached_when_done() -> None:
    report = _report(
        cvss31=CRITICAL,
        state=State.RESOLVED,
        first_response_at=T0 + timedelta(hours=2),  # target 24 h: met
        triaged_at=T0 + timedelta(hours=80),  # target 72 h: late
        closed_at=T0 + timedelta(hours=300),  # target 360 h: met
    )
    now = T0 + timedelta(days=400)  # long after: done clocks do not run on
    assert _status(report, now) == {
        "first_response": (ClockStatus.MET, None),
        "triage": (ClockStatus.BREACHED, None),
        "resolution": (ClockStatus.MET, None),
    }
    done_at = {c.name: c.done_at for c in clocks(report, sla_table(), now)}
    assert done_at["triage"] == T0 + timedelta(hours=80)


def test_a_deadline_met_to_the_second() -> None:
    report = _report(cvss31=CRITICAL, first_response_at=T0 + timedelta(hours=24))
    assert _status(report, T0 + timedelta(hours=24))["first_response"] == (ClockStatus.MET, None)
    running = _report(cvss31=CRITICAL)
    assert _status(running, T0 + timedelta(hours=24))["first_response"] == (
        ClockStatus.RUNNING,
        0,
    )


GOOD = {"first_response": 1, "triage": 2, "resolution": 3}
LEVELS = ("critical", "high", "medium", "low", "none", "unrated")


@pytest.mark.parametrize(
    ("unit", "targets", "message"),
    [
        ("days", {}, "unit: hours"),
        ("hours", {"high": None}, "no targets for high"),
        ("hours", {"critical": {**GOOD, "triage": 0}}, "whole hours > 0"),
        ("hours", {"critical": {**GOOD, "triage": 1.5}}, "whole hours > 0"),
        ("hours", {"critical": {**GOOD, "triage": True}}, "whole hours > 0"),
        ("hours", {"critical": {**GOOD, "resolution": 1}}, "must not shrink"),
        ("hours", {"urgent": GOOD}, "unknown levels urgent"),
    ],
)
def test_a_malformed_table_is_refused(unit: str, targets: dict[str, Any], message: str) -> None:
    rows = {level: row for level, row in {**dict.fromkeys(LEVELS, GOOD), **targets}.items() if row}
    with pytest.raises(ProgrammeDataError, match=message):
        parse_sla({"version": "1", "unit": unit, "targets": rows})
