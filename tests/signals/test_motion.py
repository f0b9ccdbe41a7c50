"""Camera motion is not flashing; flashes while the camera moves still are."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from haven.media.synth import square_wave_on, write_video
from haven.pipeline import analyse
from haven.signals.photosensitivity.analyzer import PhotosensitivityAnalyzer
from haven.signals.photosensitivity.motion import global_shift, spectrum, translated

W, H = 270, 480


def _scene(width: int, height: int, seed: int = 2) -> np.ndarray:
    """A detailed, full-contrast landscape-like texture, (height, width, 3) uint8."""
    rng = np.random.default_rng(seed)
    scene = np.zeros((height, width), np.float32)
    for cell, weight in ((80, 0.5), (24, 0.3), (8, 0.2)):
        grid = rng.random((height // cell + 2, width // cell + 2)).astype(np.float32)
        layer = np.kron(grid, np.ones((cell, cell), np.float32))[:height, :width]
        for axis in (0, 1):  # soften the blocks into hills
            for _ in range(3):
                layer = (layer + np.roll(layer, cell // 2, axis=axis)) / 2
        scene += weight * layer
    scene = (scene - scene.min()) / (scene.max() - scene.min())
    return np.repeat((10 + 240 * scene)[..., None], 3, axis=2).astype(np.uint8)


def _pan_clip(tmp_path: Path, speed: float, *, flash: bool = False) -> Path:
    scene = _scene(W + int(speed * 3) + 8, H)

    def render(t: float) -> np.ndarray:
        left = int(speed * t)
        image = np.ascontiguousarray(scene[:, left : left + W])
        state = square_wave_on(t, hz=5, start=1.0, end=2.0) if flash else None
        if state is not None:
            image[H // 3 : 2 * H // 3] = 255 if state else 0
        return image

    return write_video(
        tmp_path / f"pan-{speed}-{flash}.mp4", render, width=W, height=H, duration=3.0, crf=20
    )


def test_phase_correlation_finds_a_sub_pixel_shift() -> None:
    image = _scene(160, 90)[..., 0].astype(np.float32) / 255
    moved = translated(image, 1.5, -2.25)
    dy, dx = global_shift(spectrum(image), spectrum(moved), shape=image.shape)
    assert dy == pytest.approx(1.5, abs=0.2) and dx == pytest.approx(-2.25, abs=0.2)


@pytest.mark.parametrize("profile", ["phone", "broadcast", "wcag"])
def test_fast_pan_over_a_detailed_scene_passes(tmp_path: Path, profile: str) -> None:
    clip = _pan_clip(tmp_path, speed=250.0)  # about a screen width a second
    _, outputs = analyse(clip, [PhotosensitivityAnalyzer(profile, loop=False)])
    report = outputs["photosensitivity"].report
    assert report["verdict"] == "pass", report["segments"]
    assert report["confidence"] > 0.9


@pytest.mark.parametrize("profile", ["phone", "broadcast"])
def test_flash_during_a_pan_still_fails_on_time(tmp_path: Path, profile: str) -> None:
    clip = _pan_clip(tmp_path, speed=250.0, flash=True)
    _, outputs = analyse(clip, [PhotosensitivityAnalyzer(profile, loop=False)])
    (segment,) = outputs["photosensitivity"].report["segments"]
    assert segment["kind"] == "luminance"
    assert segment["start"] == pytest.approx(1.0, abs=1 / 30)
    assert segment["end"] == pytest.approx(2.0, abs=3 / 30)


@pytest.mark.parametrize("profile", ["phone", "broadcast", "wcag"])
@pytest.mark.parametrize("pattern", ["checkerboard", "stripes"])
def test_reversing_pattern_is_flashing_not_motion(
    tmp_path: Path, profile: str, pattern: str
) -> None:
    """Reversing a pattern's contrast looks like moving it by half a period: it is a flash."""
    y, x = np.mgrid[0:H, 0:W]
    board = ((y // 30 + x // 30) % 2 if pattern == "checkerboard" else (x // 30) % 2).astype(bool)

    def render(t: float) -> np.ndarray:
        state = square_wave_on(t, hz=5, start=0.5, end=2.0)
        cells = ~board if state else board  # reversed first at 0.5 s
        return np.repeat(np.where(cells, 230, 20)[..., None], 3, axis=2).astype(np.uint8)

    clip = write_video(tmp_path / "reversal.mp4", render, width=W, height=H, duration=2.5)
    _, outputs = analyse(clip, [PhotosensitivityAnalyzer(profile, loop=False)])
    report = outputs["photosensitivity"].report
    luminance = [s for s in report["segments"] if s["kind"] == "luminance"]
    assert report["verdict"] == "fail" and luminance
    assert luminance[0]["start"] == pytest.approx(0.5, abs=1 / 30)
