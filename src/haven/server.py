"""What ``haven serve`` runs: the API with the moderators' console mounted at ``/console``.

The two shells never import each other; this module composes them (DESIGN.md, house rules)."""

from __future__ import annotations

import gc

from fastapi import FastAPI

from haven.api.app import create_app as create_api
from haven.console.app import create_console
from haven.runtime import Runtime, build_runtime
from haven.settings import load_settings

CONSOLE_PATH = "/console"


def create_app(
    runtime: Runtime, *, embedded_worker: bool = False, close_runtime: bool = False
) -> FastAPI:
    """The API (see ``haven.api.app.create_app``) and the console, over one runtime."""
    app = create_api(runtime, embedded_worker=embedded_worker, close_runtime=close_runtime)
    app.mount(CONSOLE_PATH, create_console(runtime), name="console")
    return app


def _from_settings(embedded_worker: bool) -> FastAPI:
    runtime = build_runtime(load_settings())
    # The app built the runtime, so it closes it when the server shuts down.
    app = create_app(runtime, embedded_worker=embedded_worker, close_runtime=True)
    # Everything built so far lives as long as the process: keep it out of the garbage
    # collector's scans, which otherwise show up as pauses in request latency.
    gc.collect()
    gc.freeze()
    return app


def serve_with_worker() -> FastAPI:
    """Factory for ``haven serve`` (uvicorn ``--factory``): settings from the environment."""
    return _from_settings(embedded_worker=True)


def serve_without_worker() -> FastAPI:
    """Factory for ``haven serve --no-worker``: workers run apart (``haven worker``)."""
    return _from_settings(embedded_worker=False)
