"""Following on-screen text lines from one sampled frame to the next.

A line read at one sample is checked at the next one where it was: the strongest edges of its
box (the outlines of its letters) must still be there, pixel for pixel. Over a panning or
cutting background the letters of a burned-in caption stay put while everything around them
changes, so this holds when the same text is still on screen, and fails when even a word of
it changed. A detected line that overlaps a line still shown is that
line and is not read again; only new or changed lines go to the recogniser.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from haven.signals.ocr.engine import Line

# A detected line belongs to a line still shown when their boxes overlap this much
# (intersection over union); detection boxes of one line vary by a few pixels.
SAME_PLACE_IOU = 0.5
# A pixel is unchanged when it moved by less than this (0-255) between two samples...
UNCHANGED_PIXEL = 20.0
# ...and a line is still shown when this share of its letter-edge pixels is unchanged.
STILL_SHOWN_SHARE = 0.8
# The letter edges: pixels whose gradient is in the top 15 % of the box, and at least this.
EDGE_PERCENTILE, MIN_EDGE = 85, 24.0
# Two readings of a line in the same place whose letters are this alike are one line.
SAME_TEXT_RATIO = 0.9

Bounds = tuple[float, float, float, float]


def _iou(a: Bounds, b: Bounds) -> float:
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, right - left) * max(0.0, bottom - top)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _pixel_box(bounds: Bounds, shape: tuple[int, ...]) -> tuple[slice, slice]:
    left, top, right, bottom = bounds
    rows = slice(max(0, int(top)), min(shape[0], int(np.ceil(bottom))))
    cols = slice(max(0, int(left)), min(shape[1], int(np.ceil(right))))
    return rows, cols


def letter_edges(patch: np.ndarray) -> np.ndarray:
    """The strongest edges of a line's box: where its letters meet their outline or ground."""
    if min(patch.shape) < 2:
        return np.zeros(patch.shape, bool)
    rows, cols = np.gradient(patch)
    magnitude = np.hypot(rows, cols)
    return magnitude >= max(float(np.percentile(magnitude, EDGE_PERCENTILE)), MIN_EDGE)


# Compared by identity: two tracks with the same text are still two appearances.
@dataclass(eq=False)
class TextTrack:
    """One line of on-screen text and the time it stays on screen."""

    text: str
    score: float
    start: float
    end: float
    bounds: Bounds
    # The grey pixels of the box when the line was read, and which of them are letter edges.
    patch: np.ndarray = field(repr=False)
    edges: np.ndarray = field(repr=False)
    last_seen: float = 0.0

    def still_shown(self, gray: np.ndarray) -> bool:
        rows, cols = _pixel_box(self.bounds, gray.shape)
        now = gray[rows, cols]
        if now.shape != self.patch.shape or not self.edges.any():
            return False
        unchanged = np.abs(now[self.edges] - self.patch[self.edges]) < UNCHANGED_PIXEL
        return float(unchanged.mean()) >= STILL_SHOWN_SHARE


@dataclass
class Change:
    """What changed on screen since the previous sample."""

    appeared: list[TextTrack]
    left: list[TextTrack]


# read_line(image, line) -> (text, score): crop the line out of the image and recognise it.
LineReader = Callable[[np.ndarray, Line], tuple[str, float]]


class TextTracker:
    def __init__(self, read_line: LineReader, min_score: float) -> None:
        self.read_line = read_line
        self.min_score = min_score
        self.active: list[TextTrack] = []
        self.finished: list[TextTrack] = []
        self.recognitions = 0

    def observe(self, time: float, image: np.ndarray, lines: list[Line]) -> Change:
        """The lines detected in ``image`` (BGR or grey), the frame sampled at ``time``."""
        gray = (
            image.astype(np.float32).mean(axis=2) if image.ndim == 3 else image.astype(np.float32)
        )
        steady = [track for track in self.active if track.still_shown(gray)]
        on_screen: list[TextTrack] = []
        for line in lines:
            track = self._steady_at(line, steady, on_screen)
            if track is None:
                self.recognitions += 1
                text, score = self.read_line(image, line)
                if not _readable(text) or score < self.min_score:
                    continue
                track = self._same_text(line, text, on_screen)
                if track is None:
                    track = TextTrack(text, score, time, time, line.bounds, *_look(gray, line))
                elif score > track.score:  # keep the clearest reading of the line
                    track.text, track.score = text, score
                    track.bounds = line.bounds
                    track.patch, track.edges = _look(gray, line)
            if track not in on_screen:
                on_screen.append(track)
        return self._replace_active(time, on_screen)

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

    @staticmethod
    def _steady_at(line: Line, steady: list[TextTrack], taken: list[TextTrack]) -> TextTrack | None:
        for track in steady:
            if track not in taken and _iou(track.bounds, line.bounds) >= SAME_PLACE_IOU:
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


def _look(gray: np.ndarray, line: Line) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = _pixel_box(line.bounds, gray.shape)
    patch = gray[rows, cols].copy()
    return patch, letter_edges(patch)


def _letters(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())


def similar_text(a: str, b: str) -> bool:
    """Two readings of one line: the same letters and digits, or nearly (90 % alike)."""
    a, b = _letters(a), _letters(b)
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= SAME_TEXT_RATIO


def _readable(text: str) -> bool:
    """At least two letters or digits: single glyphs are almost always texture."""
    return sum(ch.isalnum() for ch in text) >= 2
