"""Dependencies the routers declare with ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from haven.access.models import ApiKey
from haven.access.service import authenticate
from haven.runtime import Runtime


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def integration_key(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> ApiKey:
    """The platform's key, from ``Authorization: Bearer …`` or ``X-API-Key``."""
    secret = x_api_key
    if authorization and authorization.lower().startswith("bearer "):
        secret = authorization[7:].strip()
    return authenticate(runtime(request).store, secret)


RuntimeDep = Annotated[Runtime, Depends(runtime)]
PlatformKey = Annotated[ApiKey, Depends(integration_key)]
