"""The records of the disclosure programme: what a researcher submits, the triage state folded
from the report's events, and the messages staff send the researcher."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from haven.disclosure.scoring import Score, Severity, governing
from haven.disclosure.states import State

# Field limits, shared by the API's request models and the service's own checks.
MAX_TITLE = 200
MAX_TEXT = 20_000  # description and steps: room for a proof of concept, not for a dump
MAX_ASSET = 500
MAX_NAME = 200
MAX_CONTACT = 320  # the longest email address
MAX_MESSAGE = 10_000
REPORT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # uuid4


@dataclass(frozen=True)
class Submission:
    """A researcher's report as given. ``acknowledge`` is the consent to be named, with
    ``researcher_name``, in the public acknowledgements once the report is resolved."""

    title: str
    description: str
    asset: str
    steps: str
    researcher_name: str | None = None
    researcher_contact: str | None = None
    acknowledge: bool = False
    proposed_cvss31: Score | None = None
    proposed_cvss40: Score | None = None

    @property
    def proposed_severity(self) -> Severity | None:
        return governing(self.proposed_cvss31, self.proposed_cvss40)


@dataclass(frozen=True)
class Triage:
    """The report's state as staff moved it: the projection of its events
    (``haven.disclosure.events.fold``), rebuildable from the audit log."""

    report_id: str
    state: State
    updated_at: datetime
    duplicate_of: str | None = None
    cvss31: Score | None = None
    cvss40: Score | None = None
    first_response_at: datetime | None = None  # first message or state change
    triaged_at: datetime | None = None  # first left ``new``
    closed_at: datetime | None = None  # entered a closed state (cleared when reopened)
    resolved_at: datetime | None = None

    @property
    def severity(self) -> Severity | None:
        """The severity staff assessed; None until scored."""
        return governing(self.cvss31, self.cvss40)


@dataclass(frozen=True)
class SecurityReport:
    id: str
    received_at: datetime
    submission: Submission
    triage: Triage

    @property
    def severity(self) -> Severity | None:
        """Staff's assessment, else the researcher's proposal (until staff score it), else
        None: what the service levels are held to."""
        return self.triage.severity or self.submission.proposed_severity


@dataclass(frozen=True)
class Message:
    """What staff wrote to the researcher (shown on the tracking page; never in the audit
    log, which keeps only that a message was sent)."""

    report_id: str
    at: datetime
    author: str  # the staff member's actor id; researchers see "the security team"
    body: str
    id: int | None = None  # given by the store, in the order messages were sent


@dataclass(frozen=True)
class Receipt:
    """The answer to a submission. ``token`` is shown this once; only its hash is kept."""

    report: SecurityReport
    token: str
