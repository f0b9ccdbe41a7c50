"""The records of the privacy package: who a request is about, what Haven holds about them (as
the store gathers it), and what an erasure did."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from haven.audit.models import AuditEntry
from haven.cases.models import Appeal, CaseState, Report
from haven.content.models import ContentItem
from haven.decisions.models import Decision
from haven.privacy.errors import InvalidSubject

PLATFORM = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,}")  # as notices are checked
MAX_USER_ID = 200
# What an anonymised notice's explanation or an appeal's reason reads once erased.
ERASED_TEXT = "[erased at the request of the person who wrote it]"

# Why something is kept when its person asks for erasure. Only these two exceptions apply.
LEGAL_HOLD_BASIS = (
    "GDPR Art. 17(3)(b) and (e): kept under a legal hold as evidence of child sexual abuse"
    " material, for the competent authorities and legal claims (a legal obligation to"
    " preserve it, e.g. 18 U.S.C. § 2258A(h) for material reported to NCMEC); deleted when"
    " the hold is lifted"
)
AUDIT_BASIS = (
    "GDPR Art. 17(3)(b) and (e) with Art. 5(2) (accountability): the append-only audit log"
    " records what was decided, when and by whom (DSA Art. 17, 20 and 24)"
)
AUDIT_WHY = (
    "the audit log is append-only and hash-chained; these entries stay, naming the person"
    " only by a keyed pseudonym whose key is deleted, so they can no longer be linked to them"
)
LEGACY_AUDIT_WHY = (
    "written before Haven pseudonymised the audit log: the hash-chained log cannot be"
    " rewritten without breaking its chain, so these entries keep the identifier as written"
)


@dataclass(frozen=True)
class Subject:
    """A person as a platform knows them: their user id, their email as a notifier, or both."""

    platform: str
    user_id: str | None = None
    email: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"platform": self.platform, "user_id": self.user_id, "email": self.email}


def check_subject(platform: str, user_id: str | None = None, email: str | None = None) -> Subject:
    """The subject, or ``InvalidSubject`` naming the field that cannot be a person's."""
    if not isinstance(platform, str) or not PLATFORM.fullmatch(platform):
        raise InvalidSubject(f"platform {platform!r} is not a platform name", field="platform")
    if user_id is None and email is None:
        raise InvalidSubject("name the person by user_id, email or both", field="user_id")
    if user_id is not None and not (
        isinstance(user_id, str) and 0 < len(user_id) <= MAX_USER_ID and user_id.isprintable()
    ):
        raise InvalidSubject(
            f"user_id must be 1-{MAX_USER_ID} printable characters", field="user_id"
        )
    if email is not None and not (
        isinstance(email, str) and len(email) <= 320 and EMAIL.fullmatch(email)
    ):
        raise InvalidSubject("email must be an email address", field="email")
    return Subject(platform, user_id, email.lower() if email is not None else None)


@dataclass(frozen=True)
class Hold:
    """A legal hold on a piece of content (``legal_holds``)."""

    reason: str
    placed_at: datetime


@dataclass(frozen=True)
class Authored:
    """A piece of content the person submitted, with everything hanging off it."""

    item: ContentItem
    decisions: list[Decision]
    evidence: list[dict[str, Any]]
    case: CaseState | None
    notices: list[Report]  # notices about it, by anyone
    appeals: list[Appeal]  # appeals against its decisions, by anyone
    impressions: list[dict[str, Any]]
    hold: Hold | None


@dataclass(frozen=True)
class Link:
    """A Family Pairing link the person is part of, with its requests for more time."""

    record: dict[str, Any]  # id, parent_id, teen_id, created_at, controls, ended_at, ended_by
    time_requests: list[dict[str, Any]]


@dataclass(frozen=True)
class Wellbeing:
    """The person's well-being records, as rows (without any passcode hash)."""

    profile: dict[str, Any] | None = None
    usage_events: list[dict[str, Any]] = field(default_factory=list)
    grants: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    codes: list[dict[str, Any]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    # Notices to the other side of a link that name the person.
    partner_notices: list[dict[str, Any]] = field(default_factory=list)

    def empty(self) -> bool:
        return self.profile is None and not any(
            (
                self.usage_events,
                self.grants,
                self.notices,
                self.attempts,
                self.codes,
                self.links,
                self.partner_notices,
            )
        )


@dataclass(frozen=True)
class PersonalData:
    """Everything Haven holds about a subject, gathered in one transaction."""

    subject: Subject
    content: list[Authored]
    reports: list[Report]  # notices they filed (as a signed-in user or by their email)
    appeals: list[Appeal]  # appeals they filed as a notifier
    holds: dict[str, Hold]  # legal holds on any content named above
    wellbeing: Wellbeing
    suspensions: list[dict[str, Any]]
    pseudonyms: dict[str, str]  # "user"/"email" -> the pseudonym, for keys that exist
    audit: list[AuditEntry]
    legacy_audit: int  # entries among ``audit`` that carry the plain identifier

    def empty(self) -> bool:
        return not (
            self.content
            or self.reports
            or self.appeals
            or self.suspensions
            or self.pseudonyms
            or self.legacy_audit
            or not self.wellbeing.empty()
        )


@dataclass(frozen=True)
class Kept:
    """Something erasure left in place, and why."""

    kind: str
    why: str
    basis: str
    id: str | None = None
    count: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "why": self.why, "basis": self.basis}
        if self.id is not None:
            out["id"] = self.id
        if self.count is not None:
            out["count"] = self.count
        return out


@dataclass(frozen=True)
class ErasureResult:
    erasure_id: str
    at: datetime
    subject: Subject
    pseudonym: str | None
    dry_run: bool
    erased: dict[str, int]
    anonymised: dict[str, int]
    kept: list[Kept]
    media_files_left: list[str] = field(default_factory=list)  # could not be deleted

    def as_dict(self) -> dict[str, Any]:
        return {
            "erasure_id": self.erasure_id,
            "at": self.at.isoformat(),
            "subject": self.subject.as_dict(),
            "pseudonym": self.pseudonym,
            "dry_run": self.dry_run,
            "erased": self.erased,
            "anonymised": self.anonymised,
            "kept": [k.as_dict() for k in self.kept],
            "media_files_left": self.media_files_left,
        }
