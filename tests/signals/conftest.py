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
from haven.media.synth import Render, flash_render, solid, square_wave_on, write_video
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
    # Frame times at which the picture (without its noise) changed: the transitions shown.
    changes: list[float]

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

    @property
    def onset(self) -> float:
        """When the first transition was shown."""
        return self.changes[0]

    @property
    def offset(self) -> float:
        """When the last transition was shown."""
        return self.changes[-1]


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
    reference: Render | None = None,
    **options: Any,
) -> Clip:
    """Encode ``render`` (crf 10, as every case here) and describe the clip.

    ``reference`` draws the same picture without noise; the frames where it changes are the
    clip's transitions. Without it, ``render`` itself is compared frame to frame.
    """
    times = list(times) if times is not None else frame_times(fps, duration)
    options.setdefault("crf", 10)
    changes: list[float] = []
    previous: list[np.ndarray] = []

    def recording(t: float) -> np.ndarray:
        image = render(t)
        clean = (reference(t) if reference is not None else image).astype(np.int16)
        if previous and np.abs(clean - previous[0]).max() > 8:
            changes.append(t)
        previous[:] = [clean]
        return image

    write_video(path, recording, width=width, height=height, fps=fps, times=times, **options)
    return Clip(path, width, height, times, changes)


def flash_clip(
    path: Path,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    fps: float = 30,
    duration: float = 3.0,
    times: Sequence[float] | None = None,
    video: dict[str, Any] | None = None,
    **flash: Any,
) -> Clip:
    """A ``flash_render`` clip: ``flash`` are its arguments, ``video`` more for ``write_video``."""
    render = flash_render(width=width, height=height, **flash)
    reference = None
    if flash.get("noise_sigma"):
        reference = flash_render(width=width, height=height, **{**flash, "noise_sigma": 0.0})
    return write_clip(
        path,
        render,
        width=width,
        height=height,
        fps=fps,
        duration=duration,
        times=times,
        reference=reference,
        **(video or {}),
    )


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


def segments_of(
    report: dict[str, Any], kind: str | None = None, severity: str | None = None
) -> list[dict[str, Any]]:
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
    # 0.1 ms of slack: the report rounds times to 4 decimals.
    assert abs(actual - expected) <= tolerance + 1e-4, (
        f"{what}: {actual} is not within {tolerance:.4f} s of {expected}"
    )


def assert_onset(segment: dict[str, Any], expected: float, period: float) -> None:
    """The segment starts within one frame of the flash's first transition."""
    assert_near(segment["start"], expected, period, "segment start")


def assert_offset(segment: dict[str, Any], expected: float, period: float) -> None:
    """The segment ends within one frame of the flash's last transition."""
    assert_near(segment["end"], expected, period, "segment end")


def assert_timing(segment: dict[str, Any], clip: Clip) -> None:
    assert_onset(segment, clip.onset, clip.period)
    assert_offset(segment, clip.offset, clip.period)


def assert_box(segment: dict[str, Any], expected: dict[str, float], report: dict[str, Any]) -> None:
    """Each edge of the segment's box is within one analysis pixel of the expected edge.

    A region edge that falls inside an analysis pixel blends there, so that pixel may or may
    not flash; the report also rounds to 4 decimals.
    """
    box = segment["bounding_box"]
    assert box is not None
    size = report["analysis_size"]
    tol_x, tol_y = 1 / size["width"] + 1e-3, 1 / size["height"] + 1e-3
    edges = {
        "left": (box["x"], expected["x"], tol_x),
        "right": (box["x"] + box["width"], expected["x"] + expected["width"], tol_x),
        "top": (box["y"], expected["y"], tol_y),
        "bottom": (box["y"] + box["height"], expected["y"] + expected["height"], tol_y),
    }
    for edge, (actual, wanted, tolerance) in edges.items():
        assert abs(actual - wanted) <= tolerance, f"bounding box {edge}: {box} vs {expected}"


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
