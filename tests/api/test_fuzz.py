"""Fuzzing every operation of the OpenAPI document (schemathesis): whatever arrives, no 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from haven.access.service import create_key
from haven.access.staff import create_staff, login
from haven.api.app import create_app
from haven.runtime import Runtime, build_runtime
from haven.settings import load_settings

# Every request carries a platform key (X-API-Key) and an administrator's token (Bearer), so
# the fuzzer reaches the handlers behind authentication, not only the 401s.
HEADERS: dict[str, str] = {}
EXAMPLES = 25


@pytest.fixture
def fuzz_runtime(tmp_path: Path) -> Iterator[Runtime]:
    settings_ = load_settings(
        None,
        {
            "HAVEN_DATA_DIR": str(tmp_path / "data"),
            "HAVEN_DATABASE_URL": f"sqlite:///{tmp_path / 'haven.sqlite3'}",
            "HAVEN_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        },
    )
    runtime = build_runtime(settings_)
    yield runtime
    runtime.close()


@pytest.fixture
def api_app(fuzz_runtime: Runtime) -> FastAPI:
    runtime = fuzz_runtime
    key = create_key(runtime.store, platform="clips", name="fuzz", actor="operator:test")
    create_staff(
        runtime.store,
        username="ada",
        role="admin",
        password="correct horse battery",
        actor="operator:test",
    )
    token = login(runtime.store, username="ada", password="correct horse battery")
    HEADERS.update({"X-API-Key": key.secret, "Authorization": f"Bearer {token.secret}"})
    app = create_app(runtime)
    app.state.public_limit.burst = app.state.login_limit.burst = 1e9  # fuzz, not throttle
    return app


def test_no_operation_answers_500(api_app: FastAPI) -> None:
    """Each operation gets generated requests, valid and invalid; any 5xx fails the test.
    (Schemathesis's pytest plugin needs pytest internals that pytest 9 removed, so the
    operations are driven through Hypothesis here.)"""
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Logging out revokes the token every other call uses: fuzz it last.
    operations.sort(key=lambda operation: operation.path == "/v1/staff/logout")
    assert len(operations) >= 15
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: schemathesis.Case) -> None:
            # The generated Authorization and X-API-Key values would win over ours; the
            # authentication paths have their own tests.
            ours = {name.lower() for name in HEADERS}
            kept = {k: v for k, v in (case.headers or {}).items() if k.lower() not in ours}
            case.headers = {**kept, **HEADERS}
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.text[:300]}")

        fuzz()
    assert failures == []
