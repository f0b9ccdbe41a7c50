from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Automation(StrEnum):
    """How far the decision was automated (the Transparency Database's three values)."""

    FULLY = "fully"
    PARTIALLY = "partially"
    NOT_AUTOMATED = "not_automated"


@dataclass(frozen=True)
class DecisionDraft:
    """What an analysis concluded, before it is stored."""

    outcome: (
        str  # the surface's word: allow, nudge, hold, block, intervene, label, review, restrict
    )
    treatments: list[dict[str, Any]]
    categories: dict[str, float]  # the flagged harm categories and their scores
    automated_detection: bool
    automation: Automation
    policy_version: str
    notes: list[str] = field(default_factory=list)
    # What the analysis saw, kept for reviewers: a scan report or a text check (JSON).
    evidence: dict[str, Any] | None = None


class Source(StrEnum):
    """What the decision acted on (DSA Art. 17(3)(b))."""

    OWN_INITIATIVE = "own_initiative"
    NOTICE = "notice"
    APPEAL = "appeal"


class Ground(StrEnum):
    """Illegal content or content incompatible with the terms (Art. 17(3)(d)/(e))."""

    TERMS = "incompatible_with_terms"
    ILLEGAL = "illegal_content"


@dataclass(frozen=True)
class Decision:
    id: str
    content_id: str
    version: int  # 1 for the first decision; each amendment adds one
    made_at: datetime
    decided_by: str  # "system" or the moderator's actor id
    job_id: str | None
    outcome: str
    treatments: list[dict[str, Any]]
    categories: dict[str, float]
    automated_detection: bool
    automation: Automation
    policy_version: str
    notes: list[str] = field(default_factory=list)
    source: Source = Source.OWN_INITIATIVE
    ground: Ground = Ground.TERMS
    ground_reference: str = ""  # the rule or law, e.g. "policy:text-harassment-hold"
    explanation: str = ""  # the facts and circumstances relied on
    territorial_scope: tuple[str, ...] = ("worldwide",)
    ends_at: datetime | None = None  # None: until changed
