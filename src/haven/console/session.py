"""Console sessions: a staff token in an HttpOnly, SameSite=Strict cookie, and a CSRF token
that every form posts back. A bearer token issued for the API has no CSRF token and does not
open a console session."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, Response

from haven.access.errors import NotAuthenticated
from haven.access.models import StaffAccount, StaffToken
from haven.access.roles import Reviewer
from haven.access.staff import TOKEN_LIFETIME, authenticate_staff, reviewer
from haven.errors import HavenError
from haven.runtime import Runtime

SESSION_COOKIE = "haven_console"
LOGIN_CSRF_COOKIE = "haven_console_login"
COOKIE_PATH = "/console"


class SignInRequired(HavenError):
    """No valid console session: the console answers with the login page."""

    code = "sign_in_required"


class CsrfRejected(HavenError):
    """A form came without the session's CSRF token (a cross-site request, or a stale page)."""

    code = "csrf_rejected"


@dataclass(frozen=True)
class ConsoleSession:
    account: StaffAccount
    token: StaffToken
    reviewer: Reviewer

    @property
    def csrf(self) -> str:
        return self.token.csrf or ""


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def console_session(request: Request) -> ConsoleSession:
    try:
        account, token = authenticate_staff(
            runtime(request).store, request.cookies.get(SESSION_COOKIE)
        )
    except NotAuthenticated:
        raise SignInRequired("sign in to use the console", next=request.url.path) from None
    if token.csrf is None:  # an API token copied into the cookie
        raise SignInRequired("sign in to use the console", next=request.url.path)
    return ConsoleSession(account, token, reviewer(account))


async def checked_session(request: Request) -> ConsoleSession:
    """The session of a form post whose ``csrf`` field matches the session's token."""
    session = console_session(request)
    form = await request.form()
    submitted = form.get("csrf")
    if not isinstance(submitted, str) or not secrets.compare_digest(submitted, session.csrf):
        raise CsrfRejected(
            "the form is stale or came from another site; reload the page and try again"
        )
    return session


def login_url(next_path: str) -> str:
    return f"{COOKIE_PATH}/login?next={quote(next_path, safe='/')}"


def safe_next(next_path: str | None) -> str:
    """Only a console path may follow a login (no open redirect to another site)."""
    if next_path and next_path.startswith(f"{COOKIE_PATH}/") and "//" not in next_path:
        return next_path
    return f"{COOKIE_PATH}/queues"


def set_session_cookie(response: Response, request: Request, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(TOKEN_LIFETIME.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def set_login_csrf(response: Response, request: Request, value: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        value,
        max_age=3600,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


RuntimeDep = Annotated[Runtime, Depends(runtime)]
SessionDep = Annotated[ConsoleSession, Depends(console_session)]
FormSessionDep = Annotated[ConsoleSession, Depends(checked_session)]
