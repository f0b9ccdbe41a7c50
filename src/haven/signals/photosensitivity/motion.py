"""Camera motion: is a change at a pixel the scene moving past it, or light changing?

Per-pixel tracking sees a pan over a detailed scene as every pixel changing several times a
second. Phase correlation between consecutive analysis frames finds one global translation;
where the previous frame, moved by it, predicts the new pixel well, the change is motion,
not a flash. Flashes cannot be predicted that way, so they still count; and when no clear
translation exists (a cut, a zoom, several things moving) nothing is discounted.
"""

from __future__ import annotations

from functools import cache

import numpy as np

# The correlation peak (1.0 for a pure translation) below which no global motion is trusted.
MIN_PEAK = 0.2
# Shifts under this many pixels are no motion worth discounting.
MIN_SHIFT = 0.25


@cache
def _window(shape: tuple[int, int]) -> np.ndarray:
    return np.outer(np.hanning(shape[0]), np.hanning(shape[1])).astype(np.float32)


def global_shift(previous: np.ndarray, current: np.ndarray) -> tuple[float, float] | None:
    """(dy, dx) in pixels that carries ``previous`` onto ``current``, or None if unclear.

    Both are (H, W) float32 luminance. Sub-pixel precision comes from a parabola through the
    correlation peak and its neighbours.
    """
    window = _window(previous.shape)
    before = np.fft.rfft2((previous - previous.mean()) * window)
    after = np.fft.rfft2((current - current.mean()) * window)
    cross = after * np.conj(before)
    cross /= np.abs(cross) + 1e-9
    correlation = np.fft.irfft2(cross, s=previous.shape)
    peak_index = np.unravel_index(int(np.argmax(correlation)), correlation.shape)
    peak = float(correlation[peak_index])
    if peak < MIN_PEAK:
        return None
    shift = []
    for axis, size in enumerate(correlation.shape):
        index = peak_index[axis]
        neighbours = [list(peak_index), list(peak_index)]
        neighbours[0][axis] = (index - 1) % size
        neighbours[1][axis] = (index + 1) % size
        left, right = (float(correlation[tuple(n)]) for n in neighbours)
        curvature = left - 2 * peak + right
        offset = 0.5 * (left - right) / curvature if curvature < 0 else 0.0
        signed = index if index <= size // 2 else index - size
        shift.append(signed + offset)
    return shift[0], shift[1]


def translated(image: np.ndarray, dy: float, dx: float) -> np.ndarray:
    """``image`` moved by (dy, dx) pixels, bilinear, edges repeated; same shape."""
    height, width = image.shape
    rows = np.clip(np.arange(height) - dy, 0, height - 1)
    cols = np.clip(np.arange(width) - dx, 0, width - 1)
    r0, c0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    r1, c1 = np.minimum(r0 + 1, height - 1), np.minimum(c0 + 1, width - 1)
    fr, fc = (rows - r0)[:, None], (cols - c0)[None, :]
    top = image[r0][:, c0] * (1 - fc) + image[r0][:, c1] * fc
    bottom = image[r1][:, c0] * (1 - fc) + image[r1][:, c1] * fc
    return (top * (1 - fr) + bottom * fr).astype(np.float32, copy=False)


def explained_by_motion(
    previous: np.ndarray, current: np.ndarray, *, tolerance: float
) -> np.ndarray | None:
    """(H, W) bool: pixels whose change the camera's motion predicts within ``tolerance``.

    None when the frames show no clear global motion, so nothing is explained away.
    """
    shift = global_shift(previous, current)
    if shift is None or max(abs(shift[0]), abs(shift[1])) < MIN_SHIFT:
        return None
    height, width = current.shape
    if abs(shift[0]) > height / 4 or abs(shift[1]) > width / 4:
        return None
    predicted = translated(previous, *shift)
    return np.abs(current - predicted) < tolerance
