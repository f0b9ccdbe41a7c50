"""The access log: one line per request, with the route's template, never its values.

A request's path and query carry user ids (``/v1/wellbeing/users/{user_id}``), content ids
and search terms; the client's address is personal data too. So the line names the method,
the route as declared (``/v1/privacy/subjects/{user_id}/export``) and the status, and nothing
else; ``haven serve`` turns uvicorn's own access log (path, query and address) off."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("haven.access")
UNROUTED = "(no route)"


def route_template(scope: Scope, request: Scope, routes: Sequence[BaseRoute]) -> str:
    """The declared path of the route that took the request: the API route routing chose
    (under any mount), else the app's route or mount whose pattern the request's path fits
    (the docs, static files), else UNROUTED: a path nothing matched may be someone's id."""
    route: Any = scope.get("route")
    if isinstance(route, APIRoute):
        return f"{scope.get('root_path', '')}{route.path}"
    for candidate in routes:
        match, _ = candidate.matches(dict(request))
        if match is not Match.NONE:  # PARTIAL: the path fits, the method does not (405)
            return str(getattr(candidate, "path_format", UNROUTED))
    return UNROUTED


class AccessLog:
    """Pure ASGI middleware: logs when the response starts, by which time routing has put the
    route in the scope. ``routes`` gives the app's routes at that moment (the console is
    mounted after the API is built)."""

    def __init__(self, app: ASGIApp, routes: Callable[[], Sequence[BaseRoute]]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # What the request was before routing rewrites the scope (root_path, path_params).
        request = {
            "type": "http",
            "method": scope["method"],
            "path": scope["path"],
            "root_path": scope.get("root_path", ""),
        }

        async def logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                template = route_template(scope, request, self.routes())
                log.info("%s %s %d", scope["method"], template, message["status"])
            await send(message)

        await self.app(scope, receive, logged)
