"""How much of the judging window a set of flashing pixels covers."""

from __future__ import annotations

import numpy as np


def max_window_fraction(mask: np.ndarray, *, window_width: float, window_height: float) -> float:
    """Largest share of any window position covered by ``mask``.

    Parameters
    ----------
    mask:
        (H, W) bool, the pixels that flash too often.
    window_width, window_height:
        The window in pixels of ``mask``; may exceed the frame, in which case the part outside
        the picture counts as not flashing.

    Returns
    -------
    float
        max over window positions of (flashing pixels in the window) / (window area), in [0, 1].
    """
    height, width = mask.shape
    if window_width >= width and window_height >= height:
        return float(np.count_nonzero(mask)) / (window_width * window_height)
    box_w = max(1, min(width, round(window_width)))
    box_h = max(1, min(height, round(window_height)))
    integral = np.zeros((height + 1, width + 1), dtype=np.int32)
    np.cumsum(np.cumsum(mask, axis=0, dtype=np.int32), axis=1, out=integral[1:, 1:])
    sums = (
        integral[box_h:, box_w:]
        - integral[:-box_h, box_w:]
        - integral[box_h:, :-box_w]
        + integral[:-box_h, :-box_w]
    )
    return min(1.0, float(sums.max()) / (window_width * window_height))


def bounding_box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the True pixels, bottom/right exclusive; None if empty."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1
