"""Request and response bodies. Requests reject unknown fields (a typo is an error, not a
silently ignored option)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from haven.content.models import AgeBand
from haven.signals.text.classify import MAX_TEXT_CHARACTERS


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextSubmissionIn(Strict):
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARACTERS)
    surface: str = Field(description="caption, comment, search, transcript or on_screen")
    language: str = Field(default="en", max_length=35, description="BCP 47 / ISO 639-1 code")
    author_age_band: AgeBand = AgeBand.UNKNOWN
    region: str | None = Field(default=None, max_length=2, description="ISO 3166-1 alpha-2")
    external_id: str | None = Field(default=None, max_length=200)
    author_id: str | None = Field(
        default=None, max_length=200, description="the platform's pseudonymous id of the author"
    )


class DecisionOut(BaseModel):
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
