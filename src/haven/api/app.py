"""The API application: ``create_app(runtime)``. ``haven.server`` adds the console beside it,
and ``haven serve`` an in-process worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from haven import __version__
from haven.access.ratelimit import RateLimit
from haven.api import (
    brandsafety,
    cases,
    content,
    disclosure,
    errors,
    privacy,
    review,
    transparency,
    wellbeing,
)
from haven.api.access_log import AccessLog
from haven.api.content import MEDIA_PATH
from haven.api.limits import BodyLimit
from haven.runtime import Runtime

# JSON bodies: a text is at most 100,000 characters (400 KB of UTF-8 at worst) plus its context.
MAX_JSON_BYTES = 512 * 1024


def create_app(
    runtime: Runtime, *, embedded_worker: bool = False, close_runtime: bool = False
) -> FastAPI:
    """The API over ``runtime``. With ``embedded_worker`` the app runs one worker in its own
    process while it serves (``haven serve``); otherwise workers run apart (``haven worker``)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        worker = runtime.worker(embedded=True) if embedded_worker else None
        if worker:
            worker.start()
        try:
            yield
        finally:
            if worker:
                worker.stop()
            if close_runtime:
                runtime.close()

    app = FastAPI(
        title="Haven",
        version=__version__,
        summary="Trust, safety and well-being decisions for short-video communities",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.add_middleware(
        BodyLimit, max_bytes=MAX_JSON_BYTES, larger={MEDIA_PATH: runtime.settings.max_upload_bytes}
    )
    # Outside BodyLimit, so its 413s are logged too.
    app.add_middleware(AccessLog, routes=lambda: app.routes)
    errors.install(app)
    app.include_router(content.router)
    app.include_router(cases.router)
    app.include_router(review.router)
    app.include_router(wellbeing.router)
    app.include_router(brandsafety.router)
    app.include_router(transparency.router)
    app.include_router(disclosure.router)
    app.include_router(privacy.router)
    settings = runtime.settings
    app.state.login_limit = RateLimit(
        per_minute=settings.logins_per_minute, burst=settings.logins_per_minute
    )
    app.state.public_limit = RateLimit(
        per_minute=settings.public_reports_per_minute, burst=2 * settings.public_reports_per_minute
    )

    @app.get("/health/live", tags=["health"])
    def live() -> dict[str, str]:
        """The process answers."""
        return {"status": "live"}

    @app.get("/health/ready", tags=["health"])
    def ready() -> JSONResponse:
        """The store answers and its schema is current."""
        try:
            runtime.database.check_schema()
        except Exception as exc:  # any failure means not ready; the reason is in the body
            return JSONResponse(errors.error_body("not_ready", str(exc)), 503)
        return JSONResponse({"status": "ready"})

    return app
