"""The console application: its pages, static files, HTML error pages and security headers.
``haven.server`` mounts it at ``/console`` beside the API."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from haven.access.errors import NotAuthenticated
from haven.access.ratelimit import RateLimit, RateLimited
from haven.cases.errors import NoCase, NotPermitted
from haven.console import audit, auth, cases, queues
from haven.console.rendering import render
from haven.console.session import CsrfRejected, SignInRequired, login_url
from haven.content.errors import UnknownContent
from haven.errors import HavenError
from haven.runtime import Runtime

# The console loads nothing from elsewhere and may not be framed (clickjacking).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self';"
        " script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def _error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", None, status=status, message=message)


def _install_error_pages(console: FastAPI) -> None:
    @console.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired) -> Response:
        if request.method == "GET":
            return RedirectResponse(login_url(str(exc.data.get("next", ""))), status_code=303)
        return _error_page(request, 401, "Your session has ended. Sign in again.")

    statuses: list[tuple[type[HavenError], int]] = [
        (CsrfRejected, 403),
        (NotPermitted, 403),
        (NotAuthenticated, 401),
        (NoCase, 404),
        (UnknownContent, 404),
        (RateLimited, 429),
    ]

    @console.exception_handler(HavenError)
    async def refused(request: Request, exc: HavenError) -> Response:
        status = next((code for kind, code in statuses if isinstance(exc, kind)), 422)
        return _error_page(request, status, str(exc))

    @console.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()
        )
        return _error_page(request, 422, f"The form was not accepted: {problems}")

    @console.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_page(request, exc.status_code, str(exc.detail))


def create_console(runtime: Runtime) -> FastAPI:
    console = FastAPI(title="Haven console", docs_url=None, redoc_url=None, openapi_url=None)
    console.state.runtime = runtime
    per_minute = runtime.settings.logins_per_minute
    console.state.login_limit = RateLimit(per_minute=per_minute, burst=per_minute)
    console.add_middleware(SecurityHeaders)
    console.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for pages in (auth, queues, cases, audit):
        console.include_router(pages.router)
    _install_error_pages(console)
    return console
