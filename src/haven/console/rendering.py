"""One way to render a console page: the template, the session (for the header, the CSRF
field and the role) and the page's own context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from haven.console.evidence import clock
from haven.console.session import ConsoleSession
from haven.taxonomy import UnknownCategory, category

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


templates.env.filters["clock"] = clock
templates.env.filters["label"] = lambda name: str(name).replace("_", " ")


def _queue_name(queue: str) -> str:
    """A category queue by its taxonomy name; the other queues by their own."""
    try:
        return category(queue).name
    except UnknownCategory:
        return queue.replace("_", " ").capitalize()


templates.env.filters["queue"] = _queue_name


def render(
    request: Request,
    template: str,
    session: ConsoleSession | None,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, f"pages/{template}", {"session": session, **context}, status_code=status
    )
