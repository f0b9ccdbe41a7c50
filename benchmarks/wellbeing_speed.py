"""Speed of the "may viewer V see content C" check (issue 6).

in-process decisions
    ``haven.wellbeing.rules.may_view``: the decision alone, for a paired 13-15 viewer with 20
    keyword filters of their own and 20 of their parent's, 50 blocked accounts, over varied
    captions. Target: >= 5,000 decisions/s.
in-process service
    ``haven.wellbeing.service.may_view``: the same with the viewer and the parent's controls
    read from SQLite in a read transaction, as the API does.
through the API
    ``POST /v1/wellbeing/may-view`` on `haven serve` (SQLite, one process) over loopback, one
    request at a time. Target: p99 <= 5 ms.

    .venv/bin/python benchmarks/wellbeing_speed.py [--requests 3000]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time

import httpx
import numpy as np

from haven.clock import SystemClock
from haven.store.database import Database
from haven.store.transactions import SqlStore
from haven.wellbeing import rules, service
from haven.wellbeing.ages import AgeBand
from haven.wellbeing.models import ContentLevel, ParentControls, UserSettings, ViewedContent, Viewer

WORDS = [
    "cat",
    "dance",
    "prank",
    "recipe",
    "horror",
    "spider",
    "football",
    "makeup",
    "news",
    "travel",
    "music",
    "game",
    "art",
]


def _contents(count: int) -> list[ViewedContent]:
    rng = random.Random(5)
    return [
        ViewedContent(
            level=rng.choice(list(ContentLevel)),
            author_id=f"creator-{rng.randrange(500)}",
            text=" ".join(rng.choice(WORDS) for _ in range(12)) + f" #{rng.choice(WORDS)}",
            photosensitive=rng.random() < 0.05,
        )
        for _ in range(count)
    ]


def _viewer() -> Viewer:
    own = UserSettings(
        keyword_filters=tuple(f"own{n}" for n in range(20)),
        blocked_accounts=tuple(f"creator-{n}" for n in range(0, 500, 10)),
    )
    controls = ParentControls(keyword_filters=(*(f"parent{n}" for n in range(19)), "horror"))
    return Viewer("teen", AgeBand.AGE_13_15, own, controls)


def in_process(contents: list[ViewedContent]) -> None:
    viewer = _viewer()
    for content in contents[:200]:
        rules.may_view(viewer, content)
    began = time.perf_counter()
    allowed = sum(rules.may_view(viewer, c).allowed for c in contents)
    elapsed = time.perf_counter() - began
    print(
        f"in-process decisions   {len(contents) / elapsed:>10,.0f} decisions/s"
        f"   ({allowed} of {len(contents)} allowed)   target >= 5,000/s"
    )


def _setup(database_url: str) -> SqlStore:
    database = Database(database_url)
    database.upgrade()
    store = SqlStore(database, SystemClock())
    service.put_user(
        store,
        platform="bench",
        user_id="mum",
        age_band="18_plus",
        time_zone_name="Europe/Paris",
        settings={},
        actor="b",
    )
    settings = {
        "keyword_filters": [f"own{n}" for n in range(20)],
        "blocked_accounts": [f"creator-{n}" for n in range(0, 500, 10)],
    }
    service.put_user(
        store,
        platform="bench",
        user_id="teen",
        age_band="13_15",
        time_zone_name="Europe/Paris",
        settings=settings,
        actor="b",
    )
    code, _ = service.issue_pairing_code(store, "bench", "mum", actor="b")
    service.redeem_pairing_code(store, "bench", "teen", code, actor="b")
    controls = {"keyword_filters": [f"parent{n}" for n in range(19)] + ["horror"]}
    service.set_controls(
        store, "bench", parent_id="mum", teen_id="teen", controls=controls, actor="b"
    )
    return store


def in_service(store: SqlStore, contents: list[ViewedContent]) -> None:
    for content in contents[:100]:
        service.may_view(store, "bench", "teen", content)
    began = time.perf_counter()
    for content in contents:
        service.may_view(store, "bench", "teen", content)
    elapsed = time.perf_counter() - began
    print(
        f"in-process service     {len(contents) / elapsed:>10,.0f} decisions/s"
        "   (SQLite read per call)"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def through_api(folder: str, contents: list[ViewedContent]) -> None:
    environ = {
        **os.environ,
        "HAVEN_DATA_DIR": folder,
        "HAVEN_DATABASE_URL": f"sqlite:///{folder}/haven.sqlite3",
        "HAVEN_QUEUE_URL": f"sqlite:///{folder}/queue.sqlite3",
    }
    haven = [sys.executable, "-m", "haven.cli"]
    made = subprocess.run(
        [*haven, "keys", "create", "--platform", "bench", "--name", "b"],
        env=environ,
        check=True,
        capture_output=True,
        text=True,
    )
    headers = {"X-API-Key": made.stdout.strip().splitlines()[-1]}
    port = _free_port()
    server = subprocess.Popen(
        [*haven, "serve", "--no-worker", "--port", str(port)],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for _ in range(600):
                try:
                    if client.get("/health/ready").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            bodies = [
                {
                    "viewer_id": "teen",
                    "content": {
                        "level": c.level.value,
                        "author_id": c.author_id,
                        "text": c.text,
                        "photosensitive": c.photosensitive,
                    },
                }
                for c in contents
            ]
            for body in bodies[:200]:
                client.post("/v1/wellbeing/may-view", json=body).raise_for_status()
            latencies = []
            for body in bodies:
                began = time.perf_counter()
                client.post("/v1/wellbeing/may-view", json=body).raise_for_status()
                latencies.append((time.perf_counter() - began) * 1000)
        p50, p99 = np.percentile(latencies, [50, 99])
        print(
            f"through the API        p50 {p50:5.2f} ms   p99 {p99:5.2f} ms"
            f"   ({len(latencies)} requests, one at a time, SQLite, loopback)"
            "   target p99 <= 5 ms"
        )
    finally:
        server.terminate()
        server.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    print(f"may V see C ({os.cpu_count()} cores)")
    in_process(_contents(50_000))
    with tempfile.TemporaryDirectory() as folder:
        store = _setup(f"sqlite:///{folder}/haven.sqlite3")
        in_service(store, _contents(args.requests))
        store.database.dispose()
        through_api(folder, _contents(args.requests))
    return 0


if __name__ == "__main__":
    sys.exit(main())
