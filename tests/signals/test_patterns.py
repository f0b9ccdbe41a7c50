"""Regular patterns are found whatever their orientation, and measured to the frame's edges."""

from __future__ import annotations

import numpy as np
import pytest

from haven.signals.photosensitivity.patterns import PatternDetector
from haven.signals.photosensitivity.profiles import get_profile

HEIGHT, WIDTH = 480, 270


def _stripes(angle_deg: float, period: float) -> np.ndarray:
    """(H, W) float32 luminance: a square-wave grating, 0.05 and 0.8, at ``angle_deg``."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    theta = np.radians(angle_deg)
    phase = (x * np.cos(theta) + y * np.sin(theta)) / period
    return np.where((phase % 1.0) < 0.5, 0.8, 0.05).astype(np.float32)


def _detect(luminance: np.ndarray) -> list:
    detector = PatternDetector(get_profile("broadcast").pattern, sample_interval=0.1)
    for i in range(10):
        detector.on_sample(i * 0.1, luminance)
    return detector.finish()


@pytest.mark.parametrize("angle", [0, 90, 45, 135, 30])
def test_full_frame_stripes_in_any_orientation(angle: float) -> None:
    (segment,) = _detect(_stripes(angle, period=8.0))
    assert segment.peak_area_fraction > 0.97  # tiles reach the right and bottom edges
    box = segment.normalised_box()
    assert box is not None and box["width"] == pytest.approx(1.0) and box["height"] == 1.0
    assert segment.details["light_dark_pairs"] > 5


def test_photographic_texture_is_not_a_pattern() -> None:
    rng = np.random.default_rng(4)
    noise = rng.random((HEIGHT // 8, WIDTH // 8)).astype(np.float32)
    texture = np.kron(noise, np.ones((8, 8), np.float32)) * 0.7 + 0.1
    assert _detect(texture[:HEIGHT, :WIDTH]) == []


def test_a_few_wide_bars_are_not_a_harmful_pattern() -> None:
    """Five light-dark pairs or fewer are allowed (Ofcom: more than five is harmful)."""
    assert _detect(_stripes(0, period=WIDTH / 4)) == []
