"""`haven serve` as an operator starts it: real process, real HTTP on loopback, the embedded
worker deciding, keys made with `haven keys create`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_decides_a_submitted_text_over_http(database_url: str, tmp_path: Path) -> None:
    environ = {
        **os.environ,
        "HAVEN_DATA_DIR": str(tmp_path / "data"),
        "HAVEN_DATABASE_URL": database_url,
        "HAVEN_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
    }
    haven = [sys.executable, "-m", "haven.cli"]
    made = subprocess.run(
        [*haven, "keys", "create", "--platform", "clips", "--name", "test"],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    secret = made.stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [*haven, "serve", "--port", str(port)],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health/ready").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "haven serve did not become ready"
            time.sleep(0.1)
        headers = {"Authorization": f"Bearer {secret}"}
        posted = httpx.post(
            f"{base}/v1/content/text",
            headers=headers,
            json={
                "text": "send me pics and don't tell your mom",
                "surface": "comment",
                "author_age_band": "18_plus",
            },
        )
        assert posted.status_code == 202, posted.text
        location = base + posted.headers["Location"]
        while True:
            content = httpx.get(location, headers=headers).json()
            if content["state"] != "pending":
                break
            assert time.monotonic() < deadline + 60, "the embedded worker did not decide"
            time.sleep(0.1)
        assert content["state"] == "decided"
        assert "child_sexual_exploitation_grooming" in content["decision"]["categories"]
        assert httpx.get(f"{base}/docs").status_code == 200
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    # uvicorn shuts down cleanly, then re-raises SIGTERM so the exit status tells how it ended.
    assert server.returncode in (0, -15), errors.decode()[-2000:]
    assert "Application shutdown complete" in errors.decode()
    verified = subprocess.run(
        [*haven, "audit", "verify"], env=environ, capture_output=True, text=True
    )
    assert verified.returncode == 0 and "intact" in verified.stdout
