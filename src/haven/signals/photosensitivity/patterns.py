"""Harmful regular patterns: stripes, gratings and checks covering much of the screen.

The frame is cut into overlapping tiles. A tile holds a regular pattern when one narrow peak of
its 2-D spectrum carries most of its contrast energy, and the stripes are bright and contrasted
enough to matter. Patterned tiles vote for the grid cells they cover; the voted cells give the
pattern's area and extent, the spectrum's peak its period, and hence the number of light-dark
pairs. A pattern that moves or reverses between samples is judged by the stricter moving limit.
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
        cells, cell_area = self._vote_cells(
            regular.reshape(rows, cols), row_starts, col_starts, height, width
        )
        area = float(cell_area[cells].sum()) / (height * width)
        kept = share >= MIN_PEAK_SHARE
        frequency_y = float(np.median(np.abs(fy[kept])))
        frequency_x = float(np.median(np.abs(fx[kept])))
        cell_rows = np.flatnonzero(cells.any(axis=1))
        cell_cols = np.flatnonzero(cells.any(axis=0))
        extent_h = (cell_rows[-1] - cell_rows[0] + 1) * STRIDE if cell_rows.size else 0
        extent_w = (cell_cols[-1] - cell_cols[0] + 1) * STRIDE if cell_cols.size else 0
        pairs = extent_w * frequency_x + extent_h * frequency_y
        moving = self._is_moving(luminance, previous, cells, float(np.median(contrast[regular])))
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
            mask=cells,
        )
        segment = self.builder.open_segment
        if segment is not None:
            segment.details["light_dark_pairs"] = max(
                int(pairs), int(segment.details.get("light_dark_pairs", 0))
            )
            segment.details["period_px_of_long_side"] = round(
                1.0 / max(np.hypot(frequency_x, frequency_y), 1e-9) / max(height, width), 4
            )
            segment.details["moving"] = bool(moving or segment.details.get("moving", False))

    @staticmethod
    def _vote_cells(
        regular_tiles: np.ndarray,
        row_starts: list[int],
        col_starts: list[int],
        height: int,
        width: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Cells (STRIDE px) covered by patterned tiles in at least half of their coverings.

        Returns the cell mask and each cell's area in pixels (cells at the far edges are cut
        off by the frame).
        """
        cell_rows, cell_cols = -(-height // STRIDE), -(-width // STRIDE)
        votes = np.zeros((cell_rows, cell_cols), dtype=np.int16)
        cover = np.zeros((cell_rows, cell_cols), dtype=np.int16)
        for r, top in enumerate(row_starts):
            rows = slice(top // STRIDE, -(-(top + TILE) // STRIDE))
            for c, left in enumerate(col_starts):
                cols = slice(left // STRIDE, -(-(left + TILE) // STRIDE))
                cover[rows, cols] += 1
                if regular_tiles[r, c]:
                    votes[rows, cols] += 1
        heights = np.minimum(STRIDE, height - np.arange(cell_rows) * STRIDE)
        widths = np.minimum(STRIDE, width - np.arange(cell_cols) * STRIDE)
        return (votes > 0) & (2 * votes >= cover), np.outer(heights, widths)

    @staticmethod
    def _is_moving(
        current: np.ndarray, previous: np.ndarray | None, cells: np.ndarray, contrast: float
    ) -> bool:
        if previous is None or previous.shape != current.shape or contrast <= 0:
            return False
        mask = np.kron(cells, np.ones((STRIDE, STRIDE), dtype=bool))[
            : current.shape[0], : current.shape[1]
        ]
        change = float(np.abs(current[mask] - previous[mask]).mean())
        return change > MOVING_CHANGE_RATIO * contrast

    def finish(self) -> list[Segment]:
        return self.builder.finish()
