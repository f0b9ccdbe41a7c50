"""Turning per-frame hazard states into segments, a per-second timeline and WebVTT cues."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from haven.captions.formats import timestamp
from haven.signals.photosensitivity.area import bounding_box

# Hazardous frames closer than this are one segment: a flash run with a short pause is one
# event for a viewer, and one warning is better than a stutter of them.
MERGE_GAP_SECONDS = 0.5
# Cues start this much before a segment so a player can warn before the first flash.
CUE_LEAD_SECONDS = 0.5


@dataclass
class Segment:
    """One stretch of video that breaks (``fail``) or strains (``warning``) a profile's rule.

    ``start`` is the first transition of the offending run and ``end`` its last transition (for
    patterns: first and last harmful sample plus one sampling interval), in seconds.
    ``box`` is (top, left, bottom, right) in analysis pixels.
    """

    kind: str
    severity: str
    start: float
    end: float
    peak_transitions_per_second: int = 0
    peak_area_fraction: float = 0.0
    peak_window_fraction: float = 0.0
    box: tuple[int, int, int, int] | None = None
    grid: tuple[int, int] = (1, 1)
    last_hazard_time: float = 0.0
    loop_seam: bool = False
    details: dict[str, object] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.end - self.start

    def normalised_box(self) -> dict[str, float] | None:
        """The box as fractions of the displayed picture: x, y, width, height in [0, 1]."""
        if self.box is None:
            return None
        top, left, bottom, right = self.box
        rows, cols = self.grid
        x0, y0 = left / cols, top / rows
        x1, y1 = min(1.0, right / cols), min(1.0, bottom / rows)
        return {
            "x": round(x0, 4),
            "y": round(y0, 4),
            "width": round(x1 - x0, 4),
            "height": round(y1 - y0, 4),
        }

    def absorb(
        self,
        *,
        time: float,
        end: float,
        transitions: int,
        area: float,
        window: float,
        mask: np.ndarray | None,
    ) -> None:
        self.end = max(self.end, end)
        self.last_hazard_time = time
        self._take_peaks(transitions, area, window)
        if mask is not None:
            self.grid = mask.shape
            self.box = union_box(self.box, bounding_box(mask))

    def merge(self, other: Segment) -> None:
        """Make this segment cover ``other`` too (same kind, same analysis grid)."""
        self.start = min(self.start, other.start)
        self.end = max(self.end, other.end)
        self.loop_seam = self.loop_seam or other.loop_seam
        self._take_peaks(
            other.peak_transitions_per_second, other.peak_area_fraction, other.peak_window_fraction
        )
        self.box = union_box(self.box, other.box)

    def _take_peaks(self, transitions: int, area: float, window: float) -> None:
        self.peak_transitions_per_second = max(self.peak_transitions_per_second, transitions)
        self.peak_area_fraction = max(self.peak_area_fraction, area)
        self.peak_window_fraction = max(self.peak_window_fraction, window)


Box = tuple[int, int, int, int]


def union_box(a: Box | None, b: Box | None) -> Box | None:
    """The smallest (top, left, bottom, right) box holding both; None only if both are."""
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


class SegmentBuilder:
    """Collects hazardous frames of one kind and severity into merged segments."""

    def __init__(self, kind: str, severity: str, *, min_duration: float = 0.0):
        self.kind = kind
        self.severity = severity
        self.min_duration = min_duration
        self._open: Segment | None = None
        self._closed: list[Segment] = []

    @property
    def open_segment(self) -> Segment | None:
        return self._open

    def continues(self, time: float) -> bool:
        """Whether a hazard at ``time`` extends the open segment rather than starting one."""
        return self._open is not None and time - self._open.last_hazard_time <= MERGE_GAP_SECONDS

    def add(
        self,
        *,
        time: float,
        start: float,
        end: float,
        transitions: int,
        area: float,
        window: float,
        mask: np.ndarray | None,
    ) -> None:
        segment = self._open
        if segment is None or not self.continues(time):
            self._close()
            segment = Segment(self.kind, self.severity, start=start, end=end, last_hazard_time=time)
            self._open = segment
        segment.absorb(
            time=time, end=end, transitions=transitions, area=area, window=window, mask=mask
        )

    def _close(self) -> None:
        if self._open is not None and self._open.duration >= self.min_duration:
            self._closed.append(self._open)
        self._open = None

    def finish(self) -> list[Segment]:
        self._close()
        return list(self._closed)

    def reset(self) -> None:
        """Forget every segment, open or closed (the loop-seam replay starts afresh)."""
        self._open = None
        self._closed = []


class Timeline:
    """Per-second maxima of flash rate and flashing area, per kind, for charts and players."""

    def __init__(self) -> None:
        self._seconds: dict[int, dict[str, float]] = {}

    def record(
        self, time: float, kind: str, *, flashes_per_second: float, area_fraction: float
    ) -> None:
        second = self._seconds.setdefault(int(time), {})
        rate_key, area_key = f"{kind}_flashes_per_second", f"{kind}_area_fraction"
        second[rate_key] = max(second.get(rate_key, 0.0), flashes_per_second)
        second[area_key] = max(second.get(area_key, 0.0), area_fraction)

    def rows(self, kinds: list[str]) -> list[dict[str, float]]:
        if not self._seconds:
            return []
        rows = []
        for second in range(max(self._seconds) + 1):
            values = self._seconds.get(second, {})
            row: dict[str, float] = {"second": second}
            for kind in kinds:
                row[f"{kind}_flashes_per_second"] = round(
                    values.get(f"{kind}_flashes_per_second", 0.0), 2
                )
                row[f"{kind}_area_fraction"] = round(values.get(f"{kind}_area_fraction", 0.0), 4)
            rows.append(row)
        return rows


_KIND_TEXT = {
    "luminance": "flashing lights",
    "red": "red flashes",
    "pattern": "a striped or regular pattern",
}


def webvtt(segments: list[Segment], *, duration: float) -> str:
    """WebVTT metadata cues, one per segment, that a player can use to warn or skip.

    Each cue's payload is a line of JSON (kind, severity, skip_to) after a readable sentence,
    so a player can both show it and act on it.
    """
    lines = [
        "WEBVTT",
        "",
        "NOTE Haven photosensitivity cues: warn at the cue start, skip to skip_to.",
        "",
    ]
    for number, segment in enumerate(sorted(segments, key=lambda s: s.start), start=1):
        start = max(0.0, segment.start - CUE_LEAD_SECONDS)
        end = min(max(segment.end, segment.start + 0.001), max(duration, segment.end))
        rate = segment.peak_transitions_per_second / 2
        what = _KIND_TEXT.get(segment.kind, segment.kind)
        sentence = f"Photosensitivity {segment.severity}: {what}"
        if segment.kind != "pattern":
            sentence += f", up to {rate:g} flashes per second"
        lines += [
            f"haven-{number}",
            f"{timestamp(start)} --> {timestamp(end)}",
            sentence,
            (
                '{"kind": "%s", "severity": "%s", "skip_to": %.3f}'
                % (segment.kind, segment.severity, segment.end)
            ),
            "",
        ]
    return "\n".join(lines)
