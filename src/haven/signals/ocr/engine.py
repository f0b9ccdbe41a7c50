"""Text detection and recognition with rapidocr and the PP-OCR models inside its wheel.

Detection finds the text lines of a frame; recognition reads one line. They are separate calls
so the analyzer can read only the lines that are new: a burned-in caption that stays on screen
for three seconds is read once, not at every sample.

Settings (measured in ``../shared/reference/offline-models.md``, section 5): detection on the
frame scaled to at most 640 px on its long side, no text-direction classifier. That reads
captions as well as larger settings at about a third of the cost.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

DETECTION_LONG_SIDE = 640
# Lines read with less confidence than this are dropped as texture or noise.
MIN_LINE_SCORE = 0.6


@dataclass(frozen=True)
class Line:
    """A text line's corner points (x, y) in the analysed image, clockwise from the top left."""

    quad: np.ndarray  # shape (4, 2), float32

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Axis-aligned (left, top, right, bottom)."""
        xs, ys = self.quad[:, 0], self.quad[:, 1]
        return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


_lock = threading.Lock()


@cache
def _engine() -> Any:
    from rapidocr import RapidOCR

    with _lock:
        engine = RapidOCR(
            params={
                "Det.limit_type": "max",
                "Det.limit_side_len": DETECTION_LONG_SIDE,
                "Global.use_cls": False,
                "Global.log_level": "error",
            }
        )
    # rapidocr logs through its own logger at "info" while loading; keep Haven's output clean.
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return engine


def detect(image: np.ndarray) -> list[Line]:
    """Text lines in a BGR uint8 image."""
    result = _engine()(image, use_det=True, use_cls=False, use_rec=False)
    boxes = getattr(result, "boxes", None)
    if boxes is None:
        return []
    return [Line(np.asarray(box, dtype=np.float32)) for box in boxes]


def crop(image: np.ndarray, line: Line) -> np.ndarray:
    """The line straightened into its own image, as the recogniser expects it."""
    from rapidocr.utils.process_img import get_rotate_crop_image

    return get_rotate_crop_image(image, line.quad.copy())


def recognise(line_image: np.ndarray) -> tuple[str, float]:
    """The text of one straightened line and the recogniser's confidence."""
    result = _engine()(line_image, use_det=False, use_cls=False, use_rec=True)
    texts = getattr(result, "txts", None) or ()
    scores = getattr(result, "scores", None) or ()
    if not texts:
        return "", 0.0
    return str(texts[0]).strip(), float(scores[0])


def read_line(image: np.ndarray, line: Line) -> tuple[str, float]:
    """Crop ``line`` out of ``image`` and recognise it."""
    return recognise(crop(image, line))
