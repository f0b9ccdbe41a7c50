"""The triage states: every move the table allows is allowed, every other is refused with
both states named; the fold turns events into state with time from the events only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from haven.disclosure.errors import InvalidTransition
from haven.disclosure.events import RECEIVED, RESPONDED, SCORED, STATE_CHANGED, fold
from haven.disclosure.states import CLOSED, TRANSITIONS, State, check_transition

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
ALLOWED = {
    (State.NEW, State.TRIAGED),
    (State.NEW, State.DUPLICATE),
    (State.NEW, State.NOT_APPLICABLE),
    (State.TRIAGED, State.RESOLVED),
    (State.TRIAGED, State.DUPLICATE),
    (State.TRIAGED, State.NOT_APPLICABLE),
    (State.DUPLICATE, State.TRIAGED),
    (State.NOT_APPLICABLE, State.TRIAGED),
}


@pytest.mark.parametrize("current", list(State))
@pytest.mark.parametrize("target", list(State))
def test_every_pair_of_states(current: State, target: State) -> None:
    if (current, target) in ALLOWED:
        check_transition(current, target)
        assert target in TRANSITIONS[current]
        return
    with pytest.raises(InvalidTransition) as refused:
        check_transition(current, target)
    assert refused.value.data == {"from_state": current.value, "to_state": target.value}
    assert "cannot become" in refused.value.message


def test_resolved_is_final_and_says_so() -> None:
    with pytest.raises(InvalidTransition, match="none \\(it is final\\)"):
        check_transition(State.RESOLVED, State.TRIAGED)


def test_the_fold_takes_time_from_the_events() -> None:
    report = "r-1"
    triage = fold(None, RECEIVED, T0, {"report_id": report})
    assert (triage.state, triage.updated_at, triage.first_response_at) == (State.NEW, T0, None)
    at = T0 + timedelta(hours=5)
    triage = fold(triage, RESPONDED, at, {"report_id": report, "message_id": 1})
    assert triage.first_response_at == at and triage.triaged_at is None
    later = at + timedelta(hours=20)
    triage = fold(
        triage,
        STATE_CHANGED,
        later,
        {"report_id": report, "to": "duplicate", "duplicate_of": "r-0"},
    )
    assert (triage.first_response_at, triage.triaged_at, triage.closed_at) == (at, later, later)
    assert triage.duplicate_of == "r-0" and triage.state in CLOSED
    # Reopened: the triage time stands, the report is open again and duplicates nothing.
    reopened = later + timedelta(days=1)
    triage = fold(triage, STATE_CHANGED, reopened, {"report_id": report, "to": "triaged"})
    assert (triage.triaged_at, triage.closed_at, triage.duplicate_of) == (later, None, None)
    scored = {
        "version": "3.1",
        "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "score": 9.8,
        "severity": "critical",
    }
    triage = fold(triage, SCORED, reopened, {"report_id": report, "cvss31": scored, "cvss40": None})
    assert triage.severity is not None and triage.severity.value == "critical"
    done = reopened + timedelta(days=3)
    triage = fold(triage, STATE_CHANGED, done, {"report_id": report, "to": "resolved"})
    assert (triage.resolved_at, triage.closed_at, triage.updated_at) == (done, done, done)


def test_the_fold_refuses_what_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="unknown security report event"):
        fold(None, "security_report.deleted", T0, {})
    with pytest.raises(ValueError, match="before"):
        fold(None, RESPONDED, T0, {"report_id": "r"})
