"""The caption model: timed words from speech recognition, and the cues people read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    """One recognised word; times in seconds from the video's start."""

    text: str
    start: float
    end: float
    probability: float = 1.0

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a word needs text")
        if self.end < self.start:
            raise ValueError(f"word {self.text!r} ends before it starts")


@dataclass(frozen=True)
class Cue:
    """What is on screen from ``start`` to ``end`` seconds: one or two lines of text."""

    start: float
    end: float
    lines: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(
                f"cue times must satisfy 0 <= start < end, got {self.start}, {self.end}"
            )
        if not self.lines or not any(line.strip() for line in self.lines):
            raise ValueError("a cue needs text")

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass
class CaptionTrack:
    """A language's cues in time order; what a caption file holds."""

    cues: list[Cue] = field(default_factory=list)
    language: str | None = None

    def __post_init__(self) -> None:
        for earlier, later in zip(self.cues, self.cues[1:], strict=False):
            if later.start < earlier.start:
                raise ValueError("cues must be in time order")

    @property
    def text(self) -> str:
        return " ".join(cue.text for cue in self.cues)
