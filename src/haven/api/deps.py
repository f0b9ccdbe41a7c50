"""Dependencies the routers declare with ``Annotated`` aliases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from haven.access.models import ApiKey, StaffAccount, StaffToken
from haven.access.roles import Reviewer
from haven.access.service import authenticate
from haven.access.staff import authenticate_staff, reviewer
from haven.runtime import Runtime


@dataclass(frozen=True)
class StaffSession:
    account: StaffAccount
    token: StaffToken
    reviewer: Reviewer


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


async def integration_key(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> ApiKey:
    """The platform's key, from ``X-API-Key`` or ``Authorization: Bearer …``. Async on
    purpose: one indexed read, cheaper on the event loop than a hop to the thread pool that
    every integration request would otherwise pay."""
    secret = x_api_key
    if secret is None and authorization and authorization.lower().startswith("bearer "):
        secret = authorization[7:].strip()
    return authenticate(runtime(request).store, secret)


def staff_token(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> StaffSession:
    """The signed-in staff member, from ``Authorization: Bearer hvs_…``."""
    secret = (
        authorization[7:].strip()
        if authorization and authorization.lower().startswith("bearer ")
        else None
    )
    account, token = authenticate_staff(runtime(request).store, secret)
    return StaffSession(account, token, reviewer(account))


RuntimeDep = Annotated[Runtime, Depends(runtime)]
StaffDep = Annotated["StaffSession", Depends(staff_token)]
PlatformKey = Annotated[ApiKey, Depends(integration_key)]
