"""No personal data in logs: a real flow (uploads, notices, appeals, well-being, pairing, export,
erasure) with every log record captured, in this process and from `haven serve` as an operator
runs it; none names the person, their email or their words. And the safety net that masks
emails and secrets in whatever reaches a record."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from haven.privacy.logs import MASK, install_log_redaction, redact, redact_record

from .conftest import EMAIL, NAME, PERSON, PLATFORM, TEXTS, Scenario, personal_needles, populate


def test_emails_and_secrets_are_masked_whatever_logs_them() -> None:
    line = "mail ana.lima+x@example.org key hvn_0a1b2c_abcdefghijkl token hvs_ZYXWVUTSRQ_0123"
    assert redact(line) == f"mail {MASK} key {MASK} token {MASK}"
    assert (
        redact("job 3f2a attempt 1 failed (ValueError)") == "job 3f2a attempt 1 failed (ValueError)"
    )
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s wrote %d", ("a@b.io", 3), None)
    assert redact_record(record).getMessage() == f"{MASK} wrote 3"
    try:
        raise ValueError("no user with email a@b.io")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert "a@b.io" not in logging.Formatter().format(redact_record(record))


def test_the_safety_net_masks_records_once_installed(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    install_log_redaction()  # once per process, however often runtimes are built
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("contacting %s", "ana@example.org")
    assert caplog.records[-1].getMessage() == f"contacting {MASK}"


def _leaks(lines: list[str]) -> list[str]:
    return [line for line in lines if any(n in line for n in personal_needles())]


def test_an_in_process_flow_logs_nothing_personal(
    base: Scenario, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    s = populate(base, tmp_path)
    staff = s.as_staff("ada")
    export = s.client.get(
        f"/v1/privacy/subjects/{PERSON}/export", params={"platform": PLATFORM}, headers=staff
    )
    erased = s.client.post(
        f"/v1/privacy/subjects/{PERSON}/erasure", json={"platform": PLATFORM}, headers=staff
    )
    assert export.status_code == erased.status_code == 200
    # Everything Haven's side logged (the test's own HTTP client logs its requests too).
    lines = [
        logging.Formatter("%(name)s %(message)s").format(r)
        for r in caplog.records
        if "http://testserver/" not in r.getMessage()
    ]
    assert any("GET /v1/privacy/subjects/{user_id}/export 200" in line for line in lines)
    assert any("PUT /v1/wellbeing/users/{user_id} 200" in line for line in lines)
    assert _leaks(lines) == []


# --- `haven serve`, as an operator runs it ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _haven(environ: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "haven.cli", *args],
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _decided(client: httpx.Client, key: dict[str, str], content_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while (state := client.get(f"/v1/content/{content_id}", headers=key).json())[
        "state"
    ] == "pending":
        assert time.monotonic() < deadline, "the embedded worker did not decide"
        time.sleep(0.1)
    return state  # type: ignore[no-any-return]


def _flow(client: httpx.Client, key: dict[str, str], staff: dict[str, str], video: Path) -> None:
    """Upload, notice, appeal, well-being, pairing, export, erasure: all over HTTP."""
    comment = client.post(
        "/v1/content/text",
        headers=key,
        json={"text": TEXTS["comment"], "surface": "comment", "author_id": PERSON},
    ).json()["id"]
    with video.open("rb") as stream:
        posted = client.post(
            "/v1/content/media",
            headers=key,
            files={"file": ("dance.mp4", stream, "video/mp4")},
            data={"caption": TEXTS["caption"], "author_id": PERSON},
        )
    assert posted.status_code == 202, posted.text
    _decided(client, key, posted.json()["id"])
    _decided(client, key, comment)
    notice = {
        "content_id": comment,
        "category": "harassment_bullying",
        "explanation": TEXTS["report"],
        "reporter_kind": "user",
        "reporter_id": PERSON,
        "good_faith": True,
        "notifier_name": NAME,
        "notifier_email": EMAIL,
    }
    assert client.post("/v1/reports", headers=key, json=notice).status_code == 201
    appeal = {
        "content_id": comment,
        "appellant_kind": "affected_user",
        "appellant_id": PERSON,
        "reason": TEXTS["appeal"],
    }
    assert client.post("/v1/appeals", headers=key, json=appeal).status_code == 201
    for user, band in ((PERSON, "13_15"), ("parent-8d1f40", "18_plus")):
        answer = client.put(
            f"/v1/wellbeing/users/{user}",
            headers=key,
            json={"age_band": band, "time_zone": "UTC", "settings": {}},
        )
        assert answer.status_code == 200, answer.text
    code = client.post(
        "/v1/wellbeing/pairing/codes", headers=key, json={"parent_id": "parent-8d1f40"}
    ).json()["code"]
    redeem = {"teen_id": PERSON, "code": code}
    assert client.post("/v1/wellbeing/pairing/redeem", headers=key, json=redeem).status_code == 201
    assert client.get(f"/v1/wellbeing/users/{PERSON}/pairing", headers=key).status_code == 200
    # Mistakes log too: a user the platform never registered, a page that does not exist.
    assert client.get(f"/v1/wellbeing/users/{PERSON}x/pairing", headers=key).status_code == 404
    assert client.get(f"/v1/no-such-page/{PERSON}", headers=key).status_code == 404
    params = {"platform": PLATFORM}
    export = client.get(f"/v1/privacy/subjects/{PERSON}/export", params=params, headers=staff)
    assert export.status_code == 200, export.text
    body = {"platform": PLATFORM, "email": EMAIL}
    assert client.post("/v1/privacy/notifiers/export", json=body, headers=staff).status_code == 200
    erasure = {"platform": PLATFORM}
    erased = client.post(f"/v1/privacy/subjects/{PERSON}/erasure", json=erasure, headers=staff)
    assert erased.status_code == 200, erased.text


def test_haven_serve_logs_routes_not_people(
    database_url: str, tmp_path: Path, calm_clip: Path
) -> None:
    environ = {
        **os.environ,
        "HAVEN_DATA_DIR": str(tmp_path / "data"),
        "HAVEN_DATABASE_URL": database_url,
        "HAVEN_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        "HAVEN_MEDIA_DIR": str(tmp_path / "media"),
        "HAVEN_SCAN_ANALYZERS": "photosensitivity,text",
    }
    secret = _haven(environ, "keys", "create", "--platform", PLATFORM, "--name", "t").split()[-1]
    _haven(
        environ,
        "staff",
        "create",
        "--username",
        "ada",
        "--role",
        "admin",
        "--password-stdin",
        stdin="correct horse battery",
    )
    port = _free_port()
    log_file = tmp_path / "serve.log"
    with log_file.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "haven.cli", "serve", "--port", str(port)],
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if client.get("/health/ready").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    assert server.poll() is None and time.monotonic() < deadline, (
                        log_file.read_text()
                    )
                    time.sleep(0.1)
                token = client.post(
                    "/v1/staff/login",
                    json={"username": "ada", "password": "correct horse battery"},
                ).json()["token"]
                _flow(
                    client,
                    {"X-API-Key": secret},
                    {"Authorization": f"Bearer {token}"},
                    calm_clip,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = log_file.read_text("utf-8").splitlines()
    assert any("POST /v1/content/media 202" in line for line in lines), lines[-20:]
    assert any("POST /v1/privacy/subjects/{user_id}/erasure 200" in line for line in lines)
    assert any("GET (no route) 404" in line for line in lines)
    assert any("job " in line and ": done" in line for line in lines)  # the worker's lines too
    assert _leaks(lines) == []
    # uvicorn's own access lines (path, query, client address) are off.
    assert not [line for line in lines if '" 200' in line or "HTTP/1.1" in line]
