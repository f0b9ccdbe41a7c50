"""``/v1/content`` and ``/v1/jobs``: submit content for a decision and read the answer."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError

from haven.api.deps import PlatformKey, RuntimeDep
from haven.api.schemas import ContentOut, DecisionOut, JobOut, TextSubmissionIn
from haven.content.errors import UnknownContent
from haven.content.models import AgeBand, MediaSubmission, TextSubmission
from haven.content.service import check_text_now, submit_media, submit_text
from haven.jobs.errors import UnknownJob
from haven.signals.text.classify import MAX_TEXT_CHARACTERS

router = APIRouter(prefix="/v1", tags=["content"])


@router.post("/content/text", status_code=202, response_model=ContentOut)
def post_text(
    body: TextSubmissionIn, key: PlatformKey, runtime: RuntimeDep, response: Response
) -> ContentOut:
    """Submit a text (caption, comment, search, transcript line, on-screen text) with its
    context. The answer comes from a background job: poll the content, or take the webhook."""
    submitted = submit_text(
        runtime.store,
        platform=key.platform,
        actor=key.actor,
        submission=TextSubmission(**body.model_dump()),
    )
    response.headers["Location"] = f"/v1/content/{submitted.content.id}"
    return _content_out(runtime, key.platform, submitted.content.id)


MEDIA_PATH = "/v1/content/media"


MEDIA_FIELDS = {
    "file",
    "caption",
    "language",
    "author_age_band",
    "region",
    "external_id",
    "author_id",
}


async def known_media_fields(request: Request) -> None:
    """Refuse a form with a field the endpoint does not take, or a field given twice: a
    misspelt ``captoin`` would otherwise be dropped without a word."""
    form = await request.form()
    problems = [
        {"type": "extra_forbidden", "loc": ("body", name), "msg": "unknown field", "input": None}
        for name in sorted(set(form.keys()) - MEDIA_FIELDS)
    ] + [
        {"type": "repeated", "loc": ("body", name), "msg": "given more than once", "input": None}
        for name in sorted(set(form.keys()) & MEDIA_FIELDS)
        if len(form.getlist(name)) > 1
    ]
    if problems:
        raise RequestValidationError(problems)


@router.post(
    "/content/media",
    status_code=202,
    response_model=ContentOut,
    dependencies=[Depends(known_media_fields)],
)
def post_media(
    file: UploadFile,
    key: PlatformKey,
    runtime: RuntimeDep,
    response: Response,
    caption: Annotated[str | None, Form(max_length=MAX_TEXT_CHARACTERS)] = None,
    language: Annotated[str, Form(max_length=35)] = "en",
    author_age_band: Annotated[AgeBand, Form()] = AgeBand.UNKNOWN,
    region: Annotated[str | None, Form(max_length=2)] = None,
    external_id: Annotated[str | None, Form(max_length=200)] = None,
    author_id: Annotated[str | None, Form(max_length=200)] = None,
) -> ContentOut:
    """Upload a video, image or audio file with its context, as multipart/form-data. The body is
    streamed to disk, refused with 413 past the upload limit before it is read, and refused
    with 422 if it does not decode. The scan (flashes, speech, on-screen text, text safety of
    caption and transcript) runs as a job: poll the content or take the webhook."""
    root = runtime.settings.media_root
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=root, prefix=".upload-", delete=False) as target:
        shutil.copyfileobj(file.file, target, 1 << 20)
    submitted = submit_media(
        runtime.store,
        platform=key.platform,
        upload=Path(target.name),
        actor=key.actor,
        media_root=root,
        submission=MediaSubmission(
            caption, language, author_age_band, region, external_id, author_id
        ),
    )
    response.headers["Location"] = f"/v1/content/{submitted.content.id}"
    return _content_out(runtime, key.platform, submitted.content.id)


@router.post("/check/text", response_model=ContentOut)
def check_text(body: TextSubmissionIn, key: PlatformKey, runtime: RuntimeDep) -> ContentOut:
    """Decide a text while the platform waits: a comment before it is posted (allow, nudge,
    hold, block), a search before its results. Stored and audited like a submission."""
    checked = check_text_now(
        runtime.store,
        runtime.analyser,
        platform=key.platform,
        actor=key.actor,
        submission=TextSubmission(**body.model_dump()),
        batcher=runtime.text_batcher,
    )
    return _content_out(runtime, key.platform, checked.content.id)


@router.get("/content/{content_id}", response_model=ContentOut)
def get_content(content_id: str, key: PlatformKey, runtime: RuntimeDep) -> ContentOut:
    """The content's state and its current decision (404 for another platform's content)."""
    return _content_out(runtime, key.platform, content_id)


@router.get("/jobs/{job_id}", response_model=JobOut)
def get_job(job_id: str, key: PlatformKey, runtime: RuntimeDep) -> JobOut:
    with runtime.store.transaction(write=False) as tx:
        job = tx.jobs.get(job_id)
        try:
            tx.content.get(job.subject_id, platform=key.platform)
        except UnknownContent:
            raise UnknownJob(f"no job with id {job_id!r}", job_id=job_id) from None
    return JobOut(
        id=job.id,
        kind=job.kind,
        subject_id=job.subject_id,
        state=job.state.value,
        attempts=job.attempts,
        created_at=job.created_at,
        finished_at=job.finished_at,
        error=job.error,
    )


def _content_out(runtime: RuntimeDep, platform: str, content_id: str) -> ContentOut:
    with runtime.store.transaction(write=False) as tx:
        item = tx.content.get(content_id, platform=platform)
        decision = tx.decisions.latest(content_id)
        job_id = tx.jobs.for_subject(content_id)
    return ContentOut(
        id=item.id,
        kind=item.kind.value,
        surface=item.surface,
        language=item.language,
        external_id=item.external_id,
        state=item.state.value,
        submitted_at=item.submitted_at,
        job_id=job_id,
        decision=DecisionOut.of(decision) if decision else None,
    )
