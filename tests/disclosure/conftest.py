"""Fixtures of the disclosure tests: Haven on a fresh database of each kind with a clock the
tests move, an administrator's client, and a report helper."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from haven.access.roles import Reviewer, Role
from haven.access.staff import create_staff, login
from haven.api.app import create_app
from haven.clock import FixedClock
from haven.disclosure import intake
from haven.disclosure.models import Receipt
from haven.runtime import Runtime, build_runtime
from haven.settings import load_settings
from haven.store.transactions import SqlStore

ADMIN = Reviewer("admin:ada", Role.ADMIN)
CVSS31_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"  # 9.8
CVSS31_MEDIUM = "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N"  # 4.6
CVSS40_HIGH = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U"  # 8.1
REPORT: dict[str, Any] = {
    "title": "Stored XSS in the caption editor",
    "description": "A caption with an <img onerror> runs script for every viewer.",
    "asset": "https://clips.example/editor",
    "steps": "1. Open the editor\n2. Paste the payload\n3. Watch it run for a viewer",
    "researcher_name": "Grace H.",
    "researcher_contact": "grace@example.org",
    "acknowledge": True,
}


def submit(store: SqlStore, **changes: Any) -> Receipt:
    """A valid report, with ``changes`` to its fields."""
    return intake.submit(store, **{**REPORT, **changes})


def audit_size(store: SqlStore) -> int:
    with store.transaction(write=False) as tx:
        return tx.audit.head().seq


@pytest.fixture
def disclosure_runtime(database_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Runtime]:
    """Haven on a fresh database (both kinds) whose clock the test moves."""
    settings = load_settings(
        None,
        {
            "HAVEN_DATA_DIR": str(tmp_path / "data"),
            "HAVEN_DATABASE_URL": database_url,
            "HAVEN_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
            "HAVEN_SECURITY_CONTACT": "mailto:security@clips.example",
            "HAVEN_SECURITY_BASE_URL": "https://haven.clips.example",
            "HAVEN_SECURITY_LANGUAGES": "en, fr",
        },
    )
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    runtime.close()


@pytest.fixture
def public(disclosure_runtime: Runtime) -> TestClient:
    """Anyone: no key, no token."""
    return TestClient(create_app(disclosure_runtime))


PASSWORD = "correct horse battery"


def log_in(runtime: Runtime, client: TestClient, username: str) -> TestClient:
    """Give the client a fresh staff token (tokens last 12 hours of the moved clock)."""
    token = login(runtime.store, username=username, password=PASSWORD)
    client.headers["Authorization"] = f"Bearer {token.secret}"
    return client


def _staff_client(runtime: Runtime, username: str, role: str) -> TestClient:
    create_staff(runtime.store, username=username, role=role, password=PASSWORD, actor="t")
    return log_in(runtime, TestClient(create_app(runtime)), username)


@pytest.fixture
def admin(disclosure_runtime: Runtime) -> TestClient:
    return _staff_client(disclosure_runtime, "ada", "admin")


@pytest.fixture
def moderator(disclosure_runtime: Runtime) -> TestClient:
    return _staff_client(disclosure_runtime, "mo", "moderator")
