"""The ``imagery`` analyzer: a nudity score for one frame a second (open_nsfw); frames over the
threshold become segments, which the policy turns into an age restriction or a warning
screen. No offline model for graphic violence exists: see ``haven.signals.external``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from haven.media import DecodedFrame, FrameRequest, MediaInfo
from haven.signals.base import AnalysisRun, Analyzer, AnalyzerOutput, InputKind, Signal, TimeRange
from haven.signals.imagery.model import LICENCE, MODEL_SHA256, nudity_scores

VIEW = "imagery"
SECONDS_PER_FRAME = 1.0
THRESHOLD = 0.8  # Yahoo's guidance: above 0.8 is likely NSFW, below 0.2 likely safe
BATCH = 8


@dataclass(frozen=True)
class NuditySegment:
    start: float
    end: float
    peak: float


def segments(
    times: Sequence[float], scores: Sequence[float], *, threshold: float, step: float
) -> list[NuditySegment]:
    """Runs of sampled frames scoring at least ``threshold``; each lasts until the next sample
    (``step`` seconds after its last frame at the end of the media)."""
    found: list[NuditySegment] = []
    start: float | None = None
    peak = 0.0
    for index, (time, score) in enumerate(zip(times, scores, strict=True)):
        if score >= threshold:
            if start is None:
                start, peak = time, score
            peak = max(peak, score)
        elif start is not None:
            found.append(NuditySegment(start, time, peak))
            start = None
        if index == len(times) - 1 and start is not None:
            found.append(NuditySegment(start, time + step, peak))
    return found


class _Run(AnalysisRun):
    def __init__(self, analyzer: ImageryAnalyzer) -> None:
        self.analyzer = analyzer
        self.times: list[float] = []
        self.scores: list[float] = []
        self.pending: list[tuple[float, np.ndarray]] = []

    def on_frame(self, frame: DecodedFrame) -> None:
        picture = frame.images.get(VIEW)
        if picture is None:
            return
        self.pending.append((frame.time, picture))
        if len(self.pending) >= BATCH:
            self._score()

    def _score(self) -> None:
        if self.pending:
            self.scores += nudity_scores([p for _, p in self.pending])
            self.times += [t for t, _ in self.pending]
            self.pending = []

    def finish(self) -> AnalyzerOutput:
        self._score()
        threshold = self.analyzer.threshold
        found = segments(self.times, self.scores, threshold=threshold, step=SECONDS_PER_FRAME)
        peak = max(self.scores, default=0.0)
        signals = [
            Signal(
                "imagery",
                ImageryAnalyzer.version,
                "imagery.summary",
                1.0,
                {"frames_scored": len(self.scores), "peak_score": round(peak, 4)},
                time_range=TimeRange(self.times[0], self.times[-1]) if self.times else None,
                evidence={"model": "open_nsfw", "segments": len(found)},
            ),
            *(
                Signal(
                    "imagery",
                    ImageryAnalyzer.version,
                    "imagery.nudity",
                    round(s.peak, 4),
                    {
                        "peak_score": round(s.peak, 4),
                        "start": s.start,
                        "end": s.end,
                        "threshold": threshold,
                    },
                    time_range=TimeRange(s.start, s.end),
                )
                for s in found
            ),
        ]
        report: dict[str, Any] = {
            "frames_scored": len(self.scores),
            "peak_nudity_score": round(peak, 4),
            "threshold": threshold,
            "segments": [
                {"start": s.start, "end": s.end, "peak_score": round(s.peak, 4)} for s in found
            ],
            "model": {"name": "open_nsfw", "sha256": MODEL_SHA256, "licence": LICENCE},
        }
        return AnalyzerOutput(signals, report)


class ImageryAnalyzer(Analyzer):
    name = "imagery"
    version = "1.0"
    inputs = frozenset({InputKind.VIDEO_FRAMES})
    emits = frozenset({"imagery.summary", "imagery.nudity"})

    def __init__(self, threshold: float = THRESHOLD) -> None:
        if not 0 < threshold <= 1:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold

    def frame_requests(self) -> Sequence[FrameRequest]:
        return (FrameRequest(VIEW, long_side=512, min_interval=SECONDS_PER_FRAME),)

    def start(self, media: MediaInfo) -> AnalysisRun:
        return _Run(self)

    def describe(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "model": "open_nsfw", "licence": LICENCE}
