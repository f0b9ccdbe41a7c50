"""The case page and what a reviewer does there: claim, release, escalate, decide, decide an
appeal; plus the case's media and caption track for the player."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

from haven.access.roles import Role
from haven.cases import service
from haven.cases.errors import InvalidReview, NoCase, NotPermitted
from haven.cases.service import REVIEW_OUTCOMES
from haven.console.evidence import captions_vtt, case_evidence
from haven.console.rendering import render
from haven.console.session import (
    COOKIE_PATH,
    ConsoleSession,
    FormSessionDep,
    RuntimeDep,
    SessionDep,
)
from haven.content.models import ContentKind
from haven.decisions.models import Ground
from haven.errors import HavenError
from haven.runtime import Runtime

router = APIRouter()
Text = Annotated[str, Form(max_length=5000)]
Short = Annotated[str, Form(max_length=500)]
PRIVATE = {"Cache-Control": "no-store, private"}


def _case_context(runtime: Runtime, session: ConsoleSession, content_id: str) -> dict[str, Any]:
    with runtime.store.transaction(write=False) as tx:
        state = tx.cases.get(content_id)
        if state is None:
            raise NoCase(f"content {content_id} has no case", content_id=content_id)
        if not session.reviewer.may_see(state.queue):
            raise NotPermitted(f"{session.reviewer.role.value} may not see the {state.queue} queue")
        item = tx.content.get(content_id)
        history = tx.decisions.history(content_id)
        reports = tx.reports.for_content(content_id)
        appeal = tx.appeals.open_for(content_id)
        report = tx.decisions.evidence(content_id)
        legal_hold = tx.legal.held(content_id)
        specialist = session.reviewer.role is Role.CHILD_SAFETY
        drafts = tx.legal.drafts(content_id) if specialist else []
    holder = state.claimed_at(runtime.store.clock.now())
    return {
        "item": item,
        "case": state,
        "holder": holder,
        "mine": holder == session.reviewer.id,
        "history": list(reversed(history)),
        "reports": reports,
        "appeal": appeal if appeal and appeal.id == state.appeal_id else None,
        "evidence": case_evidence(report, item.text),
        "outcomes": [o for o in REVIEW_OUTCOMES if session.reviewer.may_decide(o)],
        "grounds": [g.value for g in Ground],
        "is_video": item.kind is ContentKind.VIDEO and item.media_path is not None,
        "is_audio": item.kind is ContentKind.AUDIO and item.media_path is not None,
        "is_image": item.kind is ContentKind.IMAGE and item.media_path is not None,
        "legal_hold": legal_hold,
        "drafts": [json.dumps(d, indent=2, ensure_ascii=False) for d in drafts],
    }


def _page(
    request: Request,
    runtime: Runtime,
    session: ConsoleSession,
    content_id: str,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = _case_context(runtime, session, content_id)
    return render(request, "case.html", session, status=status, error=error, **context)


def _act(
    request: Request, runtime: Runtime, session: ConsoleSession, content_id: str, action: Any
) -> Response:
    """Run a reviewer's action; on success show the case afresh (POST-redirect-GET), on a
    refused or invalid action show the case with the reason, having changed nothing."""
    try:
        action()
    except (NoCase, NotPermitted):
        raise
    except HavenError as refused:
        return _page(
            request, runtime, session, content_id, error=str(refused), status=_status(refused)
        )
    return RedirectResponse(f"{COOKIE_PATH}/cases/{content_id}", status_code=303)


def _status(error: HavenError) -> int:
    return 409 if error.code in ("case_not_claimable", "case_closed") else 422


@router.get("/cases/{content_id}", response_class=HTMLResponse)
def case_page(
    content_id: str, request: Request, session: SessionDep, runtime: RuntimeDep
) -> HTMLResponse:
    return _page(request, runtime, session, content_id)


@router.post("/cases/{content_id}/claim")
def claim(
    content_id: str, request: Request, session: FormSessionDep, runtime: RuntimeDep
) -> Response:
    return _act(
        request,
        runtime,
        session,
        content_id,
        lambda: service.claim(runtime.store, session.reviewer, content_id),
    )


@router.post("/cases/{content_id}/release")
def release(
    content_id: str, request: Request, session: FormSessionDep, runtime: RuntimeDep
) -> Response:
    service.release(runtime.store, session.reviewer, content_id)
    return RedirectResponse(f"{COOKIE_PATH}/queues", status_code=303)


@router.post("/cases/{content_id}/escalate")
def escalate(
    content_id: str, request: Request, session: FormSessionDep, runtime: RuntimeDep, reason: Text
) -> Response:
    return _act(
        request,
        runtime,
        session,
        content_id,
        lambda: service.escalate(runtime.store, session.reviewer, content_id, reason),
    )


def _scope(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.replace(";", ",").split(",") if part.strip()) or (
        "worldwide",
    )


@router.post("/cases/{content_id}/decide")
def decide(
    content_id: str,
    request: Request,
    session: FormSessionDep,
    runtime: RuntimeDep,
    outcome: Short,
    explanation: Text,
    ground: Short = Ground.TERMS.value,
    ground_reference: Short = "",
    territorial_scope: Short = "worldwide",
    duration_days: Short = "",
) -> Response:
    def act() -> None:
        try:
            chosen_ground = Ground(ground)
        except ValueError:
            raise InvalidReview(
                f"ground must be one of {', '.join(g.value for g in Ground)}", field="ground"
            ) from None
        days = duration_days.strip()
        if days and not (days.isdigit() and 1 <= int(days) <= 3650):
            raise InvalidReview(
                "duration must be a whole number of days from 1 to 3650, or empty",
                field="duration_days",
            )
        review = service.ReviewDecision(
            outcome,
            explanation,
            chosen_ground,
            ground_reference,
            _scope(territorial_scope),
            int(days) if days else None,
        )
        service.decide(runtime.store, session.reviewer, content_id, review)

    return _act(request, runtime, session, content_id, act)


@router.post("/cases/{content_id}/appeal-decision")
def decide_appeal(
    content_id: str,
    request: Request,
    session: FormSessionDep,
    runtime: RuntimeDep,
    verdict: Short,
    explanation: Text,
    new_outcome: Short = "keep",
) -> Response:
    def act() -> None:
        if verdict not in ("uphold", "reverse"):
            raise InvalidReview("choose uphold or reverse", field="verdict")
        service.decide_appeal(
            runtime.store,
            session.reviewer,
            content_id,
            reverse=verdict == "reverse",
            explanation=explanation,
            new_outcome=new_outcome,
        )

    return _act(request, runtime, session, content_id, act)


def _reviewable_media(runtime: Runtime, session: ConsoleSession, content_id: str) -> Path:
    context = _case_context(runtime, session, content_id)
    item = context["item"]
    if item.media_path is None:
        raise NoCase(f"content {content_id} has no stored media", content_id=content_id)
    return runtime.settings.media_root / item.media_path


# What the browser is told a stored file is, by the container FFmpeg found (the file's suffix).
MEDIA_TYPES = {
    "mov": "video/mp4",
    "matroska": "video/webm",
    "webm": "video/webm",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "gif": "image/gif",
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "bmp": "image/bmp",
}


@router.get("/cases/{content_id}/media")
def media(content_id: str, session: SessionDep, runtime: RuntimeDep) -> FileResponse:
    """The upload itself, for reviewers who may see the case (range requests let the player
    seek to a flash segment)."""
    path = _reviewable_media(runtime, session, content_id)
    media_type = MEDIA_TYPES.get(path.suffix.lstrip("."), "application/octet-stream")
    return FileResponse(
        path, media_type=media_type, headers={**PRIVATE, "Content-Disposition": "inline"}
    )


@router.get("/cases/{content_id}/captions.vtt")
def captions(content_id: str, session: SessionDep, runtime: RuntimeDep) -> PlainTextResponse:
    evidence = _case_context(runtime, session, content_id)["evidence"]
    return PlainTextResponse(captions_vtt(evidence), media_type="text/vtt", headers=PRIVATE)
