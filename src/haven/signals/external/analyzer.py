"""The ``external`` analyzer: a few frames of the upload sent to a moderation endpoint
compatible with OpenAI's (``POST`` ``{"model", "input": [{"type": "image_url", ...}]}`` →
``{"results": [{"category_scores": {...}}]}``), its scores turned into signals.

Its failures never block a decision: a timeout, a refused connection, an HTTP error or an
answer that is not the expected JSON gives an ``external.status`` signal saying so, visible in
the report, and the scan goes on with the other analyzers."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

import httpx
import numpy as np
from PIL import Image

from haven.media import DecodedFrame, FrameRequest, MediaInfo
from haven.signals.base import AnalysisRun, Analyzer, AnalyzerOutput, InputKind, Signal

VIEW = "external"
FRAMES = 3  # frames sent per video: the first ones, two seconds apart
GRAPHIC = "violence/graphic"
GRAPHIC_THRESHOLD = 0.5
MAX_RESPONSE_BYTES = 1 << 20


def _data_url(picture: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def classify(
    url: str, api_key: str | None, pictures: Sequence[np.ndarray], *, timeout: float, model: str
) -> tuple[dict[str, float] | None, str]:
    """The highest score per category over the results, or None and why it failed."""
    body = {
        "model": model,
        "input": [{"type": "image_url", "image_url": {"url": _data_url(p)}} for p in pictures],
    }
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        answer = httpx.post(url, json=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        return None, f"timed out after {timeout:g} s"
    except httpx.HTTPError as exc:
        return None, f"unreachable ({type(exc).__name__})"
    if answer.status_code >= 400:
        return None, f"HTTP {answer.status_code}"
    if len(answer.content) > MAX_RESPONSE_BYTES:
        return None, "answer too large"
    try:
        results = answer.json()["results"]
        scores: dict[str, float] = {}
        for result in results:
            for category, value in result["category_scores"].items():
                score = float(value)
                if not 0 <= score <= 1:
                    raise ValueError(f"score {score} out of range")
                scores[str(category)] = max(score, scores.get(str(category), 0.0))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return None, f"unexpected answer ({exc})"
    return scores, "ok"


class _Run(AnalysisRun):
    def __init__(self, analyzer: ExternalAnalyzer, media: MediaInfo) -> None:
        self.analyzer = analyzer
        self.pictures: list[np.ndarray] = []

    def on_frame(self, frame: DecodedFrame) -> None:
        picture = frame.images.get(VIEW)
        if picture is not None and len(self.pictures) < FRAMES:
            self.pictures.append(np.ascontiguousarray(picture))

    def finish(self) -> AnalyzerOutput:
        analyzer = self.analyzer
        if analyzer.url is None:
            scores, why = None, "not configured (external_moderation_url)"
        elif not self.pictures:
            scores, why = None, "no picture to send"
        else:
            scores, why = classify(
                analyzer.url,
                analyzer.api_key,
                self.pictures,
                timeout=analyzer.timeout,
                model=analyzer.model,
            )
        status = Signal(
            "external",
            ExternalAnalyzer.version,
            "external.status",
            1.0,
            {
                "available": scores is not None,
                "reason": why,
                "frames_sent": len(self.pictures) if analyzer.url else 0,
            },
            evidence={"endpoint": analyzer.url or ""},
        )
        signals = [status]
        graphic = (scores or {}).get(GRAPHIC, 0.0)
        if scores is not None and graphic >= analyzer.graphic_threshold:
            signals.append(
                Signal(
                    "external",
                    ExternalAnalyzer.version,
                    "external.graphic",
                    graphic,
                    {"score": round(graphic, 4), "threshold": analyzer.graphic_threshold},
                    evidence={"category": GRAPHIC, "endpoint": analyzer.url or ""},
                )
            )
        report: dict[str, Any] = {
            "available": scores is not None,
            "reason": why,
            "scores": {k: round(v, 4) for k, v in sorted((scores or {}).items())},
        }
        return AnalyzerOutput(signals, report)


class ExternalAnalyzer(Analyzer):
    name = "external"
    version = "1.0"
    inputs = frozenset({InputKind.VIDEO_FRAMES})
    emits = frozenset({"external.status", "external.graphic"})

    def __init__(
        self,
        url: str | None = None,
        api_key: str | None = None,
        timeout: float = 5.0,
        model: str = "omni-moderation-latest",
        graphic_threshold: float = GRAPHIC_THRESHOLD,
    ) -> None:
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError("the external moderation URL must be http(s)")
        self.url, self.api_key, self.timeout, self.model = url, api_key, timeout, model
        self.graphic_threshold = graphic_threshold

    def frame_requests(self) -> Sequence[FrameRequest]:
        if self.url is None:
            return ()
        return (FrameRequest(VIEW, long_side=512, min_interval=2.0),)

    def start(self, media: MediaInfo) -> AnalysisRun:
        return _Run(self, media)

    def describe(self) -> dict[str, Any]:
        return {"endpoint": self.url or None, "model": self.model}
