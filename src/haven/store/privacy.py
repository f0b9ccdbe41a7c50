"""Privacy in SQL: the pseudonym keys behind the audit log (``SqlPseudonyms``), and finding,
erasing and purging a person's rows (``SqlPrivacy``, implements
``haven.privacy.interfaces.PrivacyRepository``). Core statements throughout: these touch many
tables by id, in bulk, and return plain records."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from haven.audit.models import AuditEntry, AuditEvent
from haven.cases.models import Appeal, AppealStatus, CaseStatus, Report
from haven.clock import Clock
from haven.jobs.models import JobState
from haven.privacy.interfaces import Purged
from haven.privacy.models import ERASED_TEXT, Hold, Link, Wellbeing
from haven.privacy.pseudonyms import Person, new_secret, pseudonym, pseudonymise, search_forms
from haven.store.audit_rows import entry_of
from haven.store.cases import SqlReports, _appeal
from haven.store.tables import (
    AppealRow,
    AttemptRow,
    AuditEventRow,
    AuditReferenceRow,
    AuthorityReportRow,
    CaseRow,
    ContentRow,
    DecisionRow,
    EvidenceRow,
    GrantRow,
    ImpressionRow,
    JobRow,
    LegalHoldRow,
    NoticeRow,
    PairingCodeRow,
    PairingLinkRow,
    PseudonymKeyRow,
    ReportRow,
    StaffTokenRow,
    SuspensionRow,
    TimeRequestRow,
    UsageEventRow,
    WellbeingUserRow,
)

_KEYS = PseudonymKeyRow.__table__
_REFS = AuditReferenceRow.__table__
_EVENTS = AuditEventRow.__table__
_CONTENT = ContentRow.__table__
_DECISIONS = DecisionRow.__table__
_EVIDENCE = EvidenceRow.__table__
_REPORTS = ReportRow.__table__
_APPEALS = AppealRow.__table__
_CASES = CaseRow.__table__
_HOLDS = LegalHoldRow.__table__
_DRAFTS = AuthorityReportRow.__table__
_IMPRESSIONS = ImpressionRow.__table__
_JOBS = JobRow.__table__
_USERS = WellbeingUserRow.__table__
_USAGE = UsageEventRow.__table__
_GRANTS = GrantRow.__table__
_NOTICES = NoticeRow.__table__
_ATTEMPTS = AttemptRow.__table__
_CODES = PairingCodeRow.__table__
_LINKS = PairingLinkRow.__table__
_REQUESTS = TimeRequestRow.__table__
_SUSPENSIONS = SuspensionRow.__table__
_TOKENS = StaffTokenRow.__table__
CHUNK = 500  # ids per IN list: far below SQLite's limit on bound parameters
WEBHOOK_JOB = "deliver_webhook"


def _chunks(ids: Sequence[Any]) -> Iterator[list[Any]]:
    items = list(ids)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _row(row: Any, *skip: str) -> dict[str, Any]:
    return {k: v for k, v in row._mapping.items() if k not in skip}


class SqlPseudonyms:
    """The keys behind the audit log's pseudonyms, used by ``SqlAuditLog`` as each event is
    appended (after it holds the chain head's lock, so appends never race for a new key)."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def name(self, person: Person, *, create: bool = True) -> str | None:
        where = (
            (_KEYS.c.platform == person.platform)
            & (_KEYS.c.kind == person.kind)
            & (_KEYS.c.identifier == person.identifier)
        )
        secret = self._session.execute(select(_KEYS.c.secret).where(where)).scalar()
        if secret is None:
            if not create:
                return None
            # An export or an erasure may make the same key at the same moment as an append.
            dialect = self._session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            self._session.execute(
                insert(_KEYS)
                .values(
                    platform=person.platform,
                    kind=person.kind,
                    identifier=person.identifier,
                    secret=new_secret(),
                    created_at=self._clock.now(),
                )
                .on_conflict_do_nothing()
            )
            secret = self._session.execute(select(_KEYS.c.secret).where(where)).scalar_one()
        return pseudonym(secret, person)

    def platform_of(self, subject_type: str, subject_id: str) -> str | None:
        if subject_type != "pairing":
            return None
        return self._session.execute(
            select(_LINKS.c.platform).where(_LINKS.c.id == subject_id)
        ).scalar()

    def _alias(self, person: Person) -> str:
        alias = self.name(person, create=True)
        if alias is None:  # name() with create=True always returns one
            raise RuntimeError(f"no pseudonym key could be made for a {person.kind}")
        return alias

    def apply(self, event: AuditEvent) -> tuple[AuditEvent, set[str]]:
        return pseudonymise(event, self._alias, self.platform_of)

    def note(self, aliases: set[str], seq: int) -> None:
        """Index the entry under each pseudonym it carries."""
        if aliases:
            self._session.execute(
                _REFS.insert(), [{"pseudonym": a, "seq": seq} for a in sorted(aliases)]
            )

    def search_forms(self, subject_type: str, subject_id: str) -> list[str]:
        return search_forms(subject_type, subject_id, lambda p: self.name(p, create=False))


class SqlPrivacy:
    """A person's rows across the tables, by platform and user id or email; their erasure;
    the retention rules' deletes (``purge``)."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self.pseudonyms = SqlPseudonyms(session, clock)

    # --- finding a person's records ------------------------------------------------------------
    def authored(self, platform: str, user_id: str) -> list[str]:
        return list(
            self._session.scalars(
                select(_CONTENT.c.id)
                .where(_CONTENT.c.platform == platform, _CONTENT.c.author_id == user_id)
                .order_by(_CONTENT.c.submitted_at, _CONTENT.c.id)
            )
        )

    def evidence(self, content_id: str) -> list[dict[str, Any]]:
        return list(
            self._session.scalars(
                select(_EVIDENCE.c.report)
                .join(_DECISIONS, _DECISIONS.c.id == _EVIDENCE.c.decision_id)
                .where(_EVIDENCE.c.content_id == content_id)
                .order_by(_DECISIONS.c.version)
            )
        )

    def appeals_on(self, content_id: str) -> list[Appeal]:
        rows = self._session.scalars(
            select(AppealRow)
            .where(AppealRow.content_id == content_id)
            .order_by(AppealRow.received_at, AppealRow.id)
        )
        return [_appeal(r) for r in rows]

    def impressions(self, content_id: str) -> list[dict[str, Any]]:
        rows = self._session.execute(
            select(
                _IMPRESSIONS.c.at,
                _IMPRESSIONS.c.count,
                _IMPRESSIONS.c.tier,
                _IMPRESSIONS.c.garm_category,
            )
            .where(_IMPRESSIONS.c.content_id == content_id)
            .order_by(_IMPRESSIONS.c.id)
        )
        return [_row(r) for r in rows]

    def holds(self, content_ids: Sequence[str]) -> dict[str, Hold]:
        found = {}
        for chunk in _chunks(content_ids):
            for row in self._session.execute(select(_HOLDS).where(_HOLDS.c.content_id.in_(chunk))):
                found[row.content_id] = Hold(row.reason, row.placed_at)
        return found

    def reports_by(self, platform: str, user_id: str | None, email: str | None) -> list[Report]:
        matches = []
        if user_id is not None:
            matches.append(_REPORTS.c.reporter_id == user_id)
        if email is not None:
            # Emails are matched whatever their case: "Ana@Example.org" is the same notifier.
            matches.append(func.lower(_REPORTS.c.notifier_email) == email.lower())
        ids = self._session.scalars(
            select(_REPORTS.c.id)
            .where(_REPORTS.c.platform == platform, or_(*matches))
            .order_by(_REPORTS.c.received_at, _REPORTS.c.id)
        )
        reports = SqlReports(self._session)
        return [r for report_id in list(ids) if (r := reports.get(report_id)) is not None]

    def appeals_by_notifier(self, report_ids: Sequence[str]) -> list[Appeal]:
        found = []
        for chunk in _chunks(report_ids):
            found += self._session.scalars(
                select(AppealRow).where(
                    AppealRow.appellant_kind == "notifier", AppealRow.appellant_id.in_(chunk)
                )
            )
        return [_appeal(r) for r in sorted(found, key=lambda r: (r.received_at, r.id))]

    def wellbeing(self, platform: str, user_id: str) -> Wellbeing:
        def rows(table: Table, *where: Any, order: Any, skip: tuple[str, ...] = ()) -> list[Any]:
            query = select(table).where(table.c.platform == platform, *where).order_by(order)
            return [_row(r, "platform", *skip) for r in self._session.execute(query)]

        user = self._session.execute(
            select(_USERS).where(_USERS.c.platform == platform, _USERS.c.user_id == user_id)
        ).first()
        profile = None
        if user is not None:
            profile = _row(user, "platform", "passcode_hash")
            profile["passcode_set"] = user.passcode_hash is not None
        links = [
            Link(
                {**_row(r, "platform", "parent_passcode_hash")}
                | {"parent_passcode_set": r.parent_passcode_hash is not None},
                [
                    _row(q, "link_id")
                    for q in self._session.execute(
                        select(_REQUESTS)
                        .where(_REQUESTS.c.link_id == r.id)
                        .order_by(_REQUESTS.c.requested_at)
                    )
                ],
            )
            for r in self._session.execute(
                select(_LINKS)
                .where(
                    _LINKS.c.platform == platform,
                    or_(_LINKS.c.parent_id == user_id, _LINKS.c.teen_id == user_id),
                )
                .order_by(_LINKS.c.created_at)
            )
        ]
        partners = sorted(
            {v for link in links for v in (link.record["parent_id"], link.record["teen_id"])}
            - {user_id}
        )
        partner_notices = [
            n
            for n in rows(_NOTICES, _NOTICES.c.user_id.in_(partners), order=_NOTICES.c.id)
            if user_id in (v for v in n["payload"].values() if isinstance(v, str))
        ]
        return Wellbeing(
            profile=profile,
            usage_events=rows(
                _USAGE, _USAGE.c.user_id == user_id, order=_USAGE.c.at, skip=("user_id",)
            ),
            grants=rows(
                _GRANTS, _GRANTS.c.user_id == user_id, order=_GRANTS.c.id, skip=("user_id",)
            ),
            notices=rows(
                _NOTICES, _NOTICES.c.user_id == user_id, order=_NOTICES.c.id, skip=("user_id",)
            ),
            attempts=rows(
                _ATTEMPTS,
                _ATTEMPTS.c.subject.in_(_attempt_subjects(user_id)),
                order=_ATTEMPTS.c.id,
            ),
            codes=rows(
                _CODES,
                _CODES.c.parent_id == user_id,
                order=_CODES.c.created_at,
                skip=("code_hash", "parent_id"),
            ),
            links=links,
            partner_notices=partner_notices,
        )

    def suspensions(self, platform: str, user_id: str) -> list[dict[str, Any]]:
        rows = self._session.execute(
            select(_SUSPENSIONS)
            .where(_SUSPENSIONS.c.platform == platform, _SUSPENSIONS.c.subject_id == user_id)
            .order_by(_SUSPENSIONS.c.starts_at)
        )
        return [_row(r, "platform") for r in rows]

    # --- pseudonyms and the audit entries that carry them ----------------------------------
    def pseudonym(self, person: Person, *, create: bool) -> str | None:
        return self.pseudonyms.name(person, create=create)

    def forget(self, person: Person) -> int:
        alias = self.pseudonyms.name(person, create=False)
        if alias is None:
            return 0
        self._session.execute(delete(_REFS).where(_REFS.c.pseudonym == alias))
        return self._session.execute(
            delete(_KEYS).where(
                _KEYS.c.platform == person.platform,
                _KEYS.c.kind == person.kind,
                _KEYS.c.identifier == person.identifier,
            )
        ).rowcount

    def audit_carrying(self, pseudonym: str) -> list[AuditEntry]:
        seqs = select(_REFS.c.seq).where(_REFS.c.pseudonym == pseudonym)
        rows = self._session.execute(
            select(_EVENTS).where(_EVENTS.c.seq.in_(seqs)).order_by(_EVENTS.c.seq)
        )
        return [entry_of(r) for r in rows]

    def audit_about(self, subjects: Sequence[tuple[str, str]]) -> list[AuditEntry]:
        by_type: dict[str, list[str]] = {}
        for subject_type, subject_id in subjects:
            by_type.setdefault(subject_type, []).append(subject_id)
        found: dict[int, AuditEntry] = {}
        for subject_type, ids in by_type.items():
            for chunk in _chunks(sorted(set(ids))):
                rows = self._session.execute(
                    select(_EVENTS).where(
                        _EVENTS.c.subject_type == subject_type, _EVENTS.c.subject_id.in_(chunk)
                    )
                )
                found.update((r.seq, entry_of(r)) for r in rows)
        return [found[seq] for seq in sorted(found)]

    # --- erasure -------------------------------------------------------------------------------
    def _delete(self, table: Table, where: Any) -> Purged:
        return Purged(self._session.execute(delete(table).where(where)).rowcount)

    def _delete_in(self, table: Table, column: Any, ids: Sequence[Any]) -> int:
        return sum(
            self._session.execute(delete(table).where(column.in_(chunk))).rowcount
            for chunk in _chunks(ids)
        )

    def delete_content(self, content_ids: Sequence[str]) -> dict[str, int]:
        """In the order the foreign keys ask. Content under a legal hold is never passed here;
        if it were, its ``legal_holds`` row would make the delete fail, all or nothing."""
        decision_ids, job_ids = [], set()
        for chunk in _chunks(content_ids):
            for decision_id, job_id in self._session.execute(
                select(_DECISIONS.c.id, _DECISIONS.c.job_id).where(
                    _DECISIONS.c.content_id.in_(chunk)
                )
            ):
                decision_ids.append(decision_id)
                if job_id is not None:
                    job_ids.add(job_id)
        for chunk in _chunks([*content_ids, *decision_ids]):
            job_ids.update(
                self._session.scalars(select(_JOBS.c.id).where(_JOBS.c.subject_id.in_(chunk)))
            )
        counts = {
            "appeals_on_content": self._delete_in(_APPEALS, _APPEALS.c.content_id, content_ids),
            "evidence": self._delete_in(_EVIDENCE, _EVIDENCE.c.content_id, content_ids),
            "authority_reports": self._delete_in(_DRAFTS, _DRAFTS.c.content_id, content_ids),
            "ad_impressions": self._delete_in(_IMPRESSIONS, _IMPRESSIONS.c.content_id, content_ids),
            "notices_on_content": self._delete_in(_REPORTS, _REPORTS.c.content_id, content_ids),
            "cases": self._delete_in(_CASES, _CASES.c.content_id, content_ids),
            "decisions": self._delete_in(_DECISIONS, _DECISIONS.c.id, decision_ids),
            "jobs": self._delete_in(_JOBS, _JOBS.c.id, sorted(job_ids)),
        }
        counts["content"] = self._delete_in(_CONTENT, _CONTENT.c.id, content_ids)
        return counts

    def redact_content(self, content_ids: Sequence[str]) -> dict[str, int]:
        """Erase the personal data of content while the record of its moderation stays: the
        decisions (what was restricted, when, on which ground and rule, how automated), the
        notices and appeals about it (category, kind, times, outcome) and the impressions. The
        DSA's transparency report and statements of reasons count them (GDPR Art. 17(3)(b));
        nothing left names or quotes the person. The text, author, external id, region, age
        band and upload go; reasons, facts, evidence and case notes are erased."""
        decisions = 0
        for chunk in _chunks(content_ids):
            for decision_id, treatments, explanation in self._session.execute(
                select(_DECISIONS.c.id, _DECISIONS.c.treatments, _DECISIONS.c.explanation).where(
                    _DECISIONS.c.content_id.in_(chunk)
                )
            ).all():
                self._session.execute(
                    update(_DECISIONS)
                    .where(_DECISIONS.c.id == decision_id)
                    .values(
                        treatments=[
                            {**t, "reason": ERASED_TEXT, "params": {}, "evidence": []}
                            for t in treatments
                        ],
                        explanation=ERASED_TEXT if explanation else "",
                        notes=[],
                    )
                )
                decisions += 1
        counts = {
            "evidence": self._delete_in(_EVIDENCE, _EVIDENCE.c.content_id, content_ids),
            "authority_reports": self._delete_in(_DRAFTS, _DRAFTS.c.content_id, content_ids),
            "cases": self._delete_in(_CASES, _CASES.c.content_id, content_ids),
            "decisions": decisions,
            "notices_on_content": self._update_in(
                _REPORTS,
                _REPORTS.c.content_id,
                content_ids,
                reporter_id=None,
                notifier_name=None,
                notifier_email=None,
                location_url=None,
                explanation=ERASED_TEXT,
            ),
            "appeals_on_content": self._update_in(
                _APPEALS,
                _APPEALS.c.content_id,
                content_ids,
                appellant_id="erased",
                reason=ERASED_TEXT,
            ),
        }
        self._update_in(_JOBS, _JOBS.c.subject_id, content_ids, error=None)
        counts["content"] = self._update_in(
            _CONTENT,
            _CONTENT.c.id,
            content_ids,
            text=None,
            author_id=None,
            external_id=None,
            region=None,
            author_age_band="unknown",
            media_sha256=None,
            media_path=None,
        )
        return counts

    def _update_in(self, table: Table, column: Any, ids: Sequence[Any], **values: Any) -> int:
        return sum(
            self._session.execute(update(table).where(column.in_(chunk)).values(**values)).rowcount
            for chunk in _chunks(ids)
        )

    def anonymise_reports(self, report_ids: Sequence[str]) -> int:
        return sum(
            self._session.execute(
                update(_REPORTS)
                .where(_REPORTS.c.id.in_(chunk))
                .values(
                    reporter_id=None,
                    notifier_name=None,
                    notifier_email=None,
                    location_url=None,
                    explanation=ERASED_TEXT,
                )
            ).rowcount
            for chunk in _chunks(report_ids)
        )

    def anonymise_appeals(self, appeal_ids: Sequence[str]) -> int:
        return sum(
            self._session.execute(
                update(_APPEALS).where(_APPEALS.c.id.in_(chunk)).values(reason=ERASED_TEXT)
            ).rowcount
            for chunk in _chunks(appeal_ids)
        )

    def delete_wellbeing(
        self,
        platform: str,
        user_id: str,
        *,
        link_ids: Sequence[str],
        partner_notice_ids: Sequence[int],
    ) -> dict[str, int]:
        def mine(table: Table, column: Any) -> int:
            return self._delete(table, (table.c.platform == platform) & (column == user_id)).rows

        return {
            "time_requests": self._delete_in(_REQUESTS, _REQUESTS.c.link_id, link_ids),
            "pairing_links": self._delete_in(_LINKS, _LINKS.c.id, link_ids),
            "partner_notices": self._delete_in(_NOTICES, _NOTICES.c.id, partner_notice_ids),
            "notices": mine(_NOTICES, _NOTICES.c.user_id),
            "grants": mine(_GRANTS, _GRANTS.c.user_id),
            "usage_events": mine(_USAGE, _USAGE.c.user_id),
            "pairing_codes": mine(_CODES, _CODES.c.parent_id),
            "guess_attempts": self._delete(
                _ATTEMPTS,
                (_ATTEMPTS.c.platform == platform)
                & _ATTEMPTS.c.subject.in_(_attempt_subjects(user_id)),
            ).rows,
            "wellbeing_profiles": mine(_USERS, _USERS.c.user_id),
        }

    def pseudonymise_suspensions(self, suspension_ids: Sequence[str], pseudonym: str) -> int:
        return sum(
            self._session.execute(
                update(_SUSPENSIONS)
                .where(_SUSPENSIONS.c.id.in_(chunk))
                .values(subject_id=pseudonym)
            ).rowcount
            for chunk in _chunks(suspension_ids)
        )

    # --- retention -----------------------------------------------------------------------------
    def purge(self, kind: str, *, before: datetime) -> Purged:
        if kind in _DELETES:
            table, where = _DELETES[kind](before)
            return self._delete(table, where)
        if kind in _PURGES:
            return _PURGES[kind](self, before)
        raise ValueError(f"the store has no retention rule {kind!r}")

    @staticmethod
    def kinds() -> set[str]:
        return set(_DELETES) | set(_PURGES)

    def _unheld(self, column: Any) -> Any:
        return column.not_in(select(_HOLDS.c.content_id))

    def _no_open_appeal(self, column: Any) -> Any:
        return column.not_in(
            select(_APPEALS.c.content_id).where(_APPEALS.c.status == AppealStatus.OPEN.value)
        )

    def _purge_ended_links(self, before: datetime) -> Purged:
        ended = list(self._session.scalars(select(_LINKS.c.id).where(_LINKS.c.ended_at < before)))
        self._delete_in(_REQUESTS, _REQUESTS.c.link_id, ended)
        return Purged(self._delete_in(_LINKS, _LINKS.c.id, ended))

    def _purge_notifier_identity(self, before: datetime) -> Purged:
        """The notifier's name, email and user id, once the notice's case has been closed for
        the period and no appeal is open (they are told the outcome; then they are not
        needed)."""
        closed = select(_CASES.c.content_id).where(
            _CASES.c.status == CaseStatus.CLOSED.value, _CASES.c.updated_at < before
        )
        changed = self._session.execute(
            update(_REPORTS)
            .where(
                _REPORTS.c.content_id.in_(closed),
                self._unheld(_REPORTS.c.content_id),
                self._no_open_appeal(_REPORTS.c.content_id),
                or_(
                    _REPORTS.c.notifier_name.is_not(None),
                    _REPORTS.c.notifier_email.is_not(None),
                    _REPORTS.c.reporter_id.is_not(None),
                ),
            )
            .values(reporter_id=None, notifier_name=None, notifier_email=None)
        )
        return Purged(changed.rowcount)

    def _latest_decisions(self, before: datetime) -> Any:
        """Each content's latest decision, made before ``before``, on content not held and
        without an open appeal."""
        latest = (
            select(_DECISIONS.c.content_id, func.max(_DECISIONS.c.version).label("version"))
            .group_by(_DECISIONS.c.content_id)
            .subquery()
        )
        return (
            select(_DECISIONS.c.content_id, _DECISIONS.c.treatments)
            .join(
                latest,
                (latest.c.content_id == _DECISIONS.c.content_id)
                & (latest.c.version == _DECISIONS.c.version),
            )
            .where(
                _DECISIONS.c.made_at < before,
                self._unheld(_DECISIONS.c.content_id),
                self._no_open_appeal(_DECISIONS.c.content_id),
            )
        )

    def _purge_removed_media(self, before: datetime) -> Purged:
        """Uploads whose content was removed, once the appeal window after the removal has
        passed: the file goes, the record stays (with no file)."""
        decided = self._latest_decisions(before).subquery()
        rows = self._session.execute(
            select(_CONTENT.c.id, _CONTENT.c.media_path, decided.c.treatments)
            .join(decided, decided.c.content_id == _CONTENT.c.id)
            .where(_CONTENT.c.media_path.is_not(None))
        )
        removed = [
            (r.id, r.media_path)
            for r in rows
            if any(t.get("name") == "remove" for t in r.treatments)
        ]
        for chunk in _chunks([content_id for content_id, _ in removed]):
            self._session.execute(
                update(_CONTENT).where(_CONTENT.c.id.in_(chunk)).values(media_path=None)
            )
        return Purged(len(removed), [path for _, path in removed])

    def _purge_evidence(self, before: datetime) -> Purged:
        """What automated decisions were made from (transcripts, on-screen text, the texts),
        once the content's latest decision is older than the period and no case is open."""
        decided = self._latest_decisions(before).subquery()
        open_cases = select(_CASES.c.content_id).where(_CASES.c.status == CaseStatus.OPEN.value)
        ids = list(
            self._session.scalars(
                select(decided.c.content_id).where(decided.c.content_id.not_in(open_cases))
            )
        )
        return Purged(self._delete_in(_EVIDENCE, _EVIDENCE.c.content_id, ids))

    def _purge_search_queries(self, before: datetime) -> Purged:
        """Searches checked for the platform: the query text with everything about it."""
        open_cases = select(_CASES.c.content_id).where(_CASES.c.status == CaseStatus.OPEN.value)
        ids = list(
            self._session.scalars(
                select(_CONTENT.c.id).where(
                    _CONTENT.c.surface == "search",
                    _CONTENT.c.submitted_at < before,
                    self._unheld(_CONTENT.c.id),
                    _CONTENT.c.id.not_in(open_cases),
                )
            )
        )
        return Purged(self.delete_content(ids)["content"])


# Retention rules that delete the rows of one table older than ``before``.
_DELETES: dict[str, Callable[[datetime], tuple[Table, Any]]] = {
    "usage_events": lambda before: (_USAGE, _USAGE.c.at < before),
    "grants": lambda before: (
        _GRANTS,
        (_GRANTS.c.at < before) & (_GRANTS.c.until.is_(None) | (_GRANTS.c.until < before)),
    ),
    "notices": lambda before: (_NOTICES, _NOTICES.c.at < before),
    "pairing_codes": lambda before: (_CODES, _CODES.c.expires_at < before),
    "guess_attempts": lambda before: (_ATTEMPTS, _ATTEMPTS.c.at < before),
    "answered_time_requests": lambda before: (
        _REQUESTS,
        (_REQUESTS.c.status != "pending") & (_REQUESTS.c.answered_at < before),
    ),
    "webhook_deliveries": lambda before: (
        _JOBS,
        (_JOBS.c.kind == WEBHOOK_JOB)
        & _JOBS.c.state.in_([JobState.DONE.value, JobState.FAILED.value])
        & (_JOBS.c.finished_at < before),
    ),
    "staff_sessions": lambda before: (_TOKENS, _TOKENS.c.expires_at < before),
}
# The others, which follow content, cases and legal holds.
_PURGES: dict[str, Callable[[SqlPrivacy, datetime], Purged]] = {
    "ended_links": SqlPrivacy._purge_ended_links,
    "notifier_identity": SqlPrivacy._purge_notifier_identity,
    "removed_media": SqlPrivacy._purge_removed_media,
    "evidence": SqlPrivacy._purge_evidence,
    "search_queries": SqlPrivacy._purge_search_queries,
}


def _attempt_subjects(user_id: str) -> list[str]:
    """How ``haven.wellbeing.service`` names a user's failed guesses (passcode, pairing)."""
    return [f"unlock:{user_id}", f"pair:{user_id}"]
