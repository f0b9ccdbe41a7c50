"""Notices (Art. 16), appeals (Art. 20) and statements of reasons (Art. 17) for platforms and
their users."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from haven.api.deps import PlatformKey, RuntimeDep
from haven.api.schemas import AppealIn, AppealOut, ReportIn, ReportReceipt, Statement
from haven.cases.models import Report, ReporterKind
from haven.cases.models import ReportIn as Notice
from haven.cases.service import appeal, receive_report
from haven.decisions.errors import NoStatement
from haven.decisions.statements import pick_language, statement_of_reasons

router = APIRouter(prefix="/v1", tags=["notices and appeals"])
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
PlatformName = Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9_.-]{0,99}$")]


def _receipt(report: Report) -> ReportReceipt:
    return ReportReceipt(
        id=report.id, received_at=report.received_at, content_id=report.notice.content_id
    )


@router.post("/reports", status_code=201, response_model=ReportReceipt)
def post_report(body: ReportIn, key: PlatformKey, runtime: RuntimeDep) -> ReportReceipt:
    """A notice the platform received from one of its users (or a trusted flagger)."""
    notice = Notice(**body.model_dump())
    return _receipt(
        receive_report(runtime.store, platform=key.platform, notice=notice, actor=key.actor)
    )


@router.post("/public/platforms/{platform}/reports", status_code=201, response_model=ReportReceipt)
def post_public_report(
    platform: PlatformName, body: ReportIn, request: Request, runtime: RuntimeDep
) -> ReportReceipt:
    """A notice from anyone, signed in or not (Art. 16: the mechanism must be open to all).
    Rate-limited per address."""
    request.app.state.public_limit.check(request.client.host if request.client else "unknown")
    fields = body.model_dump()
    if fields["reporter_kind"] is ReporterKind.TRUSTED_FLAGGER:
        fields["reporter_kind"] = ReporterKind.ANONYMOUS  # trust comes with a key, not a claim
    return _receipt(
        receive_report(runtime.store, platform=platform, notice=Notice(**fields), actor="public")
    )


@router.post("/appeals", status_code=201, response_model=AppealOut)
def post_appeal(body: AppealIn, key: PlatformKey, runtime: RuntimeDep) -> AppealOut:
    """An internal complaint by the affected user or the notifier, sent by the platform."""
    filed = appeal(
        runtime.store,
        platform=key.platform,
        content_id=body.content_id,
        appellant_kind=body.appellant_kind,
        appellant_id=body.appellant_id,
        reason=body.reason,
        actor=key.actor,
    )
    return AppealOut(
        id=filed.id,
        content_id=filed.content_id,
        decision_id=filed.decision_id,
        status=filed.status.value,
        received_at=filed.received_at,
    )


def _statement(
    runtime: RuntimeDep,
    platform: str,
    content_id: str,
    language: str | None,
    accept_language: str | None,
) -> dict[str, object]:
    with runtime.store.transaction(write=False) as tx:
        item = tx.content.get(content_id, platform=platform)
        decision = tx.decisions.latest(content_id)
    if decision is None:
        raise NoStatement(f"content {content_id} has no decision yet", content_id=content_id)
    # The user's language: asked for, or their browser's, or the language they posted in.
    chosen = pick_language(language, accept_language, item.language)
    return statement_of_reasons(decision, external_id=item.external_id, language=chosen)


LanguageQuery = Annotated[
    str | None,
    Query(max_length=35, description="a language code such as de; English when not available"),
]
AcceptLanguage = Annotated[str | None, Header(max_length=500)]


@router.get("/content/{content_id}/statement", response_model=Statement)
def get_statement(
    content_id: str,
    key: PlatformKey,
    runtime: RuntimeDep,
    language: LanguageQuery = None,
    accept_language: AcceptLanguage = None,
) -> dict[str, object]:
    """The statement of reasons of the content's current decision, as JSON (404 if the
    decision restricts nothing), in the user's language where Haven has it."""
    return _statement(runtime, key.platform, content_id, language, accept_language)


@router.get("/content/{content_id}/statement.html", response_class=HTMLResponse)
def get_statement_page(
    content_id: str,
    key: PlatformKey,
    runtime: RuntimeDep,
    request: Request,
    language: LanguageQuery = None,
    accept_language: AcceptLanguage = None,
) -> HTMLResponse:
    """The same statement as a page the user can read."""
    return templates.TemplateResponse(
        request,
        "statement.html",
        {"s": _statement(runtime, key.platform, content_id, language, accept_language)},
    )
