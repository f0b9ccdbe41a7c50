"""Submitted content and the context a decision depends on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from haven.wellbeing.ages import AgeBand

__all__ = ["AgeBand"]  # re-exported: content records the author's band


class ContentKind(StrEnum):
    TEXT = "text"
    VIDEO = "video"
    AUDIO = "audio"
    IMAGE = "image"


class ContentState(StrEnum):
    PENDING = "pending"  # waiting for its analysis job
    DECIDED = "decided"
    FAILED = "failed"  # the analysis failed for good; the job says why


@dataclass(frozen=True)
class TextSubmission:
    text: str
    surface: str
    language: str = "en"
    author_age_band: AgeBand = AgeBand.UNKNOWN
    region: str | None = None  # ISO 3166-1 alpha-2 of the author or viewer
    external_id: str | None = None  # the platform's own id for the content
    author_id: str | None = None  # the platform's (pseudonymous) id of the author


@dataclass(frozen=True)
class MediaSubmission:
    """A video (or audio) upload and its context; ``caption`` is the creator's text."""

    caption: str | None = None
    language: str = "en"
    author_age_band: AgeBand = AgeBand.UNKNOWN
    region: str | None = None
    external_id: str | None = None
    author_id: str | None = None


@dataclass(frozen=True)
class ContentItem:
    id: str
    platform: str
    kind: ContentKind
    surface: str
    language: str
    author_age_band: AgeBand
    region: str | None
    external_id: str | None
    text: str | None
    media_sha256: str | None
    submitted_at: datetime
    state: ContentState
    author_id: str | None = None
    media_path: str | None = None  # the stored upload, relative to the media folder
