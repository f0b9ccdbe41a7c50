"""Shared fixtures: generated media only; nothing is downloaded."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from haven.clock import FixedClock
from haven.jobs.queue import HueyQueue
from haven.media.synth import flash_render, solid, write_demo_clip, write_video
from haven.runtime import Runtime, build_runtime
from haven.settings import load_settings
from haven.store.database import Database
from haven.store.transactions import SqlStore


@pytest.fixture(scope="session")
def flashing_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s, 180x320, full-screen black/white 5 Hz flash from 1 s to 3 s, with an audio tone."""
    path = tmp_path_factory.mktemp("media") / "flashing.mp4"
    render = flash_render(width=180, height=320, hz=5, start=1.0, end=3.0)
    return write_video(path, render, width=180, height=320, duration=4.0, audio_tone_hz=440)


@pytest.fixture(scope="session")
def calm_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s of still grey, 180x320."""
    path = tmp_path_factory.mktemp("media") / "calm.mp4"
    frame = solid(320, 180, (120, 120, 120))
    return write_video(path, lambda t: frame, width=180, height=320, duration=3.0)


@pytest.fixture(scope="session")
def demo_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo sample: 6 s, 360x640, a flash from 2 s to 4 s, burned-in captions
    ("Stay safe online" 0.5-2.5 s, "Be kind in the comments" 4-6 s) and espeak-ng speech
    (``haven.media.synth.DEMO_SPEECH``) from 0.5 s."""
    return write_demo_clip(tmp_path_factory.mktemp("media") / "demo.mp4")


# --- Databases: every store test runs on SQLite and on PostgreSQL -------------------------

POSTGRES_HOST, POSTGRES_PORT = "127.0.0.1", 5432
POSTGRES_URL = f"postgresql+psycopg://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/test"


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def _ensure_service(name: str, port: int, starters: list[list[str]]) -> None:
    """Start a local service the tests need if it is down (the development and CI machines
    have it installed); fail with what was tried if it cannot be started."""
    if _port_open("127.0.0.1", port):
        return
    for command in starters:
        if shutil.which(command[0]) is None:
            continue
        subprocess.run(command, capture_output=True, timeout=120, check=False)
        for _ in range(60):
            if _port_open("127.0.0.1", port):
                return
            time.sleep(0.5)
    pytest.fail(f"{name} is not running on 127.0.0.1:{port} and could not be started")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    _ensure_service(
        "PostgreSQL",
        POSTGRES_PORT,
        [["service", "postgresql", "start"], ["pg_ctlcluster", "15", "main", "start"]],
    )
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'haven.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    schema = f"haven_test_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(server)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{server}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The database at the newest schema."""
    database = Database(database_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 29, 0, 30, tzinfo=UTC))


@pytest.fixture
def store(database: Database, clock: FixedClock, job_queue: HueyQueue) -> SqlStore:
    """The store on a fresh database, handing new jobs to the test's (real) queue."""
    return SqlStore(database, clock, on_job=job_queue.enqueue)


@pytest.fixture
def job_queue(tmp_path: Path) -> HueyQueue:
    """The real Huey queue on an SQLite file (no worker consumes it unless a test starts one)."""
    return HueyQueue(f"sqlite:///{tmp_path / 'queue.sqlite3'}", name="test")


@pytest.fixture(scope="session")
def redis_server() -> str:
    _ensure_service(
        "Redis",
        6379,
        [["redis-server", "--daemonize", "yes"], ["service", "redis-server", "start"]],
    )
    return "redis://127.0.0.1:6379/0"


def make_runtime(
    database_url: str, tmp_path: Path, clock: FixedClock | None = None, **environment: str
) -> Runtime:
    """Haven's running parts on ``database_url`` with an SQLite queue and data folder under
    ``tmp_path``; ``environment`` adds settings (``HAVEN_SCAN_ANALYZERS="hashes"``)."""
    settings = load_settings(
        None,
        {
            "HAVEN_DATA_DIR": str(tmp_path / "data"),
            "HAVEN_DATABASE_URL": database_url,
            "HAVEN_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
            **environment,
        },
    )
    return build_runtime(settings, clock=clock)


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    """Haven's running parts on a fresh database (both kinds) and an SQLite queue."""
    runtime = make_runtime(
        database_url,
        tmp_path,
        HAVEN_JOB_LEASE_SECONDS="30",
        HAVEN_REAP_INTERVAL_SECONDS="0.5",
    )
    yield runtime
    runtime.close()


CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail("chromium and chromium-driver are missing: run scripts/install-system-deps.sh")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--window-size=1400,1100",
        "--autoplay-policy=no-user-gesture-required",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
