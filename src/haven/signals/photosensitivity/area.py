"""How much of the judging window a set of flashing pixels covers."""

from __future__ import annotations

import numpy as np


def max_window_fraction(mask: np.ndarray, *, window_width: float, window_height: float) -> float:
    """Largest share of any window position covered by ``mask``.

    Parameters
    ----------
    mask:
        (H, W) bool, the pixels that flash too often, or float32 weights in [0, 1] (how much of
        each pixel flashes; see ``edge_coverage``).
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
        return min(1.0, float(mask.sum(dtype=np.float64)) / (window_width * window_height))
    box_w = max(1, min(width, round(window_width)))
    box_h = max(1, min(height, round(window_height)))
    integral = np.zeros((height + 1, width + 1), dtype=np.float64)
    np.cumsum(np.cumsum(mask, axis=0, dtype=np.float64), axis=1, out=integral[1:, 1:])
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


def edge_coverage(mask: np.ndarray, activity: np.ndarray) -> np.ndarray:
    """Flashing share of each pixel, counting the partly covered pixels at a region's edge.

    An analysis pixel only partly covered by a flashing area changes by that part of the
    flash, which may stay under the threshold although part of the pixel flashes. Next to a
    flashing pixel, its share is estimated as its activity (mean absolute change per frame)
    over the strongest activity of its flashing neighbours. Flashing pixels count whole.

    Parameters
    ----------
    mask:
        (H, W) bool, pixels that flash too often.
    activity:
        (H, W) float32 >= 0, recent mean absolute change of each pixel.

    Returns
    -------
    (H, W) float32 in [0, 1].
    """
    strongest = np.where(mask, activity, 0.0).astype(np.float32)
    padded = np.pad(strongest, 1)
    height, width = mask.shape
    around = np.zeros_like(strongest)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            np.maximum(around, padded[dy : dy + height, dx : dx + width], out=around)
    share = np.divide(activity, around, out=np.zeros_like(strongest), where=around > 0)
    weights = np.minimum(share, 1.0, out=share)
    weights[mask] = 1.0
    return weights
