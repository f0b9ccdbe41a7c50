"""Uploading a video through the API: streamed to disk, scanned by a job, decided; corrupt
and oversize uploads refused with nothing kept."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from tests.conftest import make_runtime

from haven.access.service import create_key
from haven.api.app import create_app
from haven.runtime import Runtime


@pytest.fixture
def media_runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = make_runtime(
        database_url,
        tmp_path,
        HAVEN_MEDIA_DIR=str(tmp_path / "media"),
        HAVEN_MAX_UPLOAD_BYTES="2000000",
        HAVEN_SCAN_ANALYZERS="photosensitivity,text,claims",
    )
    yield runtime
    runtime.close()


@pytest.fixture
def platform(media_runtime: Runtime) -> dict[str, str]:
    secret = create_key(media_runtime.store, platform="clips", name="t", actor="operator:t").secret
    return {"X-API-Key": secret}


def _stored(runtime: Runtime) -> list[Path]:
    root = runtime.settings.media_root
    return sorted(root.iterdir()) if root.exists() else []


def test_a_flashing_video_is_scanned_and_warned(
    media_runtime: Runtime, platform: dict[str, str], flashing_clip: Path
) -> None:
    client = TestClient(create_app(media_runtime))
    with flashing_clip.open("rb") as video:
        posted = client.post(
            "/v1/content/media",
            headers=platform,
            files={"file": ("clip.mp4", video, "video/mp4")},
            data={"caption": "watch till the end", "external_id": "v-1", "author_id": "user-42"},
        )
    assert posted.status_code == 202, posted.text
    body = posted.json()
    assert body["kind"] == "video" and body["state"] == "pending"
    assert len(_stored(media_runtime)) == 1
    assert media_runtime.worker().run(body["job_id"]) == "done"
    decided = client.get(f"/v1/content/{body['id']}", headers=platform).json()
    assert decided["state"] == "decided"
    names = [t["name"] for t in decided["decision"]["treatments"]]
    assert "photosensitivity_warning" in names
    warning = next(
        t for t in decided["decision"]["treatments"] if t["name"] == "photosensitivity_warning"
    )
    assert warning["reason"]
    notice = client.post(
        "/v1/reports",
        headers=platform,
        json={
            "content_id": body["id"],
            "category": "dangerous_challenges",
            "video_timestamp": 1.5,
            "explanation": "Flashing lights hurt.",
            "reporter_kind": "user",
            "reporter_id": "u-9",
            "good_faith": True,
            "notifier_name": "Ana",
            "notifier_email": "ana@example.org",
        },
    )
    assert notice.status_code == 201


@pytest.mark.parametrize(
    "payload", [b"not a video at all" * 100, b"", b"\x00\x00\x00\x18ftypmp42" + b"\xff" * 4000]
)
def test_a_file_that_does_not_decode_is_refused_and_not_kept(
    media_runtime: Runtime, platform: dict[str, str], payload: bytes
) -> None:
    client = TestClient(create_app(media_runtime))
    answer = client.post(
        "/v1/content/media", headers=platform, files={"file": ("clip.mp4", payload, "video/mp4")}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["message"]
    assert _stored(media_runtime) == []
    with media_runtime.store.transaction() as tx:
        assert [e.kind for e in tx.audit.entries()] == ["api_key.created"]


def test_an_oversize_upload_is_refused_before_it_is_read(
    media_runtime: Runtime, platform: dict[str, str]
) -> None:
    client = TestClient(create_app(media_runtime))
    answer = client.post(
        "/v1/content/media",
        headers=platform,
        files={"file": ("big.mp4", b"\x00" * 2_100_000, "video/mp4")},
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "body_too_large"
    assert _stored(media_runtime) == []


def test_bad_context_fields_are_refused(
    media_runtime: Runtime, platform: dict[str, str], flashing_clip: Path
) -> None:
    client = TestClient(create_app(media_runtime))
    for data in ({"region": "Germany"}, {"author_age_band": "teen"}, {"language": "??"}):
        answer = client.post(
            "/v1/content/media",
            headers=platform,
            data=data,
            files={"file": ("c.mp4", flashing_clip.read_bytes(), "video/mp4")},
        )
        assert answer.status_code == 422, (data, answer.text)
    assert _stored(media_runtime) == []


def test_unknown_or_repeated_form_fields_are_refused(
    media_runtime: Runtime, platform: dict[str, str], flashing_clip: Path
) -> None:
    client = TestClient(create_app(media_runtime))
    clip = flashing_clip.read_bytes()
    for data, field in (
        ({"captoin": "typo"}, "body.captoin"),
        ({"caption": ["one", "two"]}, "body.caption"),
    ):
        answer = client.post(
            "/v1/content/media",
            headers=platform,
            data=data,
            files={"file": ("c.mp4", clip, "video/mp4")},
        )
        assert answer.status_code == 422, answer.text
        problems = answer.json()["error"]["data"]["problems"]
        assert [p["field"] for p in problems] == [field]
    assert _stored(media_runtime) == []
    with media_runtime.store.transaction() as tx:
        assert [e.kind for e in tx.audit.entries()] == ["api_key.created"]


@pytest.mark.parametrize(("suffix", "codec"), [("png", "png"), ("jpg", "JPEG"), ("webp", "WEBP")])
def test_a_still_image_is_stored_and_scanned_as_an_image(
    media_runtime: Runtime, platform: dict[str, str], tmp_path: Path, suffix: str, codec: str
) -> None:
    picture = tmp_path / f"picture.{suffix}"
    pixels = np.random.default_rng(7).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(picture, format=codec if codec != "png" else "PNG")
    with TestClient(create_app(media_runtime, embedded_worker=True)) as client:
        answer = client.post(
            "/v1/content/media",
            headers=platform,
            data={"caption": "you're a worthless loser, nobody likes you"},
            files={"file": (picture.name, picture.read_bytes(), "application/octet-stream")},
        )
        assert answer.status_code == 202, answer.text
        assert answer.json()["kind"] == "image"
        content_id = answer.json()["id"]
        deadline = time.monotonic() + 60
        while (state := client.get(f"/v1/content/{content_id}", headers=platform).json())[
            "state"
        ] == "pending":
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert state["state"] == "decided", state
    assert "harassment_bullying" in state["decision"]["categories"]
    assert [p.suffix for p in _stored(media_runtime)] == [f".{suffix}"]
