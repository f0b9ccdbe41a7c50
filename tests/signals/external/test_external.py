"""The external classifier against a real HTTP server on loopback answering as a moderation
endpoint would: scores become signals and the policy's opt-in screen; a 500, a timeout, a
refused connection and a malformed answer never block the scan and are reported."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from skimage import data

from haven.media.synth import write_video
from haven.pipeline import scan
from haven.policy import load_policy
from haven.signals import default_registry
from haven.signals.external.analyzer import classify

ANSWERS: dict[str, tuple[int, bytes, float]] = {
    "/graphic": (
        200,
        json.dumps(
            {
                "results": [
                    {
                        "flagged": True,
                        "category_scores": {"violence": 0.97, "violence/graphic": 0.93},
                    }
                ]
            }
        ).encode(),
        0,
    ),
    "/calm": (
        200,
        json.dumps(
            {"results": [{"flagged": False, "category_scores": {"violence/graphic": 0.01}}]}
        ).encode(),
        0,
    ),
    "/broken": (500, b"oops", 0),
    "/slow": (200, b"{}", 2.0),
    "/garbage": (200, b"<html>not json</html>", 0),
}
SEEN: list[dict[str, object]] = []


class Endpoint(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        SEEN.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        status, payload, delay = ANSWERS[self.path]
        time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: that is the timeout case

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    picture = np.asarray(data.astronaut())[::2, ::2]
    return write_video(
        tmp_path_factory.mktemp("ext") / "c.mp4",
        lambda t: picture,
        width=256,
        height=256,
        fps=5,
        duration=5.0,
    )


def _scan(clip: Path, url: str | None, timeout: float = 1.0):  # type: ignore[no-untyped-def]
    registry = default_registry()
    policy = load_policy(None, known_signals=registry.signal_kinds())
    analyzer = registry.create("external", url=url, api_key="sk-test", timeout=timeout)
    return scan(clip, [analyzer, registry.create("photosensitivity")], policy)


def test_graphic_content_gets_an_opt_in_screen(endpoint: str, clip: Path) -> None:
    result = _scan(clip, endpoint + "/graphic")
    names = [t.name for t in result.treatments]
    assert "warning_screen" in names and "not_recommended" in names
    request = SEEN[-1]
    assert request["auth"] == "Bearer sk-test"
    inputs = request["body"]["input"]  # type: ignore[index]
    assert len(inputs) == 3 and inputs[0]["image_url"]["url"].startswith("data:image/jpeg;base64,")


def test_calm_content_gets_nothing(endpoint: str, clip: Path) -> None:
    result = _scan(clip, endpoint + "/calm")
    assert result.treatments == []


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/broken", "HTTP 500"), ("/slow", "timed out"), ("/garbage", "unexpected answer")],
)
def test_failures_never_block_and_are_reported(
    endpoint: str, clip: Path, path: str, reason: str
) -> None:
    began = time.monotonic()
    result = _scan(clip, endpoint + path, timeout=0.5)
    assert time.monotonic() - began < 30
    status = next(s for s in result.signals if s.kind == "external.status")
    assert status.attributes["available"] is False and reason in status.attributes["reason"]
    assert result.treatments == []  # the scan went on and decided without it


def test_an_unreachable_endpoint_and_no_endpoint(clip: Path) -> None:
    scores, why = classify(
        "http://127.0.0.1:9", None, [np.zeros((8, 8, 3), np.uint8)], timeout=0.5, model="m"
    )
    assert scores is None and "unreachable" in why
    status = next(s for s in _scan(clip, None).signals if s.kind == "external.status")
    assert status.attributes["reason"].startswith("not configured")
