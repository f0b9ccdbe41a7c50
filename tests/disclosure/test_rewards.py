"""Rewards: the amount for the severity staff assessed, for resolved reports only; the shipped
table is checked and a malformed one refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from haven.disclosure.errors import ProgrammeDataError
from haven.disclosure.models import SecurityReport, Submission, Triage
from haven.disclosure.rewards import parse_rewards, reward_for, reward_table
from haven.disclosure.scoring import Severity, Version, score
from haven.disclosure.states import State

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
HIGH = score(
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", Version.V4_0, field="v"
)


def _report(state: State, **triage: Any) -> SecurityReport:
    submission = Submission("t", "d", "a", "s", proposed_cvss40=HIGH)
    return SecurityReport("r-1", T0, submission, Triage("r-1", state, T0, **triage))


def test_the_shipped_table() -> None:
    table = reward_table()
    assert table.currency == "EUR" and set(table.amounts) == set(Severity)
    assert table.amounts[Severity.CRITICAL] > table.amounts[Severity.HIGH] > 0
    assert table.amounts[Severity.NONE] == 0


def test_only_resolved_reports_earn_by_assessed_severity() -> None:
    table = reward_table()
    reward = reward_for(_report(State.RESOLVED, cvss40=HIGH), table)
    assert reward is not None
    assert reward.as_dict() == {
        "amount": table.amounts[Severity.HIGH],
        "currency": "EUR",
        "severity": "high",
        "table_version": table.version,
    }
    for state in (State.NEW, State.TRIAGED, State.DUPLICATE, State.NOT_APPLICABLE):
        assert reward_for(_report(state, cvss40=HIGH), table) is None, state
    # The researcher's own proposal earns nothing until staff assess it.
    assert reward_for(_report(State.RESOLVED), table) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"currency": "euro"}, "ISO 4217"),
        ({"amounts": {"critical": 1}}, "amounts for exactly"),
        ({"amounts": {"critical": -1, "high": 1, "medium": 1, "low": 1, "none": 0}}, ">= 0"),
        ({"amounts": {"critical": 1.5, "high": 1, "medium": 1, "low": 1, "none": 0}}, ">= 0"),
    ],
)
def test_a_malformed_table_is_refused(data: dict[str, Any], message: str) -> None:
    good = {
        "version": "1",
        "currency": "EUR",
        "amounts": {"critical": 4, "high": 3, "medium": 2, "low": 1, "none": 0},
    }
    with pytest.raises(ProgrammeDataError, match=message):
        parse_rewards({**good, **data})
