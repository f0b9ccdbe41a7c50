"""What an analyzer asks the decoder for: frames at a size and pixel format, or audio.

Analyzers never decode or scale media themselves. They describe the views they need, and one
decode pass (``haven.media.decode``) produces all of them, scaling inside libswscale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np


@dataclass(frozen=True)
class FrameRequest:
    """A scaled view of the video frames.

    Parameters
    ----------
    key:
        Name under which the array is delivered in ``DecodedFrame.images``.
    long_side:
        Pixels along the longer side of the *displayed* picture (after rotation and sample aspect
        ratio). Smaller pictures are never upscaled.
    pixel_format:
        An FFmpeg pixel format with an ndarray layout in PyAV, e.g. ``"rgb24"`` (H, W, 3) uint8 or
        ``"gray"`` (H, W) uint8.
    min_interval:
        Deliver a frame only when at least this many seconds passed since the last delivered one;
        0 delivers every frame.
    """

    key: str
    long_side: int
    pixel_format: str = "rgb24"
    min_interval: float = 0.0


@dataclass(frozen=True)
class AudioRequest:
    """Decoded audio, resampled by libswresample. Samples are float32 in [-1, 1]."""

    sample_rate: int = 16_000
    layout: str = "mono"


@dataclass
class DecodedFrame:
    """One decoded video frame with the views analyzers asked for.

    ``time`` is the presentation time in seconds from the stream's start, taken from the frame's
    own timestamp, so variable-frame-rate video keeps its real timing. ``images`` holds only the
    views due at this frame (a view with ``min_interval`` skips frames).
    """

    index: int
    time: float
    pts: int
    time_base: Fraction
    images: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class AudioChunk:
    """Mono (or ``layout``) float32 samples starting at ``time`` seconds; shape (channels, n)."""

    time: float
    sample_rate: int
    samples: np.ndarray
