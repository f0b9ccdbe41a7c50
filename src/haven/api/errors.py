"""Domain errors → HTTP statuses, and one error body for every failure:
``{"error": {"code": ..., "message": ..., "data": {...}}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from haven.access.errors import LoginFailed, NotAuthenticated
from haven.access.ratelimit import RateLimited
from haven.brandsafety.service import UnknownCampaign
from haven.cases.errors import CaseNotClaimable, NoCase, NotPermitted
from haven.content.errors import UnknownContent
from haven.decisions.errors import NoStatement
from haven.disclosure.errors import InvalidTransition, NotSecurityStaff, UnknownSecurityReport
from haven.errors import HavenError, InputError
from haven.jobs.errors import QueueUnavailable, UnknownJob
from haven.privacy.errors import UnknownSubject
from haven.store.database import DatabaseUnavailable
from haven.transparency.service import UnknownOrder
from haven.wellbeing.errors import (
    NotPaired,
    PairingRefused,
    TooManyAttempts,
    UnknownResource,
    UnknownUser,
)

STATUS: list[tuple[type[HavenError], int]] = [
    (UnknownSecurityReport, 404),
    (NotSecurityStaff, 403),
    (InvalidTransition, 409),
    (UnknownUser, 404),
    (UnknownCampaign, 404),
    (UnknownOrder, 404),
    (UnknownResource, 404),
    (NotPaired, 403),
    (TooManyAttempts, 429),
    (PairingRefused, 422),
    (NotAuthenticated, 401),
    (LoginFailed, 401),
    (NotPermitted, 403),
    (NoStatement, 404),
    (NoCase, 409),
    (CaseNotClaimable, 409),
    (RateLimited, 429),
    (UnknownContent, 404),
    (UnknownJob, 404),
    (UnknownSubject, 404),
    (DatabaseUnavailable, 503),
    (QueueUnavailable, 503),
    (InputError, 422),
]


def error_body(code: str, message: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "data": data or {}}}


def _status(exc: HavenError) -> int:
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return 500


def install(app: FastAPI) -> None:
    @app.exception_handler(HavenError)
    async def haven_error(_: Request, exc: HavenError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
        if isinstance(exc, RateLimited):
            headers = {"Retry-After": str(exc.data["retry_after"])}
        data = {k: v for k, v in exc.data.items() if isinstance(v, str | int | float | bool)}
        return JSONResponse(error_body(exc.code, exc.message, data), _status(exc), headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in exc.errors()
        ]
        message = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
        return JSONResponse(
            {
                "error": {
                    "code": "invalid_request",
                    "message": message,
                    "data": {"problems": problems},
                }
            },
            422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
            exc.status_code, "http_error"
        )
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, exc.headers)
