"""The vulnerability disclosure programme: ``/.well-known/security.txt``; the researcher's
report form (``/security/report``) and JSON API (``/v1/security/reports``) with a tracking
token; the programme and acknowledgements pages; and the staff triage API
(``/v1/security/triage``, administrators)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Header, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.templating import Jinja2Templates
from pydantic import Field

from haven.access.ratelimit import RateLimited
from haven.api.deps import RuntimeDep, StaffDep
from haven.api.schemas import Strict
from haven.disclosure import intake, models, service, views
from haven.disclosure.errors import (
    InvalidSecurityReport,
    InvalidVector,
    UnknownSecurityReport,
)
from haven.disclosure.rewards import reward_table
from haven.disclosure.scoring import MAX_VECTOR
from haven.disclosure.security_txt import PATH as SECURITY_TXT
from haven.disclosure.security_txt import SecurityTxt, expires
from haven.disclosure.sla import sla_table
from haven.disclosure.states import TRANSITIONS, State
from haven.runtime import Runtime

FORM_PAGE = "/security/report"
STATUS_PAGE = "/security/status"
POLICY_PAGE = "/security/policy"
ACKNOWLEDGEMENTS_PAGE = "/security/acknowledgements"
# The pages take no scripts, frames or outside resources; the receipt and status pages show
# the tracking token, so they are neither cached nor leaked through a Referer.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
PRIVATE_HEADERS = {**PAGE_HEADERS, "Cache-Control": "no-store"}
router = APIRouter(tags=["vulnerability disclosure"])
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


class SecurityReportIn(Strict):
    title: str = Field(min_length=1, max_length=models.MAX_TITLE)
    description: str = Field(min_length=1, max_length=models.MAX_TEXT)
    asset: str = Field(min_length=1, max_length=models.MAX_ASSET, description="URL or component")
    steps: str = Field(min_length=1, max_length=models.MAX_TEXT, description="to reproduce")
    cvss31: str | None = Field(default=None, max_length=MAX_VECTOR, description="CVSS:3.1/…")
    cvss40: str | None = Field(default=None, max_length=MAX_VECTOR, description="CVSS:4.0/…")
    researcher_name: str | None = Field(default=None, max_length=models.MAX_NAME)
    researcher_contact: str | None = Field(default=None, max_length=models.MAX_CONTACT)
    acknowledge: bool = Field(default=False, description="consent to be named once resolved")


class StateIn(Strict):
    state: Literal["new", "triaged", "duplicate", "not_applicable", "resolved"]
    duplicate_of: str | None = Field(default=None, max_length=36)


class ScoreIn(Strict):
    cvss31: str | None = Field(default=None, max_length=MAX_VECTOR)
    cvss40: str | None = Field(default=None, max_length=MAX_VECTOR)


class MessageIn(Strict):
    body: str = Field(min_length=1, max_length=models.MAX_MESSAGE)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _base(request: Request, runtime: Runtime) -> str:
    """The public https:// address: the setting, else this request's host (security.txt must
    be served over HTTPS, so a TLS-terminating proxy's plain-HTTP hop does not count)."""
    configured = runtime.settings.security_base_url
    return configured.rstrip("/") if configured else f"https://{request.url.netloc}"


def _page(
    request: Request, name: str, context: dict[str, Any], status: int = 200, *, private: bool
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        name,
        context,
        status_code=status,
        headers=PRIVATE_HEADERS if private else PAGE_HEADERS,
    )


# --- Public -----------------------------------------------------------------------------------


@router.get(SECURITY_TXT, response_class=PlainTextResponse)
def get_security_txt(request: Request, runtime: RuntimeDep) -> PlainTextResponse:
    """RFC 9116: where and how to report a vulnerability in this platform."""
    settings, base = runtime.settings, _base(request, runtime)
    contacts = [settings.security_contact] if settings.security_contact else []
    text = SecurityTxt(
        contacts=(*contacts, base + FORM_PAGE),
        expires=expires(runtime.store.clock.now()),
        policy=settings.security_policy_url or base + POLICY_PAGE,
        acknowledgments=base + ACKNOWLEDGEMENTS_PAGE,
        canonical=base + SECURITY_TXT,
        languages=tuple(tag.strip() for tag in settings.security_languages.split(",")),
    )
    return PlainTextResponse(text.render())


@router.post("/v1/security/reports", status_code=201)
def post_report(body: SecurityReportIn, request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    """A researcher's report (no account). Keep the token: it is shown once and is the only
    way to follow the report. Rate-limited per address."""
    request.app.state.public_limit.check(_client(request))
    receipt = intake.submit(
        runtime.store,
        **body.model_dump(exclude={"cvss31", "cvss40"}),
        proposed_cvss31=body.cvss31,
        proposed_cvss40=body.cvss40,
    )
    return {
        "id": receipt.report.id,
        "token": receipt.token,
        "received_at": receipt.report.received_at.isoformat(),
        "state": receipt.report.triage.state.value,
        "status_url": f"/v1/security/reports/{receipt.report.id}",
    }


@router.get("/v1/security/reports/{report_id}")
def get_report_status(
    report_id: str,
    x_report_token: Annotated[str, Header(max_length=100)],
    runtime: RuntimeDep,
) -> dict[str, Any]:
    """The report's progress for its researcher, with the token in ``X-Report-Token``."""
    report, messages = intake.track(runtime.store, report_id, x_report_token)
    return views.researcher_view(report, messages, runtime.store.clock.now())


@router.get(FORM_PAGE, response_class=HTMLResponse)
def report_form(request: Request) -> HTMLResponse:
    return _page(request, "security_report.html", {"form": {}}, private=False)


@router.post(FORM_PAGE, response_class=HTMLResponse)
def submit_form(
    request: Request,
    runtime: RuntimeDep,
    title: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    asset: Annotated[str, Form()] = "",
    steps: Annotated[str, Form()] = "",
    cvss31: Annotated[str, Form()] = "",
    cvss40: Annotated[str, Form()] = "",
    researcher_name: Annotated[str, Form()] = "",
    researcher_contact: Annotated[str, Form()] = "",
    acknowledge: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    """The form's submission: the receipt page, or the form again with what to fix.
    Rate-limited per address, like the JSON route."""
    form = {
        "title": title,
        "description": description,
        "asset": asset,
        "steps": steps,
        "researcher_name": researcher_name,
        "researcher_contact": researcher_contact,
        "acknowledge": acknowledge,
    }
    try:
        request.app.state.public_limit.check(_client(request))
        receipt = intake.submit(
            runtime.store, **form, proposed_cvss31=cvss31, proposed_cvss40=cvss40
        )
    except (InvalidSecurityReport, InvalidVector, RateLimited) as exc:
        status = 429 if isinstance(exc, RateLimited) else 422
        context = {
            "form": {**form, "cvss31": cvss31, "cvss40": cvss40},
            "error": exc.message,
            "field": exc.data.get("field"),
        }
        return _page(request, "security_report.html", context, status, private=True)
    return _page(request, "security_report.html", {"receipt": receipt}, 201, private=True)


@router.get(STATUS_PAGE, response_class=HTMLResponse)
def status_form(request: Request) -> HTMLResponse:
    return _page(request, "security_status.html", {}, private=True)


@router.post(STATUS_PAGE, response_class=HTMLResponse)
def status_page(
    request: Request,
    runtime: RuntimeDep,
    report_id: Annotated[str, Form(max_length=100)] = "",
    token: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    """The tracking page (a form post, so the token stays out of URLs and logs)."""
    try:
        report, messages = intake.track(runtime.store, report_id, token)
    except UnknownSecurityReport as exc:
        return _page(request, "security_status.html", {"error": exc.message}, 404, private=True)
    view = views.researcher_view(report, messages, runtime.store.clock.now())
    return _page(request, "security_status.html", {"r": view}, private=True)


def _programme() -> dict[str, Any]:
    return {
        "states": {s.value: sorted(t.value for t in TRANSITIONS[s]) for s in State},
        "sla": sla_table().as_dict(),
        "rewards": reward_table().as_dict(),
    }


@router.get("/v1/security/programme")
def get_programme() -> dict[str, Any]:
    """The triage states and their moves, the service levels and the rewards."""
    return _programme()


@router.get(POLICY_PAGE, response_class=HTMLResponse)
def policy_page(request: Request) -> HTMLResponse:
    context = {"p": _programme(), "form_page": FORM_PAGE, "status_page": STATUS_PAGE}
    return _page(request, "security_policy.html", context, private=False)


def _acknowledgements(runtime: Runtime) -> list[dict[str, Any]]:
    return [views.acknowledgement(r) for r in intake.acknowledgements(runtime.store)]


@router.get("/v1/security/acknowledgements")
def get_acknowledgements(runtime: RuntimeDep) -> dict[str, Any]:
    """Researchers who reported a vulnerability that is now resolved, and agreed to be named."""
    return {"acknowledgements": _acknowledgements(runtime)}


@router.get(ACKNOWLEDGEMENTS_PAGE, response_class=HTMLResponse)
def acknowledgements_page(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    context = {"acknowledgements": _acknowledgements(runtime)}
    return _page(request, "security_acknowledgements.html", context, private=False)


# --- Staff triage (administrators) --------------------------------------------------------------


@router.get("/v1/security/triage/reports")
def list_reports(
    staff: StaffDep,
    runtime: RuntimeDep,
    state: State | None = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[dict[str, Any]]:
    """Reports oldest first, each with its service-level clocks."""
    found = service.reports(runtime.store, staff.reviewer, state=state, limit=limit, offset=offset)
    now = runtime.store.clock.now()
    return [views.summary(r, now) for r in found]


@router.get("/v1/security/triage/breached")
def breached_reports(
    staff: StaffDep, runtime: RuntimeDep, include_closed: bool = False
) -> list[dict[str, Any]]:
    """Open reports past a service-level deadline (``include_closed``: closed ones that were
    late too)."""
    found = service.breached(runtime.store, staff.reviewer, include_closed=include_closed)
    now = runtime.store.clock.now()
    return [views.summary(r, now) for r in found]


@router.get("/v1/security/triage/reports/{report_id}")
def get_report(report_id: str, staff: StaffDep, runtime: RuntimeDep) -> dict[str, Any]:
    found = service.dossier(runtime.store, staff.reviewer, report_id)
    return views.staff_view(found.report, found.messages, found.history, runtime.store.clock.now())


@router.post("/v1/security/triage/reports/{report_id}/state")
def change_state(
    report_id: str, body: StateIn, staff: StaffDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Move the report: new → triaged | duplicate | not_applicable; triaged → resolved |
    duplicate | not_applicable; duplicate | not_applicable → triaged. 409 otherwise."""
    report = service.change_state(
        runtime.store,
        staff.reviewer,
        report_id,
        state=body.state,
        duplicate_of=body.duplicate_of,
    )
    return views.summary(report, runtime.store.clock.now())


@router.put("/v1/security/triage/reports/{report_id}/score")
def set_score(
    report_id: str, body: ScoreIn, staff: StaffDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Staff's CVSS 3.1 and/or 4.0 vector; the severity (and the reward) follow."""
    report = service.set_score(
        runtime.store, staff.reviewer, report_id, cvss31=body.cvss31, cvss40=body.cvss40
    )
    return views.summary(report, runtime.store.clock.now())


@router.post("/v1/security/triage/reports/{report_id}/messages", status_code=201)
def post_message(
    report_id: str, body: MessageIn, staff: StaffDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """A message to the researcher, shown where they track the report."""
    message = service.respond(runtime.store, staff.reviewer, report_id, body.body)
    return {"id": message.id, "at": message.at.isoformat(), "author": message.author}
