"""Submitting content: validate, store, queue its analysis, audit, in one transaction; the job
is handed to the queue only after that transaction commits."""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from haven.audit.models import AuditEvent
from haven.content.batching import TextBatcher
from haven.content.errors import InvalidSubmission
from haven.content.interfaces import ContentServiceStore, ContentTransaction
from haven.content.jobs import AnalyseContent, analyse_text
from haven.content.models import (
    AgeBand,
    ContentItem,
    ContentKind,
    ContentState,
    MediaSubmission,
    TextSubmission,
)
from haven.decisions.models import Decision
from haven.jobs.models import Job, new_job
from haven.media.decode import MediaSource
from haven.media.info import MediaInfo
from haven.signals.text.analyzer import SURFACES
from haven.signals.text.classify import MAX_TEXT_CHARACTERS, language_code

ANALYSE_CONTENT = "analyse_content"
_REGION = re.compile(r"[A-Z]{2}")
MAX_EXTERNAL_ID = 200


@dataclass(frozen=True)
class Submitted:
    content: ContentItem
    job: Job


def check_text_submission(submission: TextSubmission) -> TextSubmission:
    """The submission with its language and region in canonical form, or InvalidSubmission."""
    if not isinstance(submission.text, str) or not submission.text.strip():
        raise InvalidSubmission("text is empty", field="text")
    if len(submission.text) > MAX_TEXT_CHARACTERS:
        raise InvalidSubmission(
            f"text of {len(submission.text):,} characters is longer than the"
            f" {MAX_TEXT_CHARACTERS:,} Haven accepts",
            field="text",
        )
    try:
        submission.text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidSubmission("text is not valid Unicode", field="text") from None
    if submission.surface not in SURFACES:
        raise InvalidSubmission(
            f"surface {submission.surface!r} is not one of {', '.join(SURFACES)}", field="surface"
        )
    try:
        language = language_code(submission.language)
    except Exception as exc:
        raise InvalidSubmission(str(exc), field="language") from None
    region = submission.region.upper() if submission.region else None
    if region is not None and not _REGION.fullmatch(region):
        raise InvalidSubmission(
            f"region {submission.region!r} is not an ISO 3166-1 alpha-2 code", field="region"
        )
    if submission.external_id is not None and not (
        0 < len(submission.external_id) <= MAX_EXTERNAL_ID and submission.external_id.isprintable()
    ):
        raise InvalidSubmission(
            f"external_id must be 1-{MAX_EXTERNAL_ID} printable characters", field="external_id"
        )
    if submission.author_id is not None and not (
        0 < len(submission.author_id) <= MAX_EXTERNAL_ID and submission.author_id.isprintable()
    ):
        raise InvalidSubmission(
            f"author_id must be 1-{MAX_EXTERNAL_ID} printable characters", field="author_id"
        )
    try:
        age_band = AgeBand(submission.author_age_band)
    except ValueError:
        raise InvalidSubmission(
            f"author_age_band {submission.author_age_band!r} is not one of"
            f" {', '.join(band.value for band in AgeBand)}",
            field="author_age_band",
        ) from None
    return replace(submission, language=language, region=region, author_age_band=age_band)


def _text_item(platform: str, submission: TextSubmission, now: datetime) -> ContentItem:
    return ContentItem(
        id=str(uuid.uuid4()),
        platform=platform,
        kind=ContentKind.TEXT,
        surface=submission.surface,
        language=submission.language,
        author_age_band=submission.author_age_band,
        region=submission.region,
        external_id=submission.external_id,
        text=submission.text,
        media_sha256=hashlib.sha256(submission.text.encode("utf-8")).hexdigest(),
        submitted_at=now,
        state=ContentState.PENDING,
        author_id=submission.author_id,
    )


@dataclass(frozen=True)
class Checked:
    content: ContentItem
    decision: Decision


def check_text_now(
    store: ContentServiceStore,
    analyser: AnalyseContent,
    *,
    platform: str,
    submission: TextSubmission,
    actor: str,
    batcher: TextBatcher | None = None,
) -> Checked:
    """Decide a text while the caller waits (a comment before it is posted, a search before
    its results): classified (in a batch with other waiting texts, given a ``batcher``), then
    stored, decided and audited in one transaction, exactly as a job would."""
    submission = check_text_submission(submission)
    item = _text_item(platform, submission, store.clock.now())
    draft = batcher.analyse(item) if batcher is not None else analyse_text(item, analyser.policy)
    with store.transaction() as tx:
        tx.content.add(item)
        tx.audit.append(
            AuditEvent(
                "content",
                item.id,
                "content.submitted",
                actor,
                {
                    "platform": platform,
                    "kind": item.kind.value,
                    "surface": item.surface,
                    "sha256": item.media_sha256,
                    "job": None,
                },
            )
        )
        decision = analyser.record(tx, item.id, draft, store.clock.now(), job_id=None)
    return Checked(replace(item, state=ContentState.DECIDED), decision)


def _store_and_queue(tx: ContentTransaction, item: ContentItem, actor: str, now: datetime) -> Job:
    """Store the item, create its analysis job and audit the submission, in ``tx``."""
    tx.content.add(item)
    job = tx.jobs.add(
        new_job(ANALYSE_CONTENT, item.id, key=f"{ANALYSE_CONTENT}:{item.id}", now=now)
    )
    tx.audit.append(
        AuditEvent(
            "content",
            item.id,
            "content.submitted",
            actor,
            {
                "platform": item.platform,
                "kind": item.kind.value,
                "surface": item.surface,
                "sha256": item.media_sha256,
                "job": job.id,
            },
        )
    )
    return job


def submit_text(
    store: ContentServiceStore,
    *,
    platform: str,
    submission: TextSubmission,
    actor: str,
) -> Submitted:
    """Store a text with its context, queue its analysis and record both in the audit log (the
    store hands the job to the queue once the transaction commits)."""
    submission = check_text_submission(submission)
    with store.transaction() as tx:
        now = store.clock.now()
        item = _text_item(platform, submission, now)
        job = _store_and_queue(tx, item, actor, now)
    return Submitted(item, job)


IMAGE_SUFFIXES = {"png": "png", "mjpeg": "jpg", "webp": "webp", "bmp": "bmp", "tiff": "tiff"}


def media_kind(info: MediaInfo) -> ContentKind:
    if not info.has_video:
        return ContentKind.AUDIO
    if info.still_picture:
        return ContentKind.IMAGE
    return ContentKind.VIDEO


def _suffix(info: MediaInfo, kind: ContentKind) -> str:
    if kind is ContentKind.IMAGE:
        return IMAGE_SUFFIXES.get(info.video_codec or "", "img")
    return info.container.split(",")[0]


def submit_media(
    store: ContentServiceStore,
    *,
    platform: str,
    upload: Path,
    submission: MediaSubmission,
    actor: str,
    media_root: Path,
) -> Submitted:
    """Take an uploaded file (already on disk; Haven owns it from here), check that it is a
    video or audio file that decodes, keep it in the media folder, and queue its scan. A bad
    file or field is refused and the upload deleted: nothing else changes."""
    try:
        caption = submission.caption or None
        if caption is not None and len(caption) > MAX_TEXT_CHARACTERS:
            raise InvalidSubmission("caption is too long", field="caption")
        context = check_text_submission(
            TextSubmission(
                caption or "-",
                "caption",
                submission.language,
                submission.author_age_band,
                submission.region,
                submission.external_id,
                submission.author_id,
            )
        )
        with MediaSource(upload) as source:
            info = source.info
        digest = hashlib.sha256()
        with upload.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        content_id = str(uuid.uuid4())
        kind = media_kind(info)
        stored = f"{content_id}.{_suffix(info, kind)}"
        media_root.mkdir(parents=True, exist_ok=True)
        shutil.move(upload, media_root / stored)
    except BaseException:
        upload.unlink(missing_ok=True)
        raise
    now = store.clock.now()
    item = ContentItem(
        id=content_id,
        platform=platform,
        kind=kind,
        surface=kind.value,
        language=context.language,
        author_age_band=context.author_age_band,
        region=context.region,
        external_id=context.external_id,
        text=caption,
        media_sha256=digest.hexdigest(),
        submitted_at=now,
        state=ContentState.PENDING,
        author_id=context.author_id,
        media_path=stored,
    )
    try:
        with store.transaction() as tx:
            job = _store_and_queue(tx, item, actor, now)
    except BaseException:
        (media_root / stored).unlink(missing_ok=True)
        raise
    return Submitted(item, job)
