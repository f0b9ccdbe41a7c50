"""Per-pixel transition tracking and the sliding one-second count.

A *transition* is the change between a peak and the next valley (or the reverse) of a pixel's
value over time, once it is large enough. A flash is a pair of opposing transitions. Tracking
runs on every pixel of the analysis frame independently, so small, counter-phase or partial
flashes are never averaged away, and sensor noise well below the threshold never confirms a peak.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import numpy as np

from haven.signals.photosensitivity.colour import UV_DISTANCE_EPSILON, chromaticity_uv

# Share of the threshold within which a value counts as still resting at its peak or valley.
PLATEAU_SHARE = 0.25


class TransitionTracker:
    """Peak/valley tracking with hysteresis, one state per pixel.

    Each pixel remembers the highest and lowest value since its last transition (and when it
    reached them) and the direction of that transition. A rise is confirmed when the value
    stands ``min_change`` above the lowest value (and, with ``dark_limit``, that darker state is
    below it); a fall when it stands ``min_change`` below the highest (and the new, darker state
    is below ``dark_limit``). Two rises in a row are one transition: a peak that keeps growing.

    A confirmed transition is *counted* only if it took at most ``max_seconds`` from the peak or
    valley: a slow fade moves the state on but is not a flash. Anything flashing more than three
    times a second has transitions faster than 1/6 s, so a limit of 0.25 s loses no hazard
    (Trace 2024 proposes 66 ms).
    """

    def __init__(
        self,
        *,
        min_change: float,
        dark_limit: float | None = None,
        inclusive: bool = True,
        max_seconds: float = 0.25,
    ):
        self.min_change = min_change
        self.dark_limit = dark_limit
        self.inclusive = inclusive
        self.max_seconds = max_seconds
        self._high: np.ndarray | None = None
        self._low: np.ndarray | None = None
        self._high_time: np.ndarray | None = None
        self._low_time: np.ndarray | None = None
        self._direction: np.ndarray | None = None
        self._changed_time: np.ndarray | None = None
        self._idle_since: float | None = None

    def update(self, time: float, values: np.ndarray) -> np.ndarray | None:
        """Feed one frame, (H, W) float32; return a bool map of counted transitions, or None."""
        if self._high is None:
            self._high = values.copy()
            self._low = values.copy()
            self._high_time = np.full(values.shape, time, dtype=np.float64)
            self._low_time = np.full(values.shape, time, dtype=np.float64)
            self._direction = np.zeros(values.shape, dtype=np.int8)
            self._changed_time = np.full(values.shape, time, dtype=np.float64)
            return None
        if self._idle_since is not None:
            self._wake()
        high, low, direction = self._high, self._low, self._direction
        np.maximum(high, values, out=high)
        np.minimum(low, values, out=low)
        rise_size = values - low
        fall_size = high - values
        # A pixel still within a quarter of the threshold of its peak (valley) is resting there;
        # the transition that follows is timed from the last moment it rested.
        resting = self.min_change * PLATEAU_SHARE
        np.copyto(self._high_time, time, where=fall_size < resting)
        np.copyto(self._low_time, time, where=rise_size < resting)
        if self.inclusive:
            rise = rise_size >= self.min_change
            fall = fall_size >= self.min_change
        else:
            rise = rise_size > self.min_change
            fall = fall_size > self.min_change
        if not (rise.any() or fall.any()):
            return None
        if self.dark_limit is not None:
            rise &= low < self.dark_limit
            fall &= values < self.dark_limit
        # A second rise (or fall) continues the first, unless the first ended longer ago than a
        # transition may take: a step after a pause is a new change (a cut to grey, then a
        # flash starting with grey to white).
        finished = self._changed_time < time - self.max_seconds - 1e-6
        rise &= (direction != 1) | finished
        fall &= (direction != -1) | finished
        changed = rise | fall
        if not changed.any():
            return None
        limit = time - self.max_seconds - 1e-6
        counted = (rise & (self._low_time >= limit)) | (fall & (self._high_time >= limit))
        np.copyto(direction, 1, where=rise)
        np.copyto(direction, -1, where=fall)
        np.copyto(high, values, where=changed)
        np.copyto(low, values, where=changed)
        np.copyto(self._high_time, time, where=changed)
        np.copyto(self._low_time, time, where=changed)
        np.copyto(self._changed_time, time, where=changed)
        return counted if counted.any() else None

    def skip_zero_frame(self, time: float) -> bool:
        """Advance past a frame whose values are all 0 without touching every pixel.

        Allowed only for non-negative measures (the red metric) once every peak is below the
        resting band: such a frame then only sets each valley to 0 and marks every pixel as
        resting now, which ``_wake`` applies in one go before the next real frame. Returns False
        (and does nothing) when the shortcut does not hold; call ``update`` instead.
        """
        if self._high is None:
            return False
        if self._idle_since is None and float(self._high.max()) >= self.min_change * PLATEAU_SHARE:
            return False
        self._idle_since = time
        return True

    def _wake(self) -> None:
        self._low.fill(0.0)
        self._high_time.fill(self._idle_since)
        self._low_time.fill(self._idle_since)
        self._idle_since = None


class ChromaticityTracker:
    """WCAG 2.2 / ISO 9241-391 red transitions: to or from saturated red, > 0.2 apart in u'v'.

    Each pixel keeps an anchor state. A transition is counted when the pixel is, or its anchor
    was, saturated red and the two differ by more than ``min_distance`` in u'v'; the anchor then
    moves to the current state. Otherwise the anchor follows the pixel, except that a red anchor
    is held while the pixel drifts away from red, so a slow departure still completes.
    Frames with no red anywhere cost nothing: the chromaticity is computed only when needed.
    """

    def __init__(self, *, min_distance: float):
        self.min_distance = min_distance
        self._anchor_uv: np.ndarray | None = None
        self._anchor_red: np.ndarray | None = None
        self._previous_linear: Callable[[], np.ndarray] | None = None

    def update(
        self, linear_rgb: Callable[[], np.ndarray], red_state: np.ndarray | None
    ) -> np.ndarray | None:
        """Feed one frame: a function giving its (H, W, 3) linear RGB, and its (H, W) map of
        visible saturated red (None when the frame holds no red at all)."""
        uv_of = chromaticity_uv
        has_red_anchor = self._anchor_red is not None and bool(self._anchor_red.any())
        if not has_red_anchor and (red_state is None or not red_state.any()):
            # The anchor of every pixel is simply the latest frame; remember it lazily.
            self._anchor_uv = None
            self._anchor_red = None
            self._previous_linear = linear_rgb
            return None
        current = linear_rgb()
        if red_state is None:
            red_state = np.zeros(current.shape[:2], dtype=bool)
        current_uv = uv_of(current)
        if self._anchor_uv is None:
            previous = self._previous_linear
            self._anchor_uv = uv_of(previous()) if previous is not None else current_uv.copy()
            self._anchor_red = np.zeros(red_state.shape, dtype=bool)
        anchor_uv, anchor_red = self._anchor_uv, self._anchor_red
        difference = current_uv - anchor_uv
        distance_sq = np.einsum("...i,...i->...", difference, difference)
        limit = self.min_distance + UV_DISTANCE_EPSILON
        transition = (anchor_red | red_state) & (distance_sq > limit * limit)
        move = ~(anchor_red & ~red_state & ~transition)
        np.copyto(anchor_uv, current_uv, where=move[..., None])
        np.copyto(anchor_red, red_state, where=move)
        self._previous_linear = linear_rgb
        return transition if transition.any() else None


# A frame belongs to a flash run when it changes at least this share of the pixels that the
# run's strongest frame changed.
RUN_SHARE = 0.25


class SlidingCounts:
    """How many transitions each pixel had in the last ``window`` seconds, i.e. in (t - 1, t].

    Only frames with transitions are kept, with their times, so the start and end of an
    offending run can be found without another pass.
    """

    def __init__(self, shape: tuple[int, int], *, window: float = 1.0):
        self.window = window
        self.counts = np.zeros(shape, dtype=np.int16)
        self._entries: deque[tuple[float, np.ndarray]] = deque()

    def push(self, time: float, transitions: np.ndarray | None) -> None:
        # A transition exactly one window ago has left the half-open window (t - 1, t]; the
        # microsecond of slack absorbs container timestamp rounding.
        horizon = time - self.window + 1e-6
        entries = self._entries
        while entries and entries[0][0] <= horizon:
            self.counts -= entries.popleft()[1]
        if transitions is not None:
            self.counts += transitions
            entries.append((time, transitions))

    @property
    def active(self) -> bool:
        """True while any transition is inside the window."""
        return bool(self._entries)

    def run_bounds(self, mask: np.ndarray) -> tuple[float, float] | None:
        """First and last frame in the window where much of ``mask`` changed at once.

        A flash turns its whole area over in one frame, while motion in the scene moves a few
        scattered pixels at a time. So the run is bounded by the frames whose transitions in
        ``mask`` number at least ``RUN_SHARE`` of the largest such number in the window; for
        unsynchronised flicker that is simply every frame with a transition in ``mask``.
        None when no transition in the window touches ``mask``.
        """
        touched = [
            (time, np.count_nonzero(transitions & mask)) for time, transitions in self._entries
        ]
        strongest = max((count for _, count in touched), default=0)
        if strongest == 0:
            return None
        in_run = [time for time, count in touched if count and count >= RUN_SHARE * strongest]
        return in_run[0], in_run[-1]
