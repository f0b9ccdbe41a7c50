"""The analyzer interface and the ``Signal`` every analyzer emits.

An analyzer is a small, stateless, versioned unit. It declares which inputs it reads (video
frames, audio, text) and which signal kinds it emits. The pipeline opens one decode pass for all
analyzers: each one describes the frame views and audio it needs (``frame_requests``,
``audio_request``), gets an ``AnalysisRun`` from ``start`` and is fed as frames arrive. Analyzers
know nothing of policy, storage or HTTP.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from haven.media import (
    AudioChunk,
    AudioRequest,
    DecodedFrame,
    FrameRequest,
    MediaInfo,
    MediaSource,
)


class InputKind(StrEnum):
    VIDEO_FRAMES = "video_frames"
    AUDIO = "audio"
    TEXT = "text"


@dataclass(frozen=True)
class TimeRange:
    """A span of a video in seconds from its start; ``end`` >= ``start``."""

    start: float
    end: float

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"time range ends before it starts: {self.start} > {self.end}")


@dataclass(frozen=True)
class Signal:
    """One finding: what was found, how sure the analyzer is, and where.

    ``kind`` is namespaced by the analyzer (``photosensitivity.verdict``). ``attributes`` are the
    JSON-compatible facts a policy rule may test (``verdict``, ``peak_flashes_per_second``...).
    ``time_range`` locates it in a video; later analyzers add text spans or bank entries to
    ``evidence``.
    """

    analyzer: str
    analyzer_version: str
    kind: str
    confidence: float
    attributes: Mapping[str, Any] = field(default_factory=dict)
    time_range: TimeRange | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be in [0, 1], got {self.confidence}")
        if not self.kind.startswith(f"{self.analyzer}."):
            raise ValueError(f"signal kind {self.kind!r} is not namespaced by {self.analyzer!r}")

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "analyzer": self.analyzer,
            "analyzer_version": self.analyzer_version,
            "confidence": round(self.confidence, 4),
            "attributes": dict(self.attributes),
        }
        if self.time_range is not None:
            out["time_range"] = {"start": self.time_range.start, "end": self.time_range.end}
        if self.evidence:
            out["evidence"] = dict(self.evidence)
        return out


@dataclass
class AnalyzerOutput:
    """What a finished run returns: its signals and its own JSON section of the scan report."""

    signals: list[Signal]
    report: dict[str, Any]
    # In-memory results for callers in the same process (a CaptionTrack...); never serialised.
    artifacts: dict[str, Any] = field(default_factory=dict)


class AnalysisRun(ABC):
    """The per-file state of one analyzer; fed in presentation order, then finished once."""

    def on_frame(self, frame: DecodedFrame) -> None:  # noqa: B027 - optional hook
        """Called for every decoded frame; ``frame.images`` holds this analyzer's views."""

    def on_audio(self, chunk: AudioChunk) -> None:  # noqa: B027 - optional hook
        """Called for every audio chunk when the analyzer asked for audio."""

    @abstractmethod
    def finish(self) -> AnalyzerOutput:
        """Return the signals and report section once the media has ended."""


class Analyzer(ABC):
    """Base class of every analyzer. Instances hold configuration only, never per-file state."""

    name: ClassVar[str]
    version: ClassVar[str]
    inputs: ClassVar[frozenset[InputKind]]
    emits: ClassVar[frozenset[str]]

    def frame_requests(self) -> Sequence[FrameRequest]:
        """The frame views this analyzer needs (only with ``InputKind.VIDEO_FRAMES``)."""
        return ()

    def audio_request(self) -> AudioRequest | None:
        """The audio this analyzer needs (only with ``InputKind.AUDIO``)."""
        return None

    @abstractmethod
    def start(self, media: MediaInfo) -> AnalysisRun:
        """Begin analysing one file whose probe facts are ``media``."""

    def analyze(self, source: MediaSource) -> AnalyzerOutput:
        """Run this analyzer alone over one decode pass of ``source``.

        The scan pipeline (``haven.pipeline.analyse``) does the same for several analyzers at
        once, sharing the decode; this is the one-analyzer form.
        """
        run = self.start(source.info)
        for item in source.decode(self.frame_requests(), self.audio_request()):
            if isinstance(item, AudioChunk):
                run.on_audio(item)
            else:
                run.on_frame(item)
        return run.finish()

    def describe(self) -> Mapping[str, Any]:
        """Configuration facts worth recording in a report (profile, thresholds...)."""
        return {}


SURFACES = ("caption", "comment", "search", "transcript", "on_screen")


@dataclass(frozen=True)
class TextItem:
    """A text an analyzer reads: where it appears, and when in a video (if it is from one)."""

    text: str
    surface: str
    time_range: TimeRange | None = None
    id: str | None = None
    # The text's language when known (Whisper's for a transcript); else the analyzer's.
    language: str | None = None

    def __post_init__(self) -> None:
        if self.surface not in SURFACES:
            raise ValueError(f"unknown surface {self.surface!r}; one of {', '.join(SURFACES)}")


class TextReader(Analyzer):
    """An analyzer of texts, not media: the scan runs it on the caption and on the texts the
    media analyzers found. ``artifacts["per_item"]`` of its output lists each item's signals."""

    inputs: ClassVar[frozenset[InputKind]] = frozenset({InputKind.TEXT})

    def start(self, media: MediaInfo) -> AnalysisRun:
        raise TypeError(f"the {self.name} analyzer reads texts, not media: call analyze_texts")

    @abstractmethod
    def analyze_texts(self, items: Sequence[TextItem]) -> AnalyzerOutput:
        """Signals for every item; ``artifacts["per_item"]`` holds them item by item."""
