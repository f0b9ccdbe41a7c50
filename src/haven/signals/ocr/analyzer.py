"""The ``ocr`` analyzer: on-screen text (burned-in captions, stickers, slogans) with times.

Which frames are read:

* about one frame a second, plus the first frame after a scene cut (a cut is where the
  picture changes abruptly; text usually changes with it);
* a sampled frame that shows the same picture as a recently read one (a still, a loop, a
  strobe between two images) is not read again: the lines read then are extended.

Of a frame that is read, text detection runs on the whole frame, and recognition only on the
lines that are new or changed (``tracks.TextTracker``).

Sampling alone would place a line's start and end only to within a second. The small grey
frames between two samples are kept, so when a line appears (or leaves) its start (or end) is
moved to the frame where its box changed most: frame-accurate times at no OCR cost.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

import numpy as np

from haven.media import DecodedFrame, FrameRequest, MediaInfo
from haven.signals.base import (
    AnalysisRun,
    Analyzer,
    AnalyzerOutput,
    InputKind,
    Signal,
    TimeRange,
)
from haven.signals.ocr import engine
from haven.signals.ocr.tracks import Change, TextTrack, TextTracker

# The frame text is read from: 1280 px on the long side keeps a 1080p caption's letters about
# 40 px tall for the recogniser; detection itself runs at 640 px (engine.DETECTION_LONG_SIDE).
READ_LONG_SIDE = 1280
# A read frame is delivered at most this often, which bounds the cost of rapid cuts.
MIN_READ_INTERVAL = 0.25
# The small grey view seen at every frame: for scene cuts, repeated pictures and timing.
THUMB_LONG_SIDE = 160
# Mean absolute difference (0-255) between consecutive thumbnails that counts as a scene cut.
CUT_DIFFERENCE = 30.0
# Two pictures are the same when no 8x8 block of their thumbnails differs by more than this on
# average: a caption changing in one corner changes its blocks by far more.
SAME_PICTURE_BLOCK_DIFFERENCE = 6.0
BLOCK = 8
# A line's box must change by this much (mean absolute difference) in one frame step for the
# step to be taken as the moment the line appeared or left.
EDGE_DIFFERENCE = 8.0
# How many recently read pictures a sample is compared with before it is read.
REMEMBERED_PICTURES = 6


class OcrAnalyzer(Analyzer):
    name = "ocr"
    version = "1.0"
    inputs = frozenset({InputKind.VIDEO_FRAMES})
    emits = frozenset({"ocr.text"})

    def __init__(self, sample_interval: float = 1.0) -> None:
        if sample_interval <= 0:
            raise ValueError("sample_interval must be positive")
        self.sample_interval = sample_interval

    def frame_requests(self) -> list[FrameRequest]:
        return [
            FrameRequest("thumb", THUMB_LONG_SIDE, "gray"),
            FrameRequest("read", READ_LONG_SIDE, "bgr24", min_interval=MIN_READ_INTERVAL),
        ]

    def start(self, media: MediaInfo) -> AnalysisRun:
        return _OcrRun(self, media)

    def describe(self) -> dict[str, Any]:
        return {"sample_interval": self.sample_interval}


def _same_picture(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape:
        return False
    height, width = (a.shape[0] // BLOCK) * BLOCK, (a.shape[1] // BLOCK) * BLOCK
    difference = np.abs(a[:height, :width] - b[:height, :width])
    blocks = difference.reshape(height // BLOCK, BLOCK, width // BLOCK, BLOCK).mean(axis=(1, 3))
    return float(blocks.max(initial=0.0)) < SAME_PICTURE_BLOCK_DIFFERENCE


class _OcrRun(AnalysisRun):
    def __init__(self, analyzer: OcrAnalyzer, media: MediaInfo) -> None:
        self.analyzer = analyzer
        self.media = media
        self.tracker = TextTracker(engine.read_line, engine.MIN_LINE_SCORE)
        self.cut_pending = False
        self.last_sample: float | None = None
        # The thumbnails since the last sample, that sample's first: (time, grey thumbnail).
        self.between: list[tuple[float, np.ndarray]] = []
        # (thumbnail, lines on screen then) of the pictures read most recently.
        self.read_pictures: deque[tuple[np.ndarray, list[TextTrack]]] = deque(
            maxlen=REMEMBERED_PICTURES
        )
        self.read_size: tuple[int, int] | None = None
        self.samples = 0
        self.detections = 0
        self.cuts = 0
        self.seconds = 0.0
        self.last_time = 0.0

    def on_frame(self, frame: DecodedFrame) -> None:
        self.last_time = frame.time
        thumb = frame.images["thumb"].astype(np.float32)
        if self.between:
            previous = self.between[-1][1]
            if previous.shape == thumb.shape:
                cut = float(np.abs(thumb - previous).mean()) > CUT_DIFFERENCE
                self.cut_pending |= cut
                self.cuts += cut
        self.between.append((frame.time, thumb))
        image = frame.images.get("read")
        if image is None or not self._due(frame.time):
            return
        self.read_size = (image.shape[1], image.shape[0])
        self.samples += 1
        self.last_sample = frame.time
        self.cut_pending = False
        began = time.perf_counter()
        change = self._read(frame.time, thumb, image)
        self._refine_times(frame.time, change, image.shape)
        self.seconds += time.perf_counter() - began
        self.between = [(frame.time, thumb)]

    def _due(self, at: float) -> bool:
        if self.last_sample is None or self.cut_pending:
            return True
        return at - self.last_sample >= self.analyzer.sample_interval - 1e-6

    def _read(self, at: float, thumb: np.ndarray, image: np.ndarray) -> Change:
        for picture, tracks in reversed(self.read_pictures):
            if _same_picture(thumb, picture):
                return self.tracker.reappear(at, tracks)
        self.detections += 1
        change = self.tracker.observe(at, image, engine.detect(image))
        self.read_pictures.append((thumb, list(self.tracker.active)))
        return change

    def _refine_times(self, at: float, change: Change, read_shape: tuple[int, ...]) -> None:
        """Move the start of new lines and the end of gone ones to the frame where they changed.

        A line that comes back (a strobe, a loop) keeps its first start: it has been on screen,
        on and off, since then.
        """
        if len(self.between) < 2:
            return
        for track in change.appeared:
            if track.start < at:
                continue
            moment = self._change_moment(track, read_shape)
            if moment is not None:
                track.start = moment
        for track in change.left:
            moment = self._change_moment(track, read_shape)
            if moment is not None:
                track.end = moment

    def _change_moment(self, track: TextTrack, read_shape: tuple[int, ...]) -> float | None:
        thumb_height, thumb_width = self.between[0][1].shape
        scale_y, scale_x = thumb_height / read_shape[0], thumb_width / read_shape[1]
        left, top, right, bottom = track.bounds
        rows = slice(max(0, int(top * scale_y)), max(1, int(np.ceil(bottom * scale_y))))
        cols = slice(max(0, int(left * scale_x)), max(1, int(np.ceil(right * scale_x))))
        steps = [
            (float(np.abs(later[rows, cols] - earlier[rows, cols]).mean()), at)
            for (_, earlier), (at, later) in zip(self.between, self.between[1:], strict=False)
            if earlier.shape == later.shape
        ]
        if not steps:
            return None
        difference, moment = max(steps)
        return moment if difference >= EDGE_DIFFERENCE else None

    def finish(self) -> AnalyzerOutput:
        end = self.media.duration if self.media.frames_decoded else self.last_time
        tracks = self.tracker.close(max(end, self.last_time))
        read = self.read_size or (1, 1)
        signals = [_signal(self.analyzer, track, read) for track in tracks]
        lines = [_line_report(track, read) for track in tracks]
        report = {
            "summary": (
                f"{len(tracks)} on-screen text line(s)" if tracks else "no on-screen text found"
            ),
            "text": _screen_text(tracks),
            "lines": lines,
            "frames_sampled": self.samples,
            "scene_cuts": self.cuts,
            "detections": self.detections,
            "recognitions": self.tracker.recognitions,
            "ocr_seconds": round(self.seconds, 3),
        }
        return AnalyzerOutput(signals=signals, report=report, artifacts={"tracks": tracks})


def _box(track: TextTrack, size: tuple[int, int]) -> dict[str, float]:
    width, height = size
    left, top, right, bottom = track.bounds
    return {
        "x": round(max(0.0, left) / width, 4),
        "y": round(max(0.0, top) / height, 4),
        "width": round((min(right, width) - max(0.0, left)) / width, 4),
        "height": round((min(bottom, height) - max(0.0, top)) / height, 4),
    }


def _line_report(track: TextTrack, size: tuple[int, int]) -> dict[str, Any]:
    return {
        "start": round(track.start, 3),
        "end": round(track.end, 3),
        "text": track.text,
        "confidence": round(track.score, 4),
        "box": _box(track, size),
    }


def _signal(analyzer: OcrAnalyzer, track: TextTrack, size: tuple[int, int]) -> Signal:
    return Signal(
        analyzer=analyzer.name,
        analyzer_version=analyzer.version,
        kind="ocr.text",
        confidence=min(1.0, max(0.0, track.score)),
        attributes={"characters": len(track.text)},
        time_range=TimeRange(track.start, max(track.start, track.end)),
        evidence={"text": track.text, "box": _box(track, size)},
    )


def _screen_text(tracks: list[TextTrack]) -> str:
    """The distinct lines in order of appearance, top to bottom: what a reader would read."""
    seen: set[str] = set()
    ordered: list[str] = []
    for track in tracks:
        key = track.text.casefold()
        if key not in seen:
            seen.add(key)
            ordered.append(track.text)
    return "\n".join(ordered)
