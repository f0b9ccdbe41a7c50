"""Signing in and out of the console."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from haven.access.errors import LoginFailed
from haven.access.staff import login, logout
from haven.console.rendering import render
from haven.console.session import (
    COOKIE_PATH,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CsrfRejected,
    FormSessionDep,
    RuntimeDep,
    safe_next,
    set_login_csrf,
    set_session_cookie,
)

router = APIRouter()
Field = Annotated[str, Form(max_length=200)]


def _login_page(
    request: Request, next_path: str, *, error: str | None = None, status: int = 200
) -> HTMLResponse:
    # Login CSRF: the form echoes a random value that is also in a SameSite=Strict cookie.
    nonce = secrets.token_urlsafe(24)
    page = render(
        request,
        "login.html",
        None,
        status=status,
        next=safe_next(next_path),
        nonce=nonce,
        error=error,
    )
    set_login_csrf(page, request, nonce)
    return page


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> HTMLResponse:
    return _login_page(request, next)


@router.post("/login", response_class=HTMLResponse)
def sign_in(
    request: Request,
    runtime: RuntimeDep,
    username: Field,
    password: Field,
    nonce: Field,
    next: Field = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(nonce, expected):
        raise CsrfRejected("the sign-in form is stale or came from another site; try again")
    request.app.state.login_limit.check(request.client.host if request.client else "unknown")
    try:
        issued = login(runtime.store, username=username, password=password, session=True)
    except LoginFailed as failed:
        return _login_page(request, next, error=str(failed), status=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, request, issued.secret)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=COOKIE_PATH)
    return response


@router.post("/logout")
def sign_out(session: FormSessionDep, runtime: RuntimeDep) -> Response:
    logout(runtime.store, session.token, session.account)
    response = RedirectResponse(f"{COOKIE_PATH}/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response
