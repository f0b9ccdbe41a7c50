"""Flash detection for one kind of change (luminance or red) on a stream of frames.

``FlashChannel`` owns a transition tracker's output, the sliding one-second counts, and the
segment builders for failures and extended-flashing warnings. It decides, frame by frame,
whether the pixels flashing too often cover too much of the judging window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from haven.signals.photosensitivity.area import edge_coverage, max_window_fraction
from haven.signals.photosensitivity.segments import Segment, SegmentBuilder, Timeline
from haven.signals.photosensitivity.transitions import SlidingCounts

# A result within this ratio of a limit (either side) is "near the limit": the analyzer reports
# lower confidence, so policy can send the video to a person.
NEAR_LIMIT_RATIO = 0.2
# Weight of the newest frame in the per-pixel activity average (about a 5-frame memory).
ACTIVITY_WEIGHT = 0.2


@dataclass(frozen=True)
class AreaLimit:
    """The judging window in analysis pixels and the share of it that may flash."""

    window_width: float
    window_height: float
    max_fraction: float


class FlashChannel:
    def __init__(
        self,
        kind: str,
        shape: tuple[int, int],
        *,
        area: AreaLimit,
        max_transitions: int,
        extended_min_transitions: int,
        extended_min_seconds: float,
        timeline: Timeline,
    ):
        self.kind = kind
        self.area = area
        self.max_transitions = max_transitions
        self.extended_min_transitions = extended_min_transitions
        self.counts = SlidingCounts(shape)
        self.failures = SegmentBuilder(kind, "fail")
        self.extended = SegmentBuilder(kind, "warning", min_duration=extended_min_seconds)
        self.timeline = timeline
        self._pixels = shape[0] * shape[1]
        # Largest (window share / limit) among frames whose rate was over the limit, and
        # largest (window share at exactly the limit rate / limit): both say how close a
        # passing video came to failing.
        self.worst_area_ratio = 0.0
        self.worst_at_limit_ratio = 0.0
        self.peak_rate = 0
        # Time of the loop seam while the first second is replayed after the last frame.
        self.seam: float | None = None
        # Mean absolute change per frame of each pixel (an exponential average), when the
        # analyzer tracks it: lets the area count the partly covered pixels at a flash's edge.
        self.activity: np.ndarray | None = None
        self._previous: np.ndarray | None = None

    def track_activity(self, values: np.ndarray) -> None:
        """Feed this frame's measure, (H, W) float32, before ``push``."""
        if self._previous is not None:
            change = np.abs(values - self._previous)
            if self.activity is None:
                self.activity = change
            else:
                self.activity *= 1.0 - ACTIVITY_WEIGHT
                self.activity += ACTIVITY_WEIGHT * change
        self._previous = values

    def push(self, time: float, transitions: np.ndarray | None) -> None:
        counts = self.counts
        counts.push(time, transitions)
        if self.seam is not None:
            self._push_replay(time)
            return
        peak = int(counts.counts.max()) if counts.active else 0
        self.peak_rate = max(self.peak_rate, peak)
        if peak < self.extended_min_transitions:
            self.timeline.record(time, self.kind, flashes_per_second=peak / 2, area_fraction=0.0)
            return
        over = counts.counts > self.max_transitions
        at_limit = counts.counts >= self.extended_min_transitions
        flashing = self._flashing(over) if peak > self.max_transitions else None
        area_over = self._window_share(flashing) if flashing is not None else 0.0
        area_at_limit = self._window_share(at_limit)
        limit = self.area.max_fraction
        self.worst_area_ratio = max(self.worst_area_ratio, area_over / limit)
        self.worst_at_limit_ratio = max(self.worst_at_limit_ratio, area_at_limit / limit)
        self.timeline.record(
            time,
            self.kind,
            flashes_per_second=peak / 2,
            area_fraction=float(np.count_nonzero(over)) / self._pixels,
        )
        if area_over > limit and flashing is not None:
            self._add_failure(time, over, flashing, area_over)
        elif area_at_limit > limit:
            self._add(self.extended, time, at_limit, area_at_limit, peak)

    def start_replay(self, seam: float) -> None:
        """Judge what follows as a loop's replay: only failures across ``seam`` count."""
        self.seam = seam
        self.failures.reset()
        self.extended.reset()

    def _push_replay(self, time: float) -> None:
        counts = self.counts
        if not counts.active or int(counts.counts.max()) <= self.max_transitions:
            return
        over = counts.counts > self.max_transitions
        flashing = self._flashing(over)
        share = self._window_share(flashing)
        if share <= self.area.max_fraction:
            return
        bounds = counts.run_bounds(over)
        # The failing second must hold transitions on both sides of the seam; one wholly
        # before or after it was judged in the first pass.
        if bounds is None or not bounds[0] < self.seam <= bounds[1] + 1e-6:
            return
        self._add_failure(time, over, flashing, share)

    def _add_failure(
        self, time: float, over: np.ndarray, flashing: np.ndarray, window: float
    ) -> None:
        self._add(
            self.failures,
            time,
            over,
            window,
            int(self.counts.counts[over].max()),
            area=float(flashing.sum(dtype=np.float64)) / self._pixels,
        )

    def _flashing(self, mask: np.ndarray) -> np.ndarray:
        """How much of each pixel flashes: the mask, plus partly covered edge pixels in part."""
        if self.activity is None:
            return mask
        return edge_coverage(mask, self.activity)

    def _window_share(self, mask: np.ndarray) -> float:
        return max_window_fraction(
            mask, window_width=self.area.window_width, window_height=self.area.window_height
        )

    def _add(
        self,
        builder: SegmentBuilder,
        time: float,
        mask: np.ndarray,
        window: float,
        transitions: int,
        *,
        area: float | None = None,
    ) -> None:
        """Record a failing (or straining) frame; ``area`` defaults to the mask's share."""
        bounds = self.counts.run_bounds(mask)
        start, end = bounds if bounds is not None else (time, time)
        if builder.continues(time):
            start = time  # only a new segment takes its start from the window
        builder.add(
            time=time,
            start=start,
            end=end,
            transitions=transitions,
            area=float(np.count_nonzero(mask)) / self._pixels if area is None else area,
            window=window,
            mask=mask,
        )

    def finish(self) -> tuple[list[Segment], list[Segment]]:
        """Failure segments and the extended-flashing warnings that no failure covers."""
        failures = self.failures.finish()
        warnings = [
            w
            for w in self.extended.finish()
            if not any(f.start < w.end and w.start < f.end for f in failures)
        ]
        return failures, warnings

    def near_limit(self) -> bool:
        """True when a passing channel came within ``NEAR_LIMIT_RATIO`` of failing."""
        close_on_area = self.worst_area_ratio >= 1 - NEAR_LIMIT_RATIO
        close_on_rate = self.worst_at_limit_ratio > 1 and self.peak_rate >= self.max_transitions
        return close_on_area or close_on_rate
