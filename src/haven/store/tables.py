"""The tables. Times are stored as UTC and come back timezone-aware on every database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names are explicit so migrations name the same thing on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime in, the same instant in UTC out (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Haven stores only timezone-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AuditEventRow(Base):
    """One entry of the append-only audit log (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    subject_type: Mapped[str] = mapped_column(String(200))
    subject_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON text: exactly what was hashed
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id", "seq"),)


class AuditHeadRow(Base):
    """The chain head: one row, locked by every append so appends form one line."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class ContentRow(Base):
    __tablename__ = "content"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    platform: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    surface: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(3))
    author_age_band: Mapped[str] = mapped_column(String(10))
    region: Mapped[str | None] = mapped_column(String(2))
    external_id: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    media_sha256: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[str | None] = mapped_column(String(200))
    media_path: Mapped[str | None] = mapped_column(String(300))


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    enqueued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_jobs_state", "state", "enqueued_at"),)


class DecisionRow(Base):
    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    content_id: Mapped[str] = mapped_column(ForeignKey("content.id"))
    version: Mapped[int] = mapped_column(Integer)
    made_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by: Mapped[str] = mapped_column(String(200))
    # A job writes one decision at most, however often it runs (NULL for human decisions).
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(20))
    treatments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    categories: Mapped[dict[str, float]] = mapped_column(JSON)
    automated_detection: Mapped[bool] = mapped_column(Boolean)
    automation: Mapped[str] = mapped_column(String(20))
    policy_version: Mapped[str] = mapped_column(String(50))
    notes: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(20))
    ground: Mapped[str] = mapped_column(String(30))
    ground_reference: Mapped[str] = mapped_column(String(500))
    explanation: Mapped[str] = mapped_column(Text)
    territorial_scope: Mapped[list[str]] = mapped_column(JSON)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("content_id", "version", name="uq_decisions_version"),)


class EvidenceRow(Base):
    """What an automated decision was made from: the scan report of a video (signals, flash
    segments, transcript, on-screen text) or the text check of a text, for the reviewers."""

    __tablename__ = "evidence"

    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), primary_key=True)
    content_id: Mapped[str] = mapped_column(ForeignKey("content.id"), index=True)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    platform: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CaseRow(Base):
    """The projection of a content item's case events (rebuildable from the audit log)."""

    __tablename__ = "cases"

    content_id: Mapped[str] = mapped_column(ForeignKey("content.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    queue: Mapped[str] = mapped_column(String(50))
    priority: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reasons: Mapped[list[str]] = mapped_column(JSON)
    report_ids: Mapped[list[str]] = mapped_column(JSON)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claim_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_version: Mapped[int | None] = mapped_column(Integer)
    appeal_id: Mapped[str | None] = mapped_column(String(36))
    excluded_reviewer: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_cases_queue", "status", "queue", "priority"),)


class ReportRow(Base):
    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    content_id: Mapped[str] = mapped_column(ForeignKey("content.id"), index=True)
    platform: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    category: Mapped[str] = mapped_column(String(50))
    explanation: Mapped[str] = mapped_column(Text)
    reporter_kind: Mapped[str] = mapped_column(String(20))
    good_faith: Mapped[bool] = mapped_column(Boolean)
    video_timestamp: Mapped[float | None] = mapped_column(Float)
    location_url: Mapped[str | None] = mapped_column(Text)
    reporter_id: Mapped[str | None] = mapped_column(String(200))
    notifier_name: Mapped[str | None] = mapped_column(String(200))
    notifier_email: Mapped[str | None] = mapped_column(String(320))


class AppealRow(Base):
    __tablename__ = "appeals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    content_id: Mapped[str] = mapped_column(ForeignKey("content.id"), index=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"))
    appellant_kind: Mapped[str] = mapped_column(String(20))
    appellant_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(10))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    explanation: Mapped[str | None] = mapped_column(Text)


class StaffRow(Base):
    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class StaffTokenRow(Base):
    __tablename__ = "staff_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    csrf: Mapped[str | None] = mapped_column(String(64))


class WebhookRow(Base):
    __tablename__ = "webhooks"

    platform: Mapped[str] = mapped_column(String(100), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


# --- Well-being and youth safety (issue 6) ----------------------------------------------


class WellbeingUserRow(Base):
    """A platform's user as the well-being rules see them (no name, no birth date)."""

    __tablename__ = "wb_users"

    platform: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(10))
    time_zone: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    passcode_hash: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UsageEventRow(Base):
    """One usage event; its id makes a repeated batch count once."""

    __tablename__ = "wb_usage_events"

    platform: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_wb_usage_events_user", "platform", "user_id", "at"),)


class PairingCodeRow(Base):
    __tablename__ = "wb_pairing_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AttemptRow(Base):
    """A failed guess (a pairing code, a passcode), counted to limit guessing."""

    __tablename__ = "wb_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(250))
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_wb_attempts_subject", "platform", "subject", "at"),)


class PairingLinkRow(Base):
    __tablename__ = "wb_links"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    platform: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[str] = mapped_column(String(200))
    teen_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    controls: Mapped[dict[str, Any]] = mapped_column(JSON)
    parent_passcode_hash: Mapped[str | None] = mapped_column(String(200))
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_wb_links_teen", "platform", "teen_id"),
        Index("ix_wb_links_parent", "platform", "parent_id"),
        Index(
            "uq_wb_links_active_teen",
            "platform",
            "teen_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )


class TimeRequestRow(Base):
    __tablename__ = "wb_time_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    link_id: Mapped[str] = mapped_column(ForeignKey("wb_links.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    minutes: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class GrantRow(Base):
    """More time: unlocked with a passcode, or a parent's yes to a request."""

    __tablename__ = "wb_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(200))
    local_date: Mapped[str] = mapped_column(String(10))
    minutes: Mapped[int] = mapped_column(Integer)
    until: Mapped[datetime | None] = mapped_column(UtcDateTime())  # a Time Away exemption
    granted_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_wb_grants_user", "platform", "user_id", "local_date"),)


class NoticeRow(Base):
    """Something a user is told (a parent: the teen unlinked; a teen: the parent answered)."""

    __tablename__ = "wb_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_wb_notices_user", "platform", "user_id", "id"),)


# --- Banks of known harmful media (issue 7) -----------------------------------------------


class HashBankRow(Base):
    __tablename__ = "hash_banks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    enabled_ratio: Mapped[float] = mapped_column(Float)
    negative: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BankEntryRow(Base):
    __tablename__ = "bank_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bank: Mapped[str] = mapped_column(ForeignKey("hash_banks.name"))
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled: Mapped[bool] = mapped_column(Boolean)
    frames: Mapped[str | None] = mapped_column(Text)  # a video's hashes, vPDQ's text format

    __table_args__ = (
        UniqueConstraint("bank", "kind", "value", name="uq_bank_entries_bank"),
        Index("ix_bank_entries_value", "kind", "value"),
    )


class BankHashRow(Base):
    """What an index position means: an entry's frame (or picture) hash, or a crop of it."""

    __tablename__ = "bank_hashes"

    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry: Mapped[int] = mapped_column(ForeignKey("bank_entries.id"))
    frame: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class BankIndexHeadRow(Base):
    """The next index position, in one row that writers lock, so positions never collide."""

    __tablename__ = "bank_index_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    next_position: Mapped[int] = mapped_column(BigInteger)
    index_id: Mapped[str] = mapped_column(String(36), server_default="")


class LegalHoldRow(Base):
    """Content kept as evidence: deletion (retention, data-rights requests) must skip it."""

    __tablename__ = "legal_holds"

    content_id: Mapped[str] = mapped_column(ForeignKey("content.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(500))
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuthorityReportRow(Base):
    """A report drafted for a competent authority; never sent by Haven."""

    __tablename__ = "authority_reports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    content_id: Mapped[str] = mapped_column(ForeignKey("content.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)


# --- Brand safety (issue 7) ------------------------------------------------------------------


class CampaignRow(Base):
    __tablename__ = "ad_campaigns"

    platform: Mapped[str] = mapped_column(String(100), primary_key=True)
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    inventory: Mapped[str] = mapped_column(String(10))
    exclusions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ImpressionRow(Base):
    """Impressions served, with the content's brand safety at that moment."""

    __tablename__ = "ad_impressions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(100))
    campaign_id: Mapped[str] = mapped_column(String(100))
    content_id: Mapped[str] = mapped_column(ForeignKey("content.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    count: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(12))
    garm_category: Mapped[str | None] = mapped_column(String(60))

    __table_args__ = (Index("ix_ad_impressions_campaign", "platform", "campaign_id"),)


# --- Transparency Database submissions (issue 8) -----------------------------------------------


class StatementSubmissionRow(Base):
    """What became of a decision's statement of reasons at the Transparency Database: accepted
    (with the database's uuid) or refused (with its reasons). ``puid`` is the decision id."""

    __tablename__ = "statement_submissions"

    puid: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(String(10))
    tdb_uuid: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuthorityOrderRow(Base):
    """An order from a national authority (DSA Art. 9: act against content; Art. 10: give
    information), kept for the transparency report (Art. 15(1)(a))."""

    __tablename__ = "authority_orders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    platform: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    member_state: Mapped[str] = mapped_column(String(2))
    authority: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(80))
    reference: Mapped[str] = mapped_column(String(200))
    content_id: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    effect_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SuspensionRow(Base):
    """A suspension under DSA Art. 23: of an account for manifestly illegal content, or of a
    notifier or complainant for manifestly unfounded notices or complaints."""

    __tablename__ = "suspensions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    platform: Mapped[str] = mapped_column(String(100), index=True)
    subject_id: Mapped[str] = mapped_column(String(200), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    warned_at: Mapped[datetime] = mapped_column(UtcDateTime())
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str] = mapped_column(String(200))


class ActiveRecipientsRow(Base):
    """The platform's average monthly active recipients in the EU for one month (Art. 24(2)):
    Haven does not see every view, so the platform reports the figure and how it counted it."""

    __tablename__ = "active_recipients"

    platform: Mapped[str] = mapped_column(String(100), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    recipients: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(500))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())


# --- Vulnerability disclosure (issue 8; migration 0016) ------------------------------------------


class SecurityReportRow(Base):
    """A researcher's vulnerability report with its triage state (the projection of its
    events, rebuildable from the audit log). Only SHA-256 of the tracking token is kept."""

    __tablename__ = "security_reports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    asset: Mapped[str] = mapped_column(String(500))
    steps: Mapped[str] = mapped_column(Text)
    proposed_cvss31: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    proposed_cvss40: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    researcher_name: Mapped[str | None] = mapped_column(String(200))
    researcher_contact: Mapped[str | None] = mapped_column(String(320))
    acknowledge: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(String(20))
    duplicate_of: Mapped[str | None] = mapped_column(ForeignKey("security_reports.id"))
    cvss31: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    cvss40: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    severity: Mapped[str | None] = mapped_column(String(10))
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    triaged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_security_reports_state", "state", "received_at"),)


class SecurityReportMessageRow(Base):
    """What staff wrote to a report's researcher."""

    __tablename__ = "security_report_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("security_reports.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    author: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)


# --- Privacy (issue 8; migration 0017) ------------------------------------------------------------


class PseudonymKeyRow(Base):
    """A person's random key: personal identifiers enter the audit log only as a keyed hash
    under it (``haven.privacy.pseudonyms``). Erasure deletes the row, and with it the only link
    between the person and the audit entries that were kept."""

    __tablename__ = "privacy_pseudonym_keys"

    platform: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # "user" or "email"
    identifier: Mapped[str] = mapped_column(String(320), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))  # 32 random bytes, hex
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditReferenceRow(Base):
    """Which audit entries carry which pseudonym, written with the entry: an export finds a
    person's entries without reading the whole log. Erasure deletes the person's rows."""

    __tablename__ = "privacy_audit_refs"

    pseudonym: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


# A data-subject request looks a person up by these (declared here, on other sections' tables,
# so that the privacy migration creates them).
Index("ix_content_author", ContentRow.platform, ContentRow.author_id)
Index("ix_reports_reporter", ReportRow.platform, ReportRow.reporter_id)
Index("ix_appeals_appellant", AppealRow.appellant_id)
Index("ix_wb_pairing_codes_parent", PairingCodeRow.platform, PairingCodeRow.parent_id)
