"""The researcher's side: submit a report (no account) and follow it with the tracking token;
the public acknowledgements. Each call owns its transaction; the submission is appended to the
audit log and folded into the report's first state in that same transaction."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid

from haven.audit.models import AuditEvent
from haven.disclosure import checks, events
from haven.disclosure.errors import InvalidSecurityReport, UnknownSecurityReport
from haven.disclosure.interfaces import DisclosureStore
from haven.disclosure.models import (
    MAX_ASSET,
    MAX_CONTACT,
    MAX_NAME,
    MAX_TEXT,
    MAX_TITLE,
    REPORT_ID,
    Message,
    Receipt,
    SecurityReport,
    Submission,
)
from haven.disclosure.scoring import Score, Version, score
from haven.disclosure.states import State

RESEARCHER = "public"  # the actor of a submission: researchers have no account
_TOKEN = re.compile(r"hvr_[A-Za-z0-9_-]{43}")
_NOT_FOUND = "no security report with this id and token"


def _digest(token: str) -> str:
    """SHA-256 is enough for 256 random bits (a slow hash guards guessable secrets)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _proposed(vector: str | None, version: Version, field: str) -> Score | None:
    if vector is None or not vector.strip():
        return None
    return score(vector.strip(), version, field=field)


def _submission(
    *,
    title: str,
    description: str,
    asset: str,
    steps: str,
    proposed_cvss31: str | None,
    proposed_cvss40: str | None,
    researcher_name: str | None,
    researcher_contact: str | None,
    acknowledge: bool,
) -> Submission:
    """The checked submission, fields in the form's order (the first problem is named)."""

    def line(value: str | None, field: str, limit: int, *, required: bool = True) -> str | None:
        bad = InvalidSecurityReport
        return checks.text(value, field, limit, bad, multiline=False, required=required)

    def block(value: str, field: str) -> str:
        return str(checks.text(value, field, MAX_TEXT, InvalidSecurityReport, multiline=True))

    checked_title = str(line(title, "title", MAX_TITLE))
    checked_asset = str(line(asset, "asset", MAX_ASSET))
    checked_description, checked_steps = block(description, "description"), block(steps, "steps")
    cvss31 = _proposed(proposed_cvss31, Version.V3_1, "cvss31")
    cvss40 = _proposed(proposed_cvss40, Version.V4_0, "cvss40")
    name = line(researcher_name, "researcher_name", MAX_NAME, required=False)
    contact = line(researcher_contact, "researcher_contact", MAX_CONTACT, required=False)
    if acknowledge and name is None:
        raise InvalidSecurityReport(
            "researcher_name is needed to be named in the acknowledgements", field="researcher_name"
        )
    return Submission(
        checked_title,
        checked_description,
        checked_asset,
        checked_steps,
        name,
        contact,
        acknowledge,
        cvss31,
        cvss40,
    )


def submit(
    store: DisclosureStore,
    *,
    title: str,
    description: str,
    asset: str,
    steps: str,
    proposed_cvss31: str | None = None,
    proposed_cvss40: str | None = None,
    researcher_name: str | None = None,
    researcher_contact: str | None = None,
    acknowledge: bool = False,
) -> Receipt:
    """Accept a researcher's report, or refuse it whole naming the field; the token in the
    receipt is the researcher's only key to the report."""
    submission = _submission(
        title=title,
        description=description,
        asset=asset,
        steps=steps,
        proposed_cvss31=proposed_cvss31,
        proposed_cvss40=proposed_cvss40,
        researcher_name=researcher_name,
        researcher_contact=researcher_contact,
        acknowledge=acknowledge,
    )
    token = f"hvr_{secrets.token_urlsafe(32)}"
    report_id = str(uuid.uuid4())
    p31, p40 = submission.proposed_cvss31, submission.proposed_cvss40
    # Only facts that are neither secret nor personal: the log is kept forever.
    data = {
        "report_id": report_id,
        "acknowledge": acknowledge,
        "proposed_cvss31": p31.vector if p31 else None,
        "proposed_cvss40": p40.vector if p40 else None,
    }
    with store.transaction() as tx:
        entry = tx.audit.append(
            AuditEvent(events.SUBJECT, report_id, events.RECEIVED, RESEARCHER, data)
        )
        triage = events.fold(None, events.RECEIVED, entry.at, data)
        report = SecurityReport(report_id, entry.at, submission, triage)
        tx.security_reports.add(report, _digest(token))
    return Receipt(report, token)


def track(
    store: DisclosureStore, report_id: str, token: str
) -> tuple[SecurityReport, list[Message]]:
    """The researcher's view of their report: the same error for an unknown id and a wrong
    token."""
    if not REPORT_ID.fullmatch(report_id) or not _TOKEN.fullmatch(token):
        raise UnknownSecurityReport(_NOT_FOUND)
    with store.transaction(write=False) as tx:
        report = tx.security_reports.by_token(report_id, _digest(token))
        if report is None:
            raise UnknownSecurityReport(_NOT_FOUND)
        return report, tx.security_reports.messages(report_id)


def acknowledgements(store: DisclosureStore) -> list[SecurityReport]:
    """Resolved reports whose researchers asked to be named (public: nothing unresolved)."""
    with store.transaction(write=False) as tx:
        return [
            r
            for r in tx.security_reports.acknowledged()
            if r.triage.state is State.RESOLVED and r.submission.acknowledge
        ]
