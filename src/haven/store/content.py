"""Content, jobs and decisions in SQL: the repositories behind the domain Protocols."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from haven.content.errors import UnknownContent
from haven.content.models import AgeBand, ContentItem, ContentKind, ContentState
from haven.decisions.errors import NoDecision
from haven.decisions.models import Automation, Decision, Ground, Source
from haven.jobs.errors import UnknownJob
from haven.jobs.models import Job, JobState
from haven.store.tables import ContentRow, DecisionRow, EvidenceRow, JobRow


class SqlContent:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, item: ContentItem) -> None:
        self._session.add(
            ContentRow(
                id=item.id,
                platform=item.platform,
                kind=item.kind.value,
                surface=item.surface,
                language=item.language,
                author_age_band=item.author_age_band.value,
                region=item.region,
                external_id=item.external_id,
                text=item.text,
                media_sha256=item.media_sha256,
                submitted_at=item.submitted_at,
                state=item.state.value,
                author_id=item.author_id,
                media_path=item.media_path,
            )
        )
        self._session.flush()

    def get(self, content_id: str, *, platform: str | None = None) -> ContentItem:
        row = self._session.get(ContentRow, content_id)
        if row is None or (platform is not None and row.platform != platform):
            raise UnknownContent(f"no content with id {content_id!r}", content_id=content_id)
        return ContentItem(
            row.id,
            row.platform,
            ContentKind(row.kind),
            row.surface,
            row.language,
            AgeBand(row.author_age_band),
            row.region,
            row.external_id,
            row.text,
            row.media_sha256,
            row.submitted_at,
            ContentState(row.state),
            row.author_id,
            row.media_path,
        )

    def set_state(self, content_id: str, state: ContentState) -> None:
        self._session.execute(
            update(ContentRow).where(ContentRow.id == content_id).values(state=state.value)
        )


def _job(row: JobRow) -> Job:
    return Job(
        row.id,
        row.key,
        row.kind,
        row.subject_id,
        JobState(row.state),
        row.attempts,
        row.created_at,
        row.enqueued_at,
        row.lease_until,
        row.finished_at,
        row.error,
    )


class SqlJobs:
    def __init__(self, session: Session, added: list[str] | None = None) -> None:
        self._session = session
        # Ids of jobs this transaction created: the store sends them to the queue after commit.
        self.added = added if added is not None else []

    def _locked(self, job_id: str) -> JobRow | None:
        return self._session.execute(
            select(JobRow).where(JobRow.id == job_id).with_for_update()
        ).scalar_one_or_none()

    def add(self, job: Job) -> Job:
        existing = self._session.execute(
            select(JobRow).where(JobRow.key == job.key)
        ).scalar_one_or_none()
        if existing is not None:
            return _job(existing)
        self._session.add(
            JobRow(
                id=job.id,
                key=job.key,
                kind=job.kind,
                subject_id=job.subject_id,
                state=job.state.value,
                attempts=job.attempts,
                created_at=job.created_at,
                enqueued_at=job.enqueued_at,
                lease_until=job.lease_until,
                finished_at=job.finished_at,
                error=job.error,
            )
        )
        self._session.flush()
        self.added.append(job.id)
        return job

    def get(self, job_id: str) -> Job:
        row = self._session.get(JobRow, job_id)
        if row is None:
            raise UnknownJob(f"no job with id {job_id!r}", job_id=job_id)
        return _job(row)

    def for_subject(self, subject_id: str) -> str | None:
        """The id of the newest job about this subject."""
        return self._session.scalars(
            select(JobRow.id)
            .where(JobRow.subject_id == subject_id)
            .order_by(JobRow.created_at.desc())
            .limit(1)
        ).first()

    def claim(self, job_id: str, *, now: datetime, lease_until: datetime) -> Job | None:
        row = self._locked(job_id)
        if row is None:
            return None
        free = row.state == JobState.QUEUED.value and row.enqueued_at <= now
        abandoned = (
            row.state == JobState.RUNNING.value
            and row.lease_until is not None
            and row.lease_until <= now
        )
        if not (free or abandoned):
            return None
        row.state, row.attempts, row.lease_until = (
            JobState.RUNNING.value,
            row.attempts + 1,
            lease_until,
        )
        self._session.flush()
        return _job(row)

    def renew(self, job_id: str, *, attempt: int, lease_until: datetime) -> bool:
        row = self._locked(job_id)
        if row is None or row.state != JobState.RUNNING.value or row.attempts != attempt:
            return False
        row.lease_until = lease_until
        return True

    def finish(self, job_id: str, *, attempt: int, now: datetime) -> bool:
        row = self._locked(job_id)
        if row is None or row.state != JobState.RUNNING.value or row.attempts != attempt:
            return False
        row.state, row.finished_at, row.lease_until = JobState.DONE.value, now, None
        self._session.flush()
        return True

    def fail(
        self, job_id: str, *, attempt: int, now: datetime, error: str, retry_at: datetime | None
    ) -> bool:
        row = self._locked(job_id)
        if row is None or row.state != JobState.RUNNING.value or row.attempts != attempt:
            return False
        row.error, row.lease_until = error, None
        if retry_at is None:
            row.state, row.finished_at = JobState.FAILED.value, now
        else:
            row.state, row.enqueued_at = JobState.QUEUED.value, retry_at
        self._session.flush()
        return True

    def stale(self, *, now: datetime, queued_before: datetime) -> list[str]:
        rows = self._session.scalars(
            select(JobRow.id)
            .where(
                or_(
                    (JobRow.state == JobState.RUNNING.value) & (JobRow.lease_until <= now),
                    (JobRow.state == JobState.QUEUED.value) & (JobRow.enqueued_at <= queued_before),
                )
            )
            .order_by(JobRow.enqueued_at)
        )
        return list(rows)

    def mark_enqueued(self, job_ids: list[str], *, now: datetime) -> None:
        if job_ids:
            self._session.execute(
                update(JobRow)
                .where(JobRow.id.in_(job_ids), JobRow.state == JobState.QUEUED.value)
                .values(enqueued_at=now)
            )


def _decision(row: DecisionRow) -> Decision:
    return Decision(
        row.id,
        row.content_id,
        row.version,
        row.made_at,
        row.decided_by,
        row.job_id,
        row.outcome,
        list(row.treatments),
        dict(row.categories),
        row.automated_detection,
        Automation(row.automation),
        row.policy_version,
        list(row.notes),
        Source(row.source),
        Ground(row.ground),
        row.ground_reference,
        row.explanation,
        tuple(row.territorial_scope),
        row.ends_at,
    )


class SqlDecisions:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, decision: Decision) -> None:
        self._session.add(
            DecisionRow(
                id=decision.id,
                content_id=decision.content_id,
                version=decision.version,
                made_at=decision.made_at,
                decided_by=decision.decided_by,
                job_id=decision.job_id,
                outcome=decision.outcome,
                treatments=decision.treatments,
                categories=decision.categories,
                automated_detection=decision.automated_detection,
                automation=decision.automation.value,
                policy_version=decision.policy_version,
                notes=decision.notes,
                source=decision.source.value,
                ground=decision.ground.value,
                ground_reference=decision.ground_reference,
                explanation=decision.explanation,
                territorial_scope=list(decision.territorial_scope),
                ends_at=decision.ends_at,
            )
        )
        self._session.flush()

    def get(self, decision_id: str) -> Decision:
        row = self._session.get(DecisionRow, decision_id)
        if row is None:
            raise NoDecision(f"no decision with id {decision_id!r}", decision_id=decision_id)
        return _decision(row)

    def latest(self, content_id: str) -> Decision | None:
        row = self._session.scalars(
            select(DecisionRow)
            .where(DecisionRow.content_id == content_id)
            .order_by(DecisionRow.version.desc())
            .limit(1)
        ).first()
        return _decision(row) if row else None

    def history(self, content_id: str) -> list[Decision]:
        rows = self._session.scalars(
            select(DecisionRow)
            .where(DecisionRow.content_id == content_id)
            .order_by(DecisionRow.version)
        )
        return [_decision(row) for row in rows]

    def add_evidence(self, decision_id: str, content_id: str, report: dict[str, Any]) -> None:
        self._session.add(
            EvidenceRow(decision_id=decision_id, content_id=content_id, report=report)
        )
        self._session.flush()

    def evidence(self, content_id: str) -> dict[str, Any] | None:
        report = self._session.scalars(
            select(EvidenceRow.report)
            .join(DecisionRow, DecisionRow.id == EvidenceRow.decision_id)
            .where(EvidenceRow.content_id == content_id)
            .order_by(DecisionRow.version.desc())
            .limit(1)
        ).first()
        return report
