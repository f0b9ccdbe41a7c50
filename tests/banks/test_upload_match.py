"""An upload through the API that matches a child-safety bank: removed at once, its case in
the child-safety queue that only the specialist role sees (on both databases)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.banks.test_banks import CHANGES, PHOTOS, _picture
from tests.conftest import make_runtime

from haven.access.service import create_key
from haven.api.app import create_app
from haven.banks import service
from haven.banks.models import BankCategory
from haven.runtime import Runtime


@pytest.fixture
def hashing_runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = make_runtime(
        database_url,
        tmp_path,
        HAVEN_MEDIA_DIR=str(tmp_path / "media"),
        HAVEN_SCAN_ANALYZERS="hashes",
    )
    yield runtime
    runtime.close()


def _bank_child_safety(runtime: Runtime, picture: Path) -> dict[str, str]:
    """Bank the picture as known child-safety material; the platform's key headers."""
    service.add_media(
        runtime.store,
        bank="CSAM_TEST",
        paths=[picture],
        category=BankCategory.CHILD_SAFETY,
        actor="t",
    )
    return {"X-API-Key": create_key(runtime.store, platform="clips", name="t", actor="t").secret}


def _upload_and_wait(
    client: TestClient, key: dict[str, str], picture: Path, data: dict[str, str] | None = None
) -> dict[str, Any]:
    """Upload a picture and wait for the embedded worker's decision; the content's state."""
    posted = client.post(
        "/v1/content/media",
        headers=key,
        files={"file": (picture.name, picture.read_bytes(), "image/png")},
        data=data or {},
    )
    assert posted.status_code == 202, posted.text
    deadline = time.monotonic() + 60
    while (state := client.get(f"/v1/content/{posted.json()['id']}", headers=key).json())[
        "state"
    ] == "pending":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return state  # type: ignore[no-any-return]


def test_a_banked_picture_uploaded_again_is_removed_and_queued_for_child_safety(
    hashing_runtime: Runtime, tmp_path: Path
) -> None:
    runtime = hashing_runtime
    key = _bank_child_safety(runtime, _picture(tmp_path, "known", PHOTOS[0]))
    upload = _picture(tmp_path, "upload", CHANGES["letterboxed-mirrored"](PHOTOS[0]))
    with TestClient(create_app(runtime, embedded_worker=True)) as client:
        state = _upload_and_wait(client, key, upload)
    content_id = state["id"]
    decision = state["decision"]
    names = [t["name"] for t in decision["treatments"]]
    assert decision["outcome"] == "restrict" and "remove" in names and "hold_for_review" in names
    assert "child_sexual_exploitation_grooming" in decision["categories"]
    with runtime.store.transaction(write=False) as tx:
        case = tx.cases.get(content_id)
    assert case is not None and case.queue == "child_safety"


def test_the_evidence_is_held_and_a_report_drafted_never_sent(
    hashing_runtime: Runtime, tmp_path: Path
) -> None:
    from haven.access.staff import create_staff

    runtime = hashing_runtime
    known = _picture(tmp_path, "known", PHOTOS[1])
    key = _bank_child_safety(runtime, known)
    for name, role in (("cara", "child_safety"), ("alice", "moderator")):
        create_staff(
            runtime.store, username=name, role=role, password="correct horse battery", actor="t"
        )
    with TestClient(create_app(runtime, embedded_worker=True)) as client:
        data = {"author_id": "user-666", "external_id": "post-9"}
        content_id = _upload_and_wait(client, key, known, data)["id"]
        tokens = {
            name: client.post(
                "/v1/staff/login", json={"username": name, "password": "correct horse battery"}
            ).json()["token"]
            for name in ("cara", "alice")
        }
        url = f"/v1/review/cases/{content_id}/authority-report"
        refused = client.get(url, headers={"Authorization": f"Bearer {tokens['alice']}"})
        assert refused.status_code == 403
        answer = client.get(url, headers={"Authorization": f"Bearer {tokens['cara']}"}).json()
    assert answer["legal_hold"] is True
    draft = answer["drafts"][0]
    assert draft["sent"] is False and draft["status"] == "draft"
    assert draft["incidentSummary"]["incidentType"].startswith("Child Pornography")
    assert draft["personOrUserReported"]["espIdentifier"] == "user-666"
    assert draft["internetDetails"]["webPageIncident"]["platformContentId"] == "post-9"
    upload = draft["uploadedFiles"][0]
    assert {h["hashType"] for h in upload["originalFileHash"]} == {"MD5", "SHA256"}
    assert {m["bank"] for m in upload["matchedHashLists"]} == {"CSAM_TEST"}
    with runtime.store.transaction(write=False) as tx:
        kinds = [e.kind for e in tx.audit.entries(subject_type="content", subject_id=content_id)]
    assert "content.legal_hold" in kinds
