"""Staff roles and what each may do (issue 5): data, checked by the services."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The queue of child sexual exploitation cases (``haven.cases.queues`` routes them here).
CHILD_SAFETY_QUEUE = "child_safety"


class Role(StrEnum):
    ADMIN = "admin"
    MODERATOR = "moderator"
    TRIAGE = "triage"  # reviews, labels, escalates; cannot take content down
    CHILD_SAFETY = "child_safety"  # the only role that sees the child-safety queue
    COMPLIANCE = "compliance"  # reads reports and statements; decides nothing


# Outcomes that take content down or restrict it: triage may not choose them.
TAKEDOWN_OUTCOMES = {"remove", "age_restrict", "warning_screen", "not_recommended"}


@dataclass(frozen=True)
class Reviewer:
    id: str  # e.g. "moderator:7"
    role: Role

    def may_see(self, queue: str) -> bool:
        if self.role is Role.COMPLIANCE:
            return False
        if queue == CHILD_SAFETY_QUEUE:
            return self.role is Role.CHILD_SAFETY
        return True

    def may_decide(self, outcome: str) -> bool:
        if self.role is Role.COMPLIANCE:
            return False
        return self.role is not Role.TRIAGE or outcome not in TAKEDOWN_OUTCOMES
