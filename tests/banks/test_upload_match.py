"""An upload through the API that matches a child-safety bank: removed at once, its case in
the child-safety queue that only the specialist role sees (on both databases)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.banks.test_banks import CHANGES, PHOTOS, _picture

from haven.access.service import create_key
from haven.api.app import create_app
from haven.banks import service
from haven.banks.models import BankCategory
from haven.runtime import Runtime, build_runtime
from haven.settings import load_settings


@pytest.fixture
def hashing_runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    settings = load_settings(
        None,
        {
            "HAVEN_DATA_DIR": str(tmp_path / "data"),
            "HAVEN_DATABASE_URL": database_url,
            "HAVEN_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
            "HAVEN_MEDIA_DIR": str(tmp_path / "media"),
            "HAVEN_SCAN_ANALYZERS": "hashes",
        },
    )
    runtime = build_runtime(settings)
    yield runtime
    runtime.close()


def test_a_banked_picture_uploaded_again_is_removed_and_queued_for_child_safety(
    hashing_runtime: Runtime, tmp_path: Path
) -> None:
    runtime = hashing_runtime
    known = _picture(tmp_path, "known", PHOTOS[0])
    service.add_media(
        runtime.store,
        bank="CSAM_TEST",
        paths=[known],
        category=BankCategory.CHILD_SAFETY,
        actor="t",
    )
    key = {"X-API-Key": create_key(runtime.store, platform="clips", name="t", actor="t").secret}
    upload = _picture(tmp_path, "upload", CHANGES["letterboxed-mirrored"](PHOTOS[0]))
    with TestClient(create_app(runtime, embedded_worker=True)) as client:
        posted = client.post(
            "/v1/content/media",
            headers=key,
            files={"file": ("u.png", upload.read_bytes(), "image/png")},
        )
        assert posted.status_code == 202, posted.text
        content_id = posted.json()["id"]
        deadline = time.monotonic() + 60
        while (state := client.get(f"/v1/content/{content_id}", headers=key).json())[
            "state"
        ] == "pending":
            assert time.monotonic() < deadline
            time.sleep(0.1)
    decision = state["decision"]
    names = [t["name"] for t in decision["treatments"]]
    assert decision["outcome"] == "restrict" and "remove" in names and "hold_for_review" in names
    assert "child_sexual_exploitation_grooming" in decision["categories"]
    with runtime.store.transaction(write=False) as tx:
        case = tx.cases.get(content_id)
    assert case is not None and case.queue == "child_safety"
