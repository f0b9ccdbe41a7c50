"""Request and response bodies. Requests reject unknown fields (a typo is an error, not a
silently ignored option)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from haven.brandsafety.tiers import brand_safety
from haven.cases.models import AppellantKind, ReporterKind
from haven.content.models import AgeBand
from haven.decisions.models import Decision, Ground
from haven.signals.text.classify import MAX_TEXT_CHARACTERS

# Closed vocabularies are enums in the OpenAPI document, so clients (and the fuzzer) see them.
Surface = Literal["caption", "comment", "search", "transcript", "on_screen"]
ReportCategory = Literal[
    "hate_speech",
    "harassment_bullying",
    "violent_threats",
    "self_harm_suicide",
    "eating_disorders",
    "dangerous_challenges",
    "sexual_content",
    "child_sexual_exploitation_grooming",
    "violent_extremism",
    "misinformation_health",
    "misinformation_elections",
    "spam_scams",
    "profanity",
    "other",
]
Outcome = Literal["keep", "label", "not_recommended", "warning_screen", "age_restrict", "remove"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextSubmissionIn(Strict):
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARACTERS)
    surface: Surface
    language: str = Field(default="en", max_length=35, description="BCP 47 / ISO 639-1 code")
    author_age_band: AgeBand = AgeBand.UNKNOWN
    region: str | None = Field(default=None, max_length=2, description="ISO 3166-1 alpha-2")
    external_id: str | None = Field(default=None, max_length=200)
    author_id: str | None = Field(
        default=None, max_length=200, description="the platform's pseudonymous id of the author"
    )


class DecisionOut(BaseModel):
    @classmethod
    def of(cls, decision: Decision) -> DecisionOut:
        fields = {k: v for k, v in asdict(decision).items() if k in cls.model_fields}
        safety = brand_safety(decision.categories, [t["name"] for t in decision.treatments])
        return cls(**fields, brand_safety=safety.as_dict())

    id: str
    version: int
    made_at: datetime
    decided_by: str
    outcome: str
    categories: dict[str, float]
    treatments: list[dict[str, Any]]
    automated_detection: bool
    automation: str
    policy_version: str
    brand_safety: dict[str, Any] = Field(
        default_factory=dict, description="GARM category and risk tier: floor, high, medium, low"
    )


class ContentOut(BaseModel):
    id: str
    kind: str
    surface: str
    language: str
    external_id: str | None
    state: str
    submitted_at: datetime
    job_id: str | None = None
    decision: DecisionOut | None = None


class JobOut(BaseModel):
    id: str
    kind: str
    subject_id: str
    state: str
    attempts: int
    created_at: datetime
    finished_at: datetime | None
    error: str | None


class ReportIn(Strict):
    """A notice with the elements of DSA Art. 16(2)."""

    content_id: str = Field(max_length=36)
    category: ReportCategory = Field(description="a Haven harm category id, or 'other'")
    explanation: str = Field(min_length=1, max_length=5000)
    reporter_kind: ReporterKind
    good_faith: bool = Field(description="the notifier's statement that the notice is accurate")
    video_timestamp: float | None = Field(default=None, ge=0, le=86_400)
    location_url: str | None = Field(default=None, max_length=2000)
    reporter_id: str | None = Field(default=None, max_length=200)
    notifier_name: str | None = Field(default=None, max_length=200)
    notifier_email: str | None = Field(default=None, max_length=320)


class ReportReceipt(BaseModel):
    """The confirmation of receipt (Art. 16(4))."""

    id: str
    received_at: datetime
    content_id: str


class AppealIn(Strict):
    content_id: str = Field(max_length=36)
    appellant_kind: AppellantKind
    appellant_id: str = Field(
        min_length=1,
        max_length=200,
        description="the author's platform id, or the notice's report id",
    )
    reason: str = Field(min_length=1, max_length=5000)


class AppealOut(BaseModel):
    id: str
    content_id: str
    decision_id: str
    status: str
    received_at: datetime


class Statement(BaseModel):
    """The statement of reasons (DSA Art. 17(3)); see haven.decisions.statements."""

    model_config = ConfigDict(extra="allow")
    decision_id: str
    restriction: dict[str, Any]
    facts_and_circumstances: str
    source: str
    automated_detection: bool
    automated_decision: str
    ground: dict[str, Any]
    redress: dict[str, Any]


class LoginIn(Strict):
    username: str = Field(max_length=50)
    password: str = Field(max_length=1000)


class LoginOut(BaseModel):
    token: str
    expires_at: datetime
    username: str
    role: str


class QueueOut(BaseModel):
    queue: str
    open: int


class ReportView(BaseModel):
    id: str
    received_at: datetime
    category: str
    explanation: str
    reporter_kind: str
    video_timestamp: float | None


class CaseView(BaseModel):
    """What a moderator sees: the content, why it is in review, the current decision with its
    signals and evidence, the notices, and who holds the case."""

    content_id: str
    kind: str
    surface: str
    language: str
    text: str | None
    status: str
    queue: str
    priority: int
    reasons: list[str]
    claimed_by: str | None
    claim_expires_at: datetime | None
    appeal_id: str | None
    decision: DecisionOut | None
    reports: list[ReportView]


class EscalateIn(Strict):
    reason: str = Field(min_length=1, max_length=5000)


class ReviewIn(Strict):
    outcome: str = Field(
        description="keep, label, not_recommended, warning_screen, age_restrict or remove"
    )
    explanation: str = Field(min_length=1, max_length=5000)
    ground: Ground = Ground.TERMS
    ground_reference: str = Field(default="", max_length=500)
    territorial_scope: list[str] = Field(
        default_factory=lambda: ["worldwide"], min_length=1, max_length=50
    )
    duration_days: int | None = Field(default=None, ge=1, le=3650)


class AppealDecisionIn(Strict):
    reverse: bool
    explanation: str = Field(min_length=1, max_length=5000)
    new_outcome: Outcome = "keep"


class AuditEntryOut(BaseModel):
    seq: int
    at: datetime
    subject_type: str
    subject_id: str
    kind: str
    actor: str
    payload: dict[str, Any]
    hash: str
