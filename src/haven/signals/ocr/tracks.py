"""Following on-screen text lines from one sampled frame to the next.

A line seen at a sample is the same line as one seen at the previous sample when it sits in
about the same place and looks the same (its straightened crop correlates). Then it is not
read again; its time range grows. Only lines that are new or changed go to the recogniser,
which is what keeps a 60-second clip to a handful of recognitions.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from haven.signals.ocr.engine import Line

# Same place: overlap (intersection over union) of the axis-aligned boxes.
SAME_PLACE_IOU = 0.6
# Same look: correlation of the crops scaled to a fixed size. Text in a steady caption
# correlates above 0.95 even over moving video; a changed caption falls far below.
SAME_LOOK_CORRELATION = 0.85
_SIGNATURE_SHAPE = (16, 96)
# Two readings of a line in the same place whose letters are this alike are one line.
SAME_TEXT_RATIO = 0.9


def _iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, right - left) * max(0.0, bottom - top)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def signature(line_image: np.ndarray) -> np.ndarray:
    """A zero-mean, unit-norm grey thumbnail of a line crop, for comparing crops."""
    gray = line_image.astype(np.float32).mean(axis=2) if line_image.ndim == 3 else line_image
    rows = np.linspace(0, gray.shape[0] - 1, _SIGNATURE_SHAPE[0]).round().astype(int)
    cols = np.linspace(0, gray.shape[1] - 1, _SIGNATURE_SHAPE[1]).round().astype(int)
    small = gray[np.ix_(rows, cols)].astype(np.float32)
    small -= small.mean()
    norm = float(np.linalg.norm(small))
    return small / norm if norm > 0 else small


# Compared by identity: two tracks with the same text are still two appearances.
@dataclass(eq=False)
class TextTrack:
    """One line of on-screen text and the time it stays on screen."""

    text: str
    score: float
    start: float
    end: float
    bounds: tuple[float, float, float, float]
    signature: np.ndarray = field(repr=False)
    last_seen: float = 0.0


@dataclass
class Change:
    """What changed on screen since the previous sample."""

    appeared: list[TextTrack]
    left: list[TextTrack]


# recognise(line_image) -> (text, score)
Recogniser = Callable[[np.ndarray], tuple[str, float]]


class TextTracker:
    def __init__(self, recogniser: Recogniser, min_score: float) -> None:
        self.recogniser = recogniser
        self.min_score = min_score
        self.active: list[TextTrack] = []
        self.finished: list[TextTrack] = []
        self.recognitions = 0

    def observe(self, time: float, lines: list[tuple[Line, np.ndarray]]) -> Change:
        """Lines (with their straightened crops) detected in the frame sampled at ``time``."""
        seen: list[TextTrack] = []
        for line, line_image in lines:
            look = signature(line_image)
            track = self._same_line(line, look, seen)
            if track is None:
                self.recognitions += 1
                text, score = self.recogniser(line_image)
                if not _readable(text) or score < self.min_score:
                    continue
                track = self._same_text(line, text, seen) or TextTrack(
                    text, score, time, time, line.bounds, look
                )
                if score > track.score:  # keep the clearest reading of the line
                    track.text, track.score = text, score
            track.bounds, track.signature, track.last_seen = line.bounds, look, time
            if track not in seen:
                seen.append(track)
        return self._replace_active(time, seen)

    def _replace_active(self, time: float, on_screen: list[TextTrack]) -> Change:
        # A line not seen at this sample left the screen somewhere since the last one; its
        # range ends here, so it covers every moment the text may have been visible. The
        # analyzer narrows that down with the frames in between (``Change``).
        change = Change(
            appeared=[t for t in on_screen if t not in self.active],
            left=[t for t in self.active if t not in on_screen],
        )
        for track in change.left:
            track.end = time
            self.finished.append(track)
        for track in on_screen:
            if track in self.finished:
                self.finished.remove(track)
            track.end = track.last_seen = time
        self.active = list(on_screen)
        return change

    def reappear(self, time: float, tracks: list[TextTrack]) -> Change:
        """The frame at ``time`` shows a picture read before, whose lines were ``tracks``.

        No detection or recognition runs: those lines are on screen again (a still, a loop, a
        strobe between two pictures) and every other line has left.
        """
        return self._replace_active(time, tracks)

    def close(self, end: float) -> list[TextTrack]:
        for track in self.active:
            track.end = max(track.end, end)
        self.finished.extend(self.active)
        self.active = []
        return sorted(self.finished, key=lambda t: (t.start, t.bounds[1], t.bounds[0]))

    def _same_line(self, line: Line, look: np.ndarray, taken: list[TextTrack]) -> TextTrack | None:
        for track in self.active:
            if track in taken or _iou(track.bounds, line.bounds) < SAME_PLACE_IOU:
                continue
            same_look = float((track.signature * look).sum()) >= SAME_LOOK_CORRELATION
            if same_look:
                return track
        return None

    def _same_text(self, line: Line, text: str, taken: list[TextTrack]) -> TextTrack | None:
        """A line read again that says (nearly) what an overlapping active line said is that
        line: over moving video the same caption can read "deleted" once and "/deleted" the
        next time."""
        for track in self.active:
            if track in taken or _iou(track.bounds, line.bounds) < SAME_PLACE_IOU / 2:
                continue
            if similar_text(track.text, text):
                return track
        return None


def _letters(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())


def similar_text(a: str, b: str) -> bool:
    """Two readings of one line: the same letters and digits, or nearly (90 % alike)."""
    a, b = _letters(a), _letters(b)
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= SAME_TEXT_RATIO


def _readable(text: str) -> bool:
    """At least two letters or digits: single glyphs are almost always texture."""
    return sum(ch.isalnum() for ch in text) >= 2
