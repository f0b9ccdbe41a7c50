"""The stores the privacy package needs, as Protocols; ``haven.store`` implements them."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from haven.audit.interfaces import AuditLog
from haven.audit.models import AuditEntry
from haven.cases.interfaces import Cases, Reports
from haven.cases.models import Appeal, Report
from haven.clock import Clock
from haven.content.interfaces import ContentStore
from haven.decisions.interfaces import DecisionsStore
from haven.jobs.interfaces import JobsStore
from haven.privacy.models import Hold, Wellbeing
from haven.privacy.pseudonyms import Person
from haven.wellbeing.interfaces import WellbeingRepository


@dataclass(frozen=True)
class Purged:
    """What one retention rule removed (or, in a dry run, would remove)."""

    rows: int
    media_files: list[str] = field(default_factory=list)  # relative to the media folder


class PrivacyRepository(Protocol):
    # --- finding a person's records ------------------------------------------------------------
    def authored(self, platform: str, user_id: str) -> list[str]:
        """Ids of the content the user submitted on the platform, oldest first."""
        ...

    def evidence(self, content_id: str) -> list[dict[str, Any]]: ...
    def appeals_on(self, content_id: str) -> list[Appeal]: ...
    def impressions(self, content_id: str) -> list[dict[str, Any]]: ...
    def holds(self, content_ids: Sequence[str]) -> dict[str, Hold]: ...

    def reports_by(self, platform: str, user_id: str | None, email: str | None) -> list[Report]:
        """Notices filed by the signed-in user, or naming the email (any case)."""
        ...

    def appeals_by_notifier(self, report_ids: Sequence[str]) -> list[Appeal]: ...
    def wellbeing(self, platform: str, user_id: str) -> Wellbeing: ...
    def suspensions(self, platform: str, user_id: str) -> list[dict[str, Any]]: ...

    # --- pseudonyms and the audit entries that carry them ----------------------------------
    def pseudonym(self, person: Person, *, create: bool) -> str | None:
        """The person's pseudonym; a new key is made only when ``create``."""
        ...

    def forget(self, person: Person) -> int:
        """Delete the person's key and the index of their entries; keys deleted (0 or 1)."""
        ...

    def audit_carrying(self, pseudonym: str) -> list[AuditEntry]: ...
    def audit_about(self, subjects: Sequence[tuple[str, str]]) -> list[AuditEntry]: ...

    # --- erasure -------------------------------------------------------------------------------
    def delete_content(self, content_ids: Sequence[str]) -> dict[str, int]:
        """Delete the content and everything that hangs off it; rows deleted per table."""
        ...

    def anonymise_reports(self, report_ids: Sequence[str]) -> int: ...
    def anonymise_appeals(self, appeal_ids: Sequence[str]) -> int: ...

    def delete_wellbeing(
        self,
        platform: str,
        user_id: str,
        *,
        link_ids: Sequence[str],
        partner_notice_ids: Sequence[int],
    ) -> dict[str, int]: ...

    def pseudonymise_suspensions(self, suspension_ids: Sequence[str], pseudonym: str) -> int: ...

    # --- retention -----------------------------------------------------------------------------
    def purge(self, kind: str, *, before: datetime) -> Purged:
        """Apply the retention rule ``kind`` to what is older than ``before`` (a rule of
        ``haven.privacy.retention.KINDS``); content under a legal hold is never touched."""
        ...


class PrivacyTransaction(Protocol):
    privacy: PrivacyRepository
    audit: AuditLog
    content: ContentStore
    decisions: DecisionsStore
    cases: Cases
    reports: Reports
    jobs: JobsStore
    wellbeing: WellbeingRepository


class PrivacyStore(Protocol):
    clock: Clock

    def transaction(
        self, *, snapshot: bool = False, write: bool = True
    ) -> AbstractContextManager[PrivacyTransaction]: ...
