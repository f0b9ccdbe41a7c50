"""Erasure (GDPR Art. 17): what goes, what is anonymised, what stays and on which basis.

Erased: the person's content (its text, author, external id, region, age band and stored
upload), the reasons, facts, evidence and case notes of the decisions on it and the identities
and words of the notices and appeals about it; the record of the moderation itself stays, naming
and quoting no one, because the DSA's transparency report and statements of reasons count it
(GDPR Art. 17(3)(b)). Deleted: their well-being records and Family Pairing links (and the other
side's notices that name them), and their pseudonym keys. Anonymised: notices and appeals they
filed about other people's content (the decision on that content still rests on them), and
suspensions (kept for the DSA Art. 24 counts under a pseudonym whose key goes). Kept: content
under a legal hold with its records, and the audit log, whose entries name them only by the
pseudonym whose key is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from haven.audit.models import AuditEvent
from haven.privacy.gather import people, pseudonym_of
from haven.privacy.interfaces import PrivacyTransaction
from haven.privacy.models import (
    AUDIT_BASIS,
    AUDIT_WHY,
    LEGACY_AUDIT_WHY,
    LEGAL_HOLD_BASIS,
    Kept,
    PersonalData,
)


@dataclass(frozen=True)
class Plan:
    content_ids: list[str]  # their personal data erased; the moderation record stays
    media_files: list[str]  # their stored uploads, deleted after the commit
    report_ids: list[str]  # notices they filed, anonymised
    appeal_ids: list[str]  # appeals they filed as a notifier, anonymised
    link_ids: list[str]
    partner_notice_ids: list[int]
    suspension_ids: list[str]
    kept: list[Kept]


def _kept_audit(data: PersonalData) -> list[Kept]:
    kept = []
    current = len(data.audit) - data.legacy_audit
    if current:
        kept.append(Kept("audit_entries", AUDIT_WHY, AUDIT_BASIS, count=current))
    if data.legacy_audit:
        kept.append(
            Kept(
                "audit_entries_before_pseudonyms",
                LEGACY_AUDIT_WHY,
                AUDIT_BASIS,
                count=data.legacy_audit,
            )
        )
    return kept


def plan(data: PersonalData) -> Plan:
    """Decide, from what was gathered, what the erasure does to each record."""
    gone = {a.item.id for a in data.content if a.hold is None}
    kept = [
        Kept("content", f"under a legal hold ({a.hold.reason})", LEGAL_HOLD_BASIS, id=a.item.id)
        for a in data.content
        if a.hold is not None
    ]
    reports, appeals = [], []
    for report in data.reports:
        content_id = report.notice.content_id
        if content_id in data.holds:
            why = "a notice about content under a legal hold"
            kept.append(Kept("report", why, LEGAL_HOLD_BASIS, id=report.id))
        elif content_id not in gone:  # on their own content it goes with the content
            reports.append(report.id)
    for filed in data.appeals:
        if filed.content_id in data.holds:
            why = "an appeal about content under a legal hold"
            kept.append(Kept("appeal", why, LEGAL_HOLD_BASIS, id=filed.id))
        elif filed.content_id not in gone:
            appeals.append(filed.id)
    wb = data.wellbeing
    return Plan(
        content_ids=[a.item.id for a in data.content if a.hold is None],
        media_files=[
            a.item.media_path for a in data.content if a.hold is None and a.item.media_path
        ],
        report_ids=reports,
        appeal_ids=appeals,
        link_ids=[link.record["id"] for link in wb.links],
        partner_notice_ids=[n["id"] for n in wb.partner_notices],
        suspension_ids=[s["id"] for s in data.suspensions],
        kept=kept + _kept_audit(data),
    )


def _kept_counts(kept: list[Kept]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in kept:
        counts[item.kind] = counts.get(item.kind, 0) + (item.count if item.count is not None else 1)
    return counts


def _tell_partners(tx: PrivacyTransaction, data: PersonalData, now: datetime) -> None:
    """The other side of each active Family Pairing link learns that it ended (a parent
    always learns that the teen's controls are gone), without being told who was erased."""
    user_id = data.subject.user_id
    for link in data.wellbeing.links:
        record = link.record
        if record["ended_at"] is None:
            other = record["teen_id"] if record["parent_id"] == user_id else record["parent_id"]
            tx.wellbeing.add_notice(
                data.subject.platform, other, "pairing.unlinked", now, {"by": "erasure"}
            )


def apply(
    tx: PrivacyTransaction,
    data: PersonalData,
    todo: Plan,
    *,
    actor: str,
    erasure_id: str,
    now: datetime,
) -> tuple[str, dict[str, int], dict[str, int]]:
    """Carry out the plan in the caller's transaction and audit it under the person's
    pseudonym (never their id); the pseudonym, and the rows erased and anonymised per kind.
    The person's keys go last: after that nothing links them to the entries that stay."""
    subject = data.subject
    alias = pseudonym_of(tx, subject)
    erased = tx.privacy.redact_content(todo.content_ids)
    if subject.user_id is not None:
        erased |= tx.privacy.delete_wellbeing(
            subject.platform,
            subject.user_id,
            link_ids=todo.link_ids,
            partner_notice_ids=todo.partner_notice_ids,
        )
        _tell_partners(tx, data, now)
    anonymised = {
        "reports_filed": tx.privacy.anonymise_reports(todo.report_ids),
        "appeals_filed": tx.privacy.anonymise_appeals(todo.appeal_ids),
        "suspensions": tx.privacy.pseudonymise_suspensions(todo.suspension_ids, alias),
    }
    tx.audit.append(
        AuditEvent(
            "privacy_subject",
            alias,
            "privacy.erased",
            actor,
            {
                "erasure": erasure_id,
                "erased": erased,
                "anonymised": anonymised,
                # Counts only: a held content id here would link the pseudonym back to the
                # author named in the held row.
                "kept": _kept_counts(todo.kept),
            },
        )
    )
    erased["pseudonym_keys"] = sum(tx.privacy.forget(person) for person in people(subject))
    return alias, erased, anonymised
