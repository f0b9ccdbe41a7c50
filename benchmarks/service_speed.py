"""Speed of the Haven service over HTTP on loopback, as `haven serve` runs it (SQLite in WAL
mode, the embedded queue; ``--processes`` server processes, one by default), against
a load generator in this process.

text decisions
    ``POST /v1/check/text``: a comment classified (normalisation, lexicon, MiniLM, head,
    claims), decided by the policy, stored and audited while the client waits. Distinct texts
    from ``datasets/text-safety``, so nothing is served from memory. Target: >= 300 requests/s,
    p99 <= 50 ms.
report intake
    ``POST /v1/reports``: a notice validated, stored, its case opened or joined and audited.
    Target: >= 500 requests/s.
20 moderators claiming
    20 staff clients call ``POST /v1/review/queues/{queue}/claim`` until the queue is empty;
    the script counts how often each case was handed out (must be once) and the claim rate.

The load generator shares the 2 cores with the server, so the figures are a floor.

    .venv/bin/python benchmarks/service_speed.py [--seconds 20] [--concurrency 16] [--processes 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np

from haven.signals.text import training

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "datasets" / "text-safety"
PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SERVER_PID = 0  # the `haven serve` process, whose CPU time (with its children's) is counted


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its direct children (uvicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _load(
    client: httpx.AsyncClient,
    requests: list[tuple[str, dict, dict]],
    concurrency: int,
    seconds: float,
) -> tuple[int, float, np.ndarray, Counter, tuple[float, float]]:
    """Send the requests with ``concurrency`` clients for at most ``seconds``; also the CPU
    milliseconds per request spent by the server and by this load generator."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    position = 0
    deadline = time.perf_counter() + seconds

    async def user() -> None:
        nonlocal position
        while position < len(requests) and time.perf_counter() < deadline:
            url, body, headers = requests[position]
            position += 1
            began = time.perf_counter()
            answer = await client.post(url, json=body, headers=headers)
            latencies.append((time.perf_counter() - began) * 1000)
            statuses[answer.status_code] += 1

    server_before, own_before = _cpu_seconds(SERVER_PID), _own_cpu_seconds()
    began = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    count = max(len(latencies), 1)
    cpu = (
        (_cpu_seconds(SERVER_PID) - server_before) * 1000 / count,
        (_own_cpu_seconds() - own_before) * 1000 / count,
    )
    return len(latencies), elapsed, np.array(latencies), statuses, cpu


def _line(
    name: str,
    count: int,
    elapsed: float,
    latencies: np.ndarray,
    statuses: Counter,
    cpu: tuple[float, float],
    target: str,
) -> None:
    p50, p99 = np.percentile(latencies, [50, 99])
    print(
        f"{name:<22} {count / elapsed:>8,.0f} requests/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms"
        f"   ({count} requests, statuses {dict(statuses)})   target {target}\n"
        f"{'':<22} CPU per request: server {cpu[0]:.1f} ms, load generator {cpu[1]:.1f} ms"
    )


def run(
    base: str, haven: list[str], environ: dict[str, str], seconds: float, concurrency: int
) -> None:
    key = subprocess.run(
        [*haven, "keys", "create", "--platform", "bench", "--name", "bench"],
        env=environ,
        check=True,
        capture_output=True,
        text=True,
    )
    platform = {"X-API-Key": key.stdout.strip().splitlines()[-1]}
    for number in range(20):
        subprocess.run(
            [
                *haven,
                "staff",
                "create",
                "--username",
                f"mod{number}",
                "--role",
                "moderator",
                "--password-stdin",
            ],
            input=PASSWORD + "\n",
            env=environ,
            check=True,
            capture_output=True,
            text=True,
        )
    files, _ = training.dataset_files(DATA)
    texts = list(dict.fromkeys(e.text for e in training.load_examples(files)))

    async def scenario() -> None:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
            warm = [
                ("/v1/check/text", {"text": t, "surface": "comment"}, platform) for t in texts[:50]
            ]
            await _load(client, warm, 4, 60)
            checks = [
                ("/v1/check/text", {"text": t, "surface": "comment"}, platform) for t in texts[50:]
            ]
            _line(
                "text decisions",
                *await _load(client, checks, concurrency, seconds),
                ">= 300/s, p99 <= 50 ms",
            )

            submitted = [
                ("/v1/content/text", {"text": f"clip caption {n}", "surface": "caption"}, platform)
                for n in range(400)
            ]
            ids = []
            for url, body, headers in submitted:
                ids.append((await client.post(url, json=body, headers=headers)).json()["id"])
            notice = {
                "category": "harassment_bullying",
                "explanation": "Bullying a classmate.",
                "reporter_kind": "user",
                "good_faith": True,
                "notifier_name": "Ana",
                "notifier_email": "ana@example.org",
            }
            reports = [
                (
                    "/v1/reports",
                    {**notice, "content_id": ids[n % len(ids)], "reporter_id": f"user-{n}"},
                    platform,
                )
                for n in range(50_000)
            ]
            _line("report intake", *await _load(client, reports, concurrency, seconds), ">= 500/s")

            tokens = []
            for number in range(20):
                login = await client.post(
                    "/v1/staff/login", json={"username": f"mod{number}", "password": PASSWORD}
                )
                tokens.append({"Authorization": f"Bearer {login.json()['token']}"})
            handed: Counter[str] = Counter()

            async def moderator(headers: dict[str, str]) -> None:
                while True:
                    answer = await client.post(
                        "/v1/review/queues/harassment_bullying/claim", headers=headers
                    )
                    if answer.status_code == 204:
                        return
                    answer.raise_for_status()
                    handed[answer.json()["content_id"]] += 1

            began = time.perf_counter()
            await asyncio.gather(*(moderator(t) for t in tokens))
            elapsed = time.perf_counter() - began
            twice = sum(1 for count in handed.values() if count > 1)
            print(
                f"20 moderators claiming  {len(handed) / elapsed:>8,.0f} claims/s   "
                f"{len(handed)} cases claimed, {twice} handed to two moderators (target 0)"
            )

    asyncio.run(scenario())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    # One process by default: on SQLite, writers in other processes wait in its busy handler,
    # which sleeps in steps (p99 grew from 0.14 s to 1.1 s with two processes).
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        environ = {
            **os.environ,
            "HAVEN_DATA_DIR": folder,
            "HAVEN_DATABASE_URL": f"sqlite:///{folder}/haven.sqlite3",
            "HAVEN_QUEUE_URL": f"sqlite:///{folder}/queue.sqlite3",
            "HAVEN_LOGINS_PER_MINUTE": "100",
        }
        haven = [sys.executable, "-m", "haven.cli"]
        port = _free_port()
        global SERVER_PID
        server = subprocess.Popen(
            [
                *haven,
                "serve",
                "--no-worker",
                "--processes",
                str(args.processes),
                "--port",
                str(port),
            ],
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        SERVER_PID = server.pid
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/health/ready").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            print(
                f"Haven service on loopback ({os.cpu_count()} cores, SQLite, "
                f"{args.processes} server processes), "
                f"{args.concurrency} concurrent clients, up to {args.seconds:g} s a test"
            )
            run(base, haven, environ, args.seconds, args.concurrency)
        finally:
            server.terminate()
            server.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
