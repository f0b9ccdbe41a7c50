"""The triage states of a security report and the moves between them.

* ``new``: received, nobody has looked yet;
* ``triaged``: staff reproduced it and accept it as a vulnerability in scope;
* ``duplicate``: the same finding as an earlier report (``duplicate_of`` names it);
* ``not_applicable``: out of scope, not a vulnerability, or not reproducible;
* ``resolved``: fixed. Final: the acknowledgements and rewards rest on it.

A duplicate or not-applicable report can be reopened to ``triaged`` (the original turned out to
be a different bug; the researcher showed what was missed); nothing leaves ``resolved``."""

from __future__ import annotations

from enum import StrEnum

from haven.disclosure.errors import InvalidTransition


class State(StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    DUPLICATE = "duplicate"
    NOT_APPLICABLE = "not_applicable"
    RESOLVED = "resolved"


TRANSITIONS: dict[State, frozenset[State]] = {
    State.NEW: frozenset({State.TRIAGED, State.DUPLICATE, State.NOT_APPLICABLE}),
    State.TRIAGED: frozenset({State.RESOLVED, State.DUPLICATE, State.NOT_APPLICABLE}),
    State.DUPLICATE: frozenset({State.TRIAGED}),
    State.NOT_APPLICABLE: frozenset({State.TRIAGED}),
    State.RESOLVED: frozenset(),
}
# Closed: the resolution clock stops. Open: staff still owe the researcher an outcome.
CLOSED = frozenset({State.DUPLICATE, State.NOT_APPLICABLE, State.RESOLVED})
OPEN = frozenset(State) - CLOSED


def check_transition(current: State, target: State) -> None:
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (it is final)"
        raise InvalidTransition(
            f"a {current.value} report cannot become {target.value}; allowed: {allowed}",
            from_state=current.value,
            to_state=target.value,
        )
