"""Camera motion: is a change at a pixel the scene moving past it, or light changing?

Per-pixel tracking sees a pan over a detailed scene as every pixel changing several times a
second. Phase correlation between consecutive analysis frames finds one global translation;
where the previous frame, moved by it, predicts the new pixel well, the change is motion,
not a flash. Flashes cannot be predicted that way, so they still count; and when no clear
translation exists (a cut, a zoom, several things moving) nothing is discounted.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

# The correlation peak (1.0 for a pure translation) below which no global motion is trusted.
MIN_PEAK = 0.2
# A second correlation peak this close to the first makes the motion ambiguous.
AMBIGUOUS_PEAK = 0.35
# Shifts under this many pixels are no motion worth discounting.
MIN_SHIFT = 0.25


@cache
def _window(shape: tuple[int, int]) -> np.ndarray:
    return np.outer(np.hanning(shape[0]), np.hanning(shape[1])).astype(np.float32)


def spectrum(image: np.ndarray) -> np.ndarray:
    """The windowed spectrum phase correlation compares; compute once per frame."""
    return np.fft.rfft2((image - image.mean()) * _window(image.shape))


def _half(image: np.ndarray) -> np.ndarray:
    """Each 2x2 block averaged: motion is estimated at half size, a quarter of the cost."""
    height, width = image.shape[0] // 2 * 2, image.shape[1] // 2 * 2
    even = image[:height:2, :width:2] + image[1:height:2, :width:2]
    return (even + image[:height:2, 1:width:2] + image[1:height:2, 1:width:2]) * 0.25


def global_shift(
    before: np.ndarray, after: np.ndarray, *, shape: tuple[int, int]
) -> tuple[float, float] | None:
    """(dy, dx) in pixels that carries one image onto another, or None if unclear.

    ``before`` and ``after`` are the images' ``spectrum``; ``shape`` is the images' (H, W).
    Sub-pixel precision comes from a parabola through the correlation peak and its neighbours.
    """
    cross = after * np.conj(before)
    cross /= np.abs(cross) + 1e-9
    correlation = np.fft.irfft2(cross, s=shape)
    peak_index = np.unravel_index(int(np.argmax(correlation)), correlation.shape)
    peak = float(correlation[peak_index])
    if peak < MIN_PEAK:
        return None
    # A repeating picture (stripes, checks) matches itself at many shifts: a pattern that
    # reverses its contrast looks exactly like one moved by half a period. Such an ambiguous
    # match explains nothing, or reversing patterns would pass for motion.
    others = correlation.copy()
    rows = np.arange(peak_index[0] - 2, peak_index[0] + 3) % shape[0]
    cols = np.arange(peak_index[1] - 2, peak_index[1] + 3) % shape[1]
    others[np.ix_(rows, cols)] = -np.inf
    if float(others.max()) >= AMBIGUOUS_PEAK * peak:
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
    """``image`` moved by (dy, dx) pixels, bilinear, edges repeated; same shape.

    Output pixel (r, c) is the input at (r - dy, c - dx).
    """
    height, width = image.shape
    iy, ix = math.floor(dy), math.floor(dx)
    fy, fx = dy - iy, dx - ix
    pad = max(abs(iy), abs(ix)) + 2
    padded = np.pad(image, pad, mode="edge")

    def view(oy: int, ox: int) -> np.ndarray:
        return padded[pad - oy : pad - oy + height, pad - ox : pad - ox + width]

    out = view(iy, ix) * ((1 - fy) * (1 - fx))
    out += view(iy, ix + 1) * ((1 - fy) * fx)
    out += view(iy + 1, ix) * (fy * (1 - fx))
    out += view(iy + 1, ix + 1) * (fy * fx)
    return out.astype(np.float32, copy=False)


class MotionExplainer:
    """Remembers the previous frame (and its spectrum) to explain this frame's changes."""

    def __init__(self, *, tolerance: float) -> None:
        self.tolerance = tolerance
        self._previous: np.ndarray | None = None
        self._previous_spectrum: np.ndarray | None = None

    def explain(self, current: np.ndarray, *, needed: bool) -> np.ndarray | None:
        """(H, W) bool of pixels whose change the camera's motion predicts, or None.

        Call for every frame, in order; with ``needed`` False it only remembers the frame.
        None when no clear global motion exists, so nothing is explained away.
        """
        previous, previous_spectrum = self._previous, self._previous_spectrum
        self._previous, self._previous_spectrum = current, None
        if not needed or previous is None:
            return None
        if previous.shape != current.shape:
            return None
        if previous_spectrum is None:
            previous_spectrum = spectrum(_half(previous))
        current_spectrum = self._previous_spectrum = spectrum(_half(current))
        half_shift = global_shift(
            previous_spectrum,
            current_spectrum,
            shape=(current.shape[0] // 2, current.shape[1] // 2),
        )
        if half_shift is None:
            return None
        shift = (2.0 * half_shift[0], 2.0 * half_shift[1])
        if max(abs(shift[0]), abs(shift[1])) < MIN_SHIFT:
            return None
        height, width = current.shape
        if abs(shift[0]) > height / 4 or abs(shift[1]) > width / 4:
            return None
        predicted = translated(previous, *shift)
        return np.abs(current - predicted) < self.tolerance
