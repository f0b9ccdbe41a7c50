"""The records of the cases package, as dataclasses: the store returns these, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CaseStatus(StrEnum):
    OPEN = "open"  # waiting in a queue, or claimed by a reviewer
    CLOSED = "closed"


@dataclass(frozen=True)
class CaseState:
    """The review state of one piece of content: the projection of its case events."""

    content_id: str
    status: CaseStatus
    queue: str
    priority: int
    opened_at: datetime
    updated_at: datetime
    reasons: tuple[str, ...] = ()
    report_ids: tuple[str, ...] = ()
    claimed_by: str | None = None
    claim_expires_at: datetime | None = None
    decided_by: str | None = None
    decision_version: int | None = None
    appeal_id: str | None = None
    excluded_reviewer: str | None = None  # an appeal is decided by someone else

    def claimed_at(self, now: datetime) -> str | None:
        """Who holds the case now (a claim that timed out holds nothing)."""
        if self.claimed_by and self.claim_expires_at and self.claim_expires_at > now:
            return self.claimed_by
        return None


class ReporterKind(StrEnum):
    USER = "user"  # a signed-in user of the platform
    ANONYMOUS = "anonymous"  # anyone, logged out
    TRUSTED_FLAGGER = "trusted_flagger"  # DSA Art. 22: notices handled with priority


@dataclass(frozen=True)
class ReportIn:
    """A notice with the DSA Art. 16(2) elements."""

    content_id: str
    category: str  # a taxonomy category id, or "other"
    explanation: str  # (a) why the notifier considers it illegal or against the rules
    reporter_kind: ReporterKind
    good_faith: bool  # (d) the statement that the notice is accurate and complete
    video_timestamp: float | None = None  # (b) exact location inside a video, in seconds
    location_url: str | None = None  # (b) the content's URL as the notifier saw it
    reporter_id: str | None = None  # the platform's user id of a signed-in notifier
    notifier_name: str | None = None  # (c) not required for child sexual abuse reports
    notifier_email: str | None = None


@dataclass(frozen=True)
class Report:
    id: str
    received_at: datetime
    platform: str
    notice: ReportIn


class AppellantKind(StrEnum):
    AFFECTED_USER = "affected_user"  # the author of the content decided on
    NOTIFIER = "notifier"  # who sent the notice the decision answered


class AppealStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    REVERSED = "reversed"


@dataclass(frozen=True)
class Appeal:
    id: str
    content_id: str
    decision_id: str
    appellant_kind: AppellantKind
    appellant_id: str  # the author's platform user id, or the notice's report id
    reason: str
    received_at: datetime
    status: AppealStatus = AppealStatus.OPEN
    decided_by: str | None = None
    decided_at: datetime | None = None
    explanation: str | None = None
