"""The console's fixtures: ``haven serve`` as a real process and Debian's headless Chromium
driven by Selenium (told where browser and driver are, so nothing is downloaded)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from selenium import webdriver

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "console-screenshots"
PASSWORD = "correct horse battery staple"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    base: str
    environ: dict[str, str]

    def haven(
        self, *args: str, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "haven.cli", *args],
            env=self.environ,
            input=stdin,
            capture_output=True,
            text=True,
            check=check,
        )

    def add_staff(self, username: str, role: str) -> None:
        self.haven(
            "staff",
            "create",
            "--username",
            username,
            "--role",
            role,
            "--password-stdin",
            stdin=PASSWORD,
        )

    def platform_key(self, platform: str) -> str:
        made = self.haven("keys", "create", "--platform", platform, "--name", "test")
        return made.stdout.strip().splitlines()[-1]


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[Served]:
    """`haven serve` (API, console, embedded worker) on loopback, as an operator starts it."""
    environ = {
        **os.environ,
        "HAVEN_DATA_DIR": str(tmp_path / "data"),
        "HAVEN_DATABASE_URL": database_url,
        "HAVEN_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        "HAVEN_MEDIA_DIR": str(tmp_path / "media"),
        # OCR has its own tests; speech gives the case page its transcript and captions.
        "HAVEN_SCAN_ANALYZERS": "photosensitivity,speech,text,claims",
    }
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "haven.cli", "serve", "--port", str(port)],
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
            if server.poll() is not None or time.monotonic() > deadline:
                errors = server.stderr.read().decode() if server.stderr else ""
                raise RuntimeError(f"haven serve did not start: {errors}")
            time.sleep(0.1)
        yield Served(base, environ)
    finally:
        server.terminate()
        server.communicate(timeout=30)


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Screenshots:
    """Saves numbered screenshots as test artefacts under ``artifacts/console-screenshots``."""
    folder = ARTIFACTS / request.node.name.replace("[", "-").rstrip("]")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Screenshots(folder)


class Screenshots:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def take(self, driver: webdriver.Chrome, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        driver.save_screenshot(str(path))
        return path
