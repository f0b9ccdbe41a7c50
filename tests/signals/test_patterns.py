"""Regular patterns are found whatever their orientation, and measured to the frame's edges."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from haven.media.synth import write_video
from haven.pipeline import analyse
from haven.signals.photosensitivity.analyzer import PhotosensitivityAnalyzer
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


def _band_clip(tmp_path: Path, share: float, *, drift_periods_per_second: float = 0.0) -> Path:
    """540x960 grey video with a full-width band of 12-px stripes over ``share`` of its height."""
    width, height, period = 540, 960, 24

    def render(t: float) -> np.ndarray:
        image = np.full((height, width, 3), 90, np.uint8)
        x = np.arange(width) + drift_periods_per_second * period * t
        stripes = np.where((x // (period // 2)) % 2 == 0, 235, 20).astype(np.uint8)
        top = int(height * (0.5 - share / 2))
        image[top : top + int(height * share)] = stripes[None, :, None]
        return image

    name = f"band-{share}-{drift_periods_per_second}.mp4"
    return write_video(tmp_path / name, render, width=width, height=height, duration=1.5)


def _pattern_segments(path: Path) -> list[dict]:
    _, outputs = analyse(path, [PhotosensitivityAnalyzer("broadcast", loop=False)])
    return [s for s in outputs["photosensitivity"].report["segments"] if s["kind"] == "pattern"]


@pytest.mark.parametrize(("share", "fails"), [(0.33, False), (0.47, True)])
def test_stationary_pattern_limit_is_forty_percent(
    tmp_path: Path, share: float, fails: bool
) -> None:
    segments = _pattern_segments(_band_clip(tmp_path, share))
    assert bool(segments) is fails
    if fails:
        assert segments[0]["peak_area_fraction"] == pytest.approx(share, abs=0.03)
        assert segments[0]["details"]["moving"] is False


@pytest.mark.parametrize(("share", "fails"), [(0.21, False), (0.30, True)])
def test_moving_pattern_limit_is_a_quarter(tmp_path: Path, share: float, fails: bool) -> None:
    segments = _pattern_segments(_band_clip(tmp_path, share, drift_periods_per_second=3.0))
    assert bool(segments) is fails
    if fails:
        assert segments[0]["peak_area_fraction"] == pytest.approx(share, abs=0.03)
        assert segments[0]["details"]["moving"] is True
