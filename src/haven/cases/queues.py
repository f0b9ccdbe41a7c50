"""Which review queue a case goes to and how urgent it is, as data and pure functions.

Child sexual exploitation goes to its own queue that only child-safety specialists see.
Priority: the category's base (a person in crisis or a child first), plus more for a trusted
flagger's notice (DSA Art. 22: handled with priority) and for every further report.
"""

from __future__ import annotations

from haven.access.roles import CHILD_SAFETY_QUEUE
from haven.taxonomy import CATEGORY_IDS

APPEALS_QUEUE = "appeals"
GENERAL_QUEUE = "general"
ESCALATIONS_QUEUE = "escalations"

BASE_PRIORITY: dict[str, int] = {category: 30 for category in CATEGORY_IDS}
BASE_PRIORITY.update(
    {
        "child_sexual_exploitation_grooming": 100,
        "self_harm_suicide": 90,
        "violent_threats": 70,
        "violent_extremism": 70,
        "hate_speech": 50,
        "harassment_bullying": 50,
        "dangerous_challenges": 50,
        "eating_disorders": 40,
        "profanity": 10,
        "spam_scams": 20,
    }
)
TRUSTED_FLAGGER_BONUS = 40
PER_EXTRA_REPORT = 5
MAX_REPORT_BONUS = 25


def queue_for(category: str | None) -> str:
    if category == "child_sexual_exploitation_grooming":
        return CHILD_SAFETY_QUEUE
    if category in CATEGORY_IDS:
        return category
    return GENERAL_QUEUE


def priority_for(category: str | None, *, trusted_flagger: bool, reports: int) -> int:
    base = BASE_PRIORITY.get(category or "", 20)
    extra = min(PER_EXTRA_REPORT * max(reports - 1, 0), MAX_REPORT_BONUS)
    return base + (TRUSTED_FLAGGER_BONUS if trusted_flagger else 0) + extra


def all_queues() -> list[str]:
    return [CHILD_SAFETY_QUEUE, APPEALS_QUEUE, ESCALATIONS_QUEUE, GENERAL_QUEUE] + [
        c for c in CATEGORY_IDS if c != "child_sexual_exploitation_grooming"
    ]
