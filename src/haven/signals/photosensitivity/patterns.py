"""Harmful regular patterns: stripes, gratings and checks covering much of the screen.

The frame is cut into overlapping tiles. A tile holds a regular pattern when one narrow peak of
its 2-D spectrum carries most of its contrast energy, and the stripes are bright and contrasted
enough to matter. Within the regular tiles, the pixels whose local spread over one period
matches the stripes' give the pattern's area and extent (to half a period), the spectrum's peak
its period, and hence the number of light-dark pairs. A pattern that moves or reverses between
samples is judged by the stricter moving limit.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from haven.signals.photosensitivity.profiles import PatternRule
from haven.signals.photosensitivity.segments import Segment, SegmentBuilder

TILE = 64
STRIDE = 32
# Share of a tile's contrast energy that one spectral peak (with its 8 neighbours) must hold.
# A square-wave grating puts ~81 % in its fundamental; photos and noise spread it out.
MIN_PEAK_SHARE = 0.5
# A tile must hold at least two whole cycles for its peak to mean "repeating".
MIN_CYCLES_PER_TILE = 2.0
# Mean absolute change between samples, relative to the stripe contrast, that makes a pattern
# "moving" (drifting, oscillating or contrast-reversing) rather than stationary.
MOVING_CHANGE_RATIO = 0.25

# Within a regular tile, a pixel is striped when the spread of luminance over one period
# around it reaches this share of the stripes' own spread.
LOCAL_SPREAD_SHARE = 0.5

_WINDOW = np.outer(np.hanning(TILE), np.hanning(TILE)).astype(np.float32)


def _spectral_peaks(tiles: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Peak energy share and peak frequency (cycles/px, y and x) of each tile.

    ``tiles`` is (N, TILE, TILE) float32 with the mean removed. The full 2-D spectrum of a real
    tile is symmetric, so every grating shows as two equal peaks (k and -k); the share is that
    of the pair, whatever the stripes' orientation.
    """
    power = np.abs(np.fft.fft2(tiles * _WINDOW)) ** 2  # (N, TILE, TILE)
    k = np.fft.fftfreq(TILE) * TILE
    radius = np.hypot(k[:, None], k[None, :])
    # The share is of all contrast energy, slow changes included: the harmonics of a few wide
    # bars must not pass for a fine grating once the bars themselves are set aside.
    total = power.reshape(len(tiles), -1).sum(axis=1) - power[:, 0, 0]
    power[:, radius < MIN_CYCLES_PER_TILE] = 0.0
    # Energy around each bin: the bin plus its 8 neighbours (rolling wraps as the FFT does).
    around = power.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy or dx:
                around += np.roll(power, (dy, dx), axis=(1, 2))
    flat = around.reshape(len(tiles), -1)
    best = flat.argmax(axis=1)
    share = 2.0 * flat[np.arange(len(tiles)), best] / np.maximum(total, 1e-12)
    iy, ix = np.unravel_index(best, around.shape[1:])
    return np.minimum(share, 1.0), k[iy] / TILE, k[ix] / TILE


def _box_mean(values: np.ndarray, size: int) -> np.ndarray:
    """Mean over a ``size`` x ``size`` box centred on each pixel (edges mirrored); same shape."""
    before = size // 2
    padded = np.pad(values.astype(np.float64), ((before, size - 1 - before),) * 2, mode="reflect")
    integral = np.zeros((padded.shape[0] + 1, padded.shape[1] + 1))
    np.cumsum(np.cumsum(padded, axis=0), axis=1, out=integral[1:, 1:])
    sums = (
        integral[size:, size:]
        - integral[:-size, size:]
        - integral[size:, :-size]
        + integral[:-size, :-size]
    )
    return sums / (size * size)


def _tile_starts(length: int) -> list[int]:
    """Tile origins every STRIDE pixels, plus one flush with the far edge."""
    starts = list(range(0, length - TILE + 1, STRIDE))
    if starts[-1] != length - TILE:
        starts.append(length - TILE)
    return starts


class PatternDetector:
    """Feeds on sampled luminance frames; emits ``pattern`` segments that break the rule."""

    def __init__(self, rule: PatternRule, *, sample_interval: float):
        self.rule = rule
        self.sample_interval = sample_interval
        self.builder = SegmentBuilder("pattern", "fail", min_duration=rule.min_seconds)
        self._previous: np.ndarray | None = None
        self.worst_ratio = 0.0
        self.too_small = False

    def on_sample(self, time: float, luminance: np.ndarray) -> None:
        """``luminance``: (H, W) float32 relative luminance of one sampled frame."""
        height, width = luminance.shape
        if height < TILE or width < TILE:
            self.too_small = True
            return
        row_starts, col_starts = _tile_starts(height), _tile_starts(width)
        windows = sliding_window_view(luminance, (TILE, TILE))[np.ix_(row_starts, col_starts)]
        rows, cols = len(row_starts), len(col_starts)
        tiles = windows.reshape(rows * cols, TILE, TILE)
        means = tiles.mean(axis=(1, 2))
        spread = tiles.std(axis=(1, 2))
        # For two-level stripes the standard deviation is half the step between them.
        contrast = 2.0 * spread
        light = means + spread
        candidates = (contrast >= self.rule.min_contrast) & (light >= self.rule.min_light_luminance)
        previous, self._previous = self._previous, luminance
        if not candidates.any():
            return
        centred = tiles[candidates] - means[candidates, None, None]
        share, fy, fx = _spectral_peaks(centred)
        regular = np.zeros(rows * cols, dtype=bool)
        regular[np.flatnonzero(candidates)[share >= MIN_PEAK_SHARE]] = True
        if not regular.any():
            return
        kept = share >= MIN_PEAK_SHARE
        frequency_y = float(np.median(np.abs(fy[kept])))
        frequency_x = float(np.median(np.abs(fx[kept])))
        period = 1.0 / max(float(np.hypot(frequency_x, frequency_y)), 1e-9)
        stripe_spread = float(np.median(spread[regular]))
        striped = self._striped_pixels(
            luminance, regular.reshape(rows, cols), row_starts, col_starts, period, stripe_spread
        )
        area = float(np.count_nonzero(striped)) / (height * width)
        if area == 0.0:
            return
        pixel_rows = np.flatnonzero(striped.any(axis=1))
        pixel_cols = np.flatnonzero(striped.any(axis=0))
        extent_h = pixel_rows[-1] - pixel_rows[0] + 1
        extent_w = pixel_cols[-1] - pixel_cols[0] + 1
        pairs = extent_w * frequency_x + extent_h * frequency_y
        moving = self._is_moving(luminance, previous, striped, 2.0 * stripe_spread)
        limit = self.rule.moving_max_fraction if moving else self.rule.stationary_max_fraction
        if pairs >= self.rule.min_pairs:
            self.worst_ratio = max(self.worst_ratio, area / limit)
        if pairs < self.rule.min_pairs or area <= limit:
            return
        self.builder.add(
            time=time,
            start=time,
            end=time + self.sample_interval,
            transitions=0,
            area=area,
            window=area,
            mask=striped,
        )
        segment = self.builder.open_segment
        if segment is not None:
            segment.details["light_dark_pairs"] = max(
                int(pairs), int(segment.details.get("light_dark_pairs", 0))
            )
            segment.details["period_px_of_long_side"] = round(period / max(height, width), 4)
            segment.details["moving"] = bool(moving or segment.details.get("moving", False))

    @staticmethod
    def _striped_pixels(
        luminance: np.ndarray,
        regular_tiles: np.ndarray,
        row_starts: list[int],
        col_starts: list[int],
        period: float,
        stripe_spread: float,
    ) -> np.ndarray:
        """(H, W) bool: pixels of the regular tiles that lie in the stripes themselves.

        A tile only partly covered by stripes is still regular, so the tiles overstate the
        area. Within them, a pixel belongs to the pattern when the luminance spread over one
        period around it is at least half that of the stripes: the edge is found to half a
        period.
        """
        region = np.zeros(luminance.shape, dtype=bool)
        for r, top in enumerate(row_starts):
            for c, left in enumerate(col_starts):
                if regular_tiles[r, c]:
                    region[top : top + TILE, left : left + TILE] = True
        size = max(3, int(np.ceil(period)))
        mean = _box_mean(luminance, size)
        mean_square = _box_mean(luminance * luminance, size)
        local_spread = np.sqrt(np.maximum(mean_square - mean * mean, 0.0))
        return region & (local_spread >= LOCAL_SPREAD_SHARE * stripe_spread)

    @staticmethod
    def _is_moving(
        current: np.ndarray, previous: np.ndarray | None, striped: np.ndarray, contrast: float
    ) -> bool:
        """Whether the stripes drifted, oscillated or reversed since the previous sample."""
        if previous is None or previous.shape != current.shape or contrast <= 0:
            return False
        change = float(np.abs(current[striped] - previous[striped]).mean())
        return change > MOVING_CHANGE_RATIO * contrast

    def finish(self) -> list[Segment]:
        return self.builder.finish()
