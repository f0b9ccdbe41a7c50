"""Clip-making helpers for the photosensitivity known-cases tests.

Every clip is generated (``haven.media.synth``), small (270x480 portrait unless a case needs
otherwise; the flash view is 135x240, an exact 2x reduction) and short. A ``Clip`` remembers its
frame times, so a test can say when the first and last transitions of a flash were shown.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from haven.media import MediaInfo
from haven.media.synth import Render, solid, square_wave_on, write_video
from haven.pipeline import analyse
from haven.signals.photosensitivity.analyzer import PhotosensitivityAnalyzer
from haven.signals.photosensitivity.colour import linearisation_table

WIDTH, HEIGHT = 270, 480
PROFILES = ("phone", "broadcast", "wcag")
WHITE, BLACK, GREY = (255, 255, 255), (0, 0, 0), (128, 128, 128)
RED = (255, 0, 0)

# (x, y, w, h) as fractions of the picture, like ``flash_render``'s ``region``.
Region = tuple[float, float, float, float]


@dataclass
class Clip:
    path: Path
    width: int
    height: int
    times: list[float]

    @property
    def period(self) -> float:
        """The longest gap between frames: "within one frame" for any frame rate."""
        return max(b - a for a, b in zip(self.times, self.times[1:], strict=False))

    def shown_at(self, t: float) -> float:
        """Time of the first frame at or after ``t``: when a change scheduled for ``t`` appears."""
        index = bisect.bisect_left(self.times, t - 1e-9)
        if index >= len(self.times):
            raise ValueError(f"no frame at or after {t}")
        return self.times[index]


def frame_times(fps: float, duration: float) -> list[float]:
    return [i / fps for i in range(round(duration * fps))]


def write_clip(
    path: Path,
    render: Render,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    fps: float = 30,
    duration: float = 3.0,
    times: Sequence[float] | None = None,
    **options: Any,
) -> Clip:
    """Encode ``render`` (crf 10, as every case here) and describe the clip."""
    times = list(times) if times is not None else frame_times(fps, duration)
    options.setdefault("crf", 10)
    write_video(path, render, width=width, height=height, fps=fps, times=times, **options)
    return Clip(path, width, height, times)


def pixel_box(region: Region, width: int, height: int) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) in pixels, rounded exactly as ``flash_render`` rounds."""
    x, y, w, h = region
    return round(y * height), round(x * width), round((y + h) * height), round((x + w) * width)


def box_area(region: Region, width: int = WIDTH, height: int = HEIGHT) -> float:
    top, left, bottom, right = pixel_box(region, width, height)
    return (bottom - top) * (right - left) / (width * height)


def regions_render(
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    hz: float,
    start: float,
    end: float,
    regions: Sequence[tuple[Region, bool]],
    on: Sequence[int] = WHITE,
    off: Sequence[int] = BLACK,
    background: Sequence[int] = GREY,
    noise_sigma: float = 0.0,
    seed: int = 0,
) -> Render:
    """Several rectangles flashing ``on``/``off`` at ``hz`` inside [start, end).

    Each region comes with its phase: True shows ``on`` first, False shows ``off`` first (a
    counter-phase partner). Outside [start, end) the frame is ``background``.
    """
    base = solid(height, width, background)
    boxes = [(pixel_box(region, width, height), phase) for region, phase in regions]
    rng = np.random.default_rng(seed)

    def render(t: float) -> np.ndarray:
        image = base.copy()
        state = square_wave_on(t, hz=hz, start=start, end=end)
        if state is not None:
            for (top, left, bottom, right), phase in boxes:
                image[top:bottom, left:right] = on if state == phase else off
        if noise_sigma:
            noisy = image + rng.normal(0.0, noise_sigma, image.shape)
            image = np.clip(np.round(noisy), 0, 255).astype(np.uint8)
        return image

    return render


def analyse_report(
    path: Path, profile: str, *, patterns: bool = True, loop: bool = True
) -> tuple[MediaInfo, dict[str, Any]]:
    analyzer = PhotosensitivityAnalyzer(profile, patterns=patterns, loop=loop)
    info, outputs = analyse(path, [analyzer])
    return info, outputs["photosensitivity"].report


def report_for(path: Path, profile: str, **options: bool) -> dict[str, Any]:
    return analyse_report(path, profile, **options)[1]


def segments_of(report: dict[str, Any], kind: str | None = None,
                severity: str | None = None) -> list[dict[str, Any]]:
    return [
        s
        for s in report["segments"]
        if (kind is None or s["kind"] == kind) and (severity is None or s["severity"] == severity)
    ]


def only_segment(report: dict[str, Any], kind: str, severity: str = "fail") -> dict[str, Any]:
    found = segments_of(report, kind, severity)
    assert len(found) == 1, f"expected one {severity} {kind} segment, got {report['segments']}"
    return found[0]


def assert_near(actual: float, expected: float, tolerance: float, what: str) -> None:
    # A microsecond of slack for the report's rounding to 0.1 ms.
    assert abs(actual - expected) <= tolerance + 1e-3 * 0.1 + 1e-9, (
        f"{what}: {actual} is not within {tolerance:.4f} s of {expected}"
    )


def assert_onset(segment: dict[str, Any], clip: Clip, start: float) -> None:
    """The segment starts at the frame that showed the flash's first transition."""
    assert_near(segment["start"], clip.shown_at(start), clip.period, "segment start")


def assert_offset(segment: dict[str, Any], clip: Clip, end: float) -> None:
    """The segment ends at the frame that showed the flash's last transition."""
    assert_near(segment["end"], clip.shown_at(end), clip.period, "segment end")


def assert_box(segment: dict[str, Any], expected: dict[str, float], tolerance: float) -> None:
    box = segment["bounding_box"]
    assert box is not None
    for key, value in expected.items():
        assert abs(box[key] - value) <= tolerance, f"bounding box {key}: {box} vs {expected}"


def assert_webvtt(report: dict[str, Any]) -> None:
    """WebVTT text that starts with the magic word and has exactly one cue per segment."""
    text = report["webvtt"]
    assert text.startswith("WEBVTT")
    cues = re.findall(r"^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}$", text, flags=re.M)
    assert len(cues) == len(report["segments"])


def grey_pair_for(transfer: str, dark: float, change: float) -> tuple[int, int, float]:
    """8-bit codes of two greys whose linear luminances differ by about ``change``.

    Returns (dark code, bright code, the actual difference) under the profile's transfer.
    """
    lut = linearisation_table(transfer)
    dark_code = int(np.abs(lut - dark).argmin())
    bright_code = int(np.abs(lut - (lut[dark_code] + change)).argmin())
    return dark_code, bright_code, float(lut[bright_code] - lut[dark_code])


class ClipCache:
    """Clips shared by the tests of one worker, made once each on first use."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._clips: dict[str, Clip] = {}

    def get(self, name: str, make: Callable[[Path], Clip]) -> Clip:
        if name not in self._clips:
            self._clips[name] = make(self.directory / f"{name}.mp4")
        return self._clips[name]


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> ClipCache:
    return ClipCache(tmp_path_factory.mktemp("photosensitivity-clips"))
