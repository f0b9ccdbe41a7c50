"""Gathering everything Haven holds about a person, inside one transaction: the one reading
that both the export and the erasure start from, so they can never disagree."""

from __future__ import annotations

import json
from dataclasses import replace

from haven.audit.models import AuditEntry
from haven.cases.models import Appeal, Report
from haven.privacy.interfaces import PrivacyTransaction
from haven.privacy.models import Authored, PersonalData, Subject, Wellbeing
from haven.privacy.pseudonyms import PERSON_SUBJECTS, Person, names_person, subject_forms


def people(subject: Subject) -> list[Person]:
    """The pseudonym keys that may stand for the subject, the main one first (the user id
    when there is one)."""
    found = []
    if subject.user_id is not None:
        forms = subject_forms(subject.platform, subject.user_id)
        found += [Person(subject.platform, "user", form) for form in forms]
    if subject.email is not None:
        found.append(Person(subject.platform, "email", subject.email))
    return found


def pseudonym_of(tx: PrivacyTransaction, subject: Subject) -> str:
    """The subject's main pseudonym, with a new key if they had none (to audit a request
    about them under it)."""
    alias = tx.privacy.pseudonym(people(subject)[0], create=True)
    if alias is None:  # create=True always gives one; a store that does not is broken
        raise RuntimeError("the store made no pseudonym key")
    return alias


def _authored(tx: PrivacyTransaction, content_id: str) -> Authored:
    return Authored(
        item=tx.content.get(content_id),
        decisions=tx.decisions.history(content_id),
        evidence=tx.privacy.evidence(content_id),
        case=tx.cases.get(content_id),
        notices=tx.reports.for_content(content_id),
        appeals=tx.privacy.appeals_on(content_id),
        impressions=tx.privacy.impressions(content_id),
        hold=None,
    )


def gather(tx: PrivacyTransaction, subject: Subject) -> PersonalData:
    user = subject.user_id
    content_ids = tx.privacy.authored(subject.platform, user) if user is not None else []
    reports = tx.privacy.reports_by(subject.platform, user, subject.email)
    holds = tx.privacy.holds(sorted({*content_ids, *(r.notice.content_id for r in reports)}))
    content = [replace(_authored(tx, c), hold=holds.get(c)) for c in content_ids]
    appeals = tx.privacy.appeals_by_notifier([r.id for r in reports])
    wellbeing = tx.privacy.wellbeing(subject.platform, user) if user is not None else Wellbeing()
    suspensions = tx.privacy.suspensions(subject.platform, user) if user is not None else []
    pseudonyms = {
        person.kind: alias
        for person in reversed(people(subject))  # the whole id wins over its cut form
        if (alias := tx.privacy.pseudonym(person, create=False)) is not None
    }
    entries, legacy = _audit(tx, subject, content, reports, appeals, wellbeing)
    return PersonalData(
        subject=subject,
        content=content,
        reports=reports,
        appeals=appeals,
        holds=holds,
        wellbeing=wellbeing,
        suspensions=suspensions,
        pseudonyms=pseudonyms,
        audit=entries,
        legacy_audit=legacy,
    )


def _audit(
    tx: PrivacyTransaction,
    subject: Subject,
    content: list[Authored],
    reports: list[Report],
    appeals: list[Appeal],
    wellbeing: Wellbeing,
) -> tuple[list[AuditEntry], int]:
    """The audit entries about or by the person, in log order, and how many of them carry
    their identifier as written (entries from before pseudonyms)."""
    found: dict[int, AuditEntry] = {}
    for person in people(subject):
        alias = tx.privacy.pseudonym(person, create=False)
        if alias is not None:
            found.update((e.seq, e) for e in tx.privacy.audit_carrying(alias))
            found.update((e.seq, e) for e in tx.privacy.audit_about([("privacy_subject", alias)]))
    about = [("content", a.item.id) for a in content]
    about += [("pairing", link.record["id"]) for link in wellbeing.links]
    identifiers: set[str] = set()
    if subject.user_id is not None:
        forms = subject_forms(subject.platform, subject.user_id)
        identifiers = set(forms)
        about += [
            (kind, f"{subject.platform}/{form}") for kind in PERSON_SUBJECTS for form in forms
        ]
    found.update((e.seq, e) for e in tx.privacy.audit_about(about))
    # Notices and appeals they filed on someone else's content: that content's entries that
    # name the report or the appeal.
    mine = {r.id for r in reports} | {a.id for a in appeals}
    others = sorted({r.notice.content_id for r in reports} - {a.item.id for a in content})
    for entry in tx.privacy.audit_about([("content", c) for c in others]):
        payload = json.loads(entry.payload_json)
        if payload.get("report_id") in mine or payload.get("appeal_id") in mine:
            found[entry.seq] = entry
    entries = [found[seq] for seq in sorted(found)]
    legacy = sum(
        1
        for e in entries
        if identifiers and names_person(e.payload_json, e.subject_id, e.actor, identifiers)
    )
    return entries, legacy
