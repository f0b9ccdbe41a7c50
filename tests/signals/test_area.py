"""Area of flashing regions: windows, and the partly covered pixels at a region's edge."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from haven.media.synth import flash_render, srgb_code, write_video
from haven.pipeline import analyse
from haven.signals.photosensitivity.analyzer import PhotosensitivityAnalyzer
from haven.signals.photosensitivity.area import edge_coverage, max_window_fraction


def test_window_fraction_finds_the_densest_window() -> None:
    mask = np.zeros((10, 20), dtype=bool)
    mask[2:4, 5:9] = True  # 8 pixels
    assert max_window_fraction(mask, window_width=4, window_height=2) == 1.0
    assert max_window_fraction(mask, window_width=8, window_height=4) == 0.25
    # A window larger than the frame counts the part outside the picture as not flashing.
    assert max_window_fraction(mask, window_width=40, window_height=10) == 8 / 400


def test_edge_pixels_count_by_how_much_of_them_flashes() -> None:
    mask = np.zeros((4, 4), dtype=bool)
    mask[:, :2] = True
    activity = np.zeros((4, 4), dtype=np.float32)
    activity[:, :2] = 0.04
    activity[:, 2] = 0.01  # a quarter of these pixels is covered by the flash
    weights = edge_coverage(mask, activity)
    assert weights[:, :2].tolist() == [[1.0, 1.0]] * 4
    assert weights[:, 2] == pytest.approx([0.25] * 4)
    assert weights[:, 3].tolist() == [0.0] * 4  # not next to a flashing pixel


@pytest.mark.parametrize(("area", "verdict"), [(0.25, "pass"), (0.2518, "fail")])
def test_iris_dilution_case_at_a_quarter_of_the_screen(
    tmp_path: Path, area: float, verdict: str
) -> None:
    """A 0.11 luminance flash at 3.5 Hz over 25.18 % of the screen breaks BT.1702's
    "more than a quarter"; exactly a quarter does not. IRIS passes the first (frame-mean
    dilution); Haven must not, although 25.18 % is not a whole number of analysis rows."""
    low, high = srgb_code(0.30), srgb_code(0.41)
    render = flash_render(
        width=540,
        height=960,
        hz=3.5,
        start=0.5,
        end=2.5,
        on=(high,) * 3,
        off=(low,) * 3,
        background=(low,) * 3,
        region=(0.0, 0.3, 1.0, area),
    )
    clip = write_video(tmp_path / "quarter.mp4", render, width=540, height=960, duration=3.0)
    _, outputs = analyse(clip, [PhotosensitivityAnalyzer("broadcast", loop=False)])
    report = outputs["photosensitivity"].report
    assert report["verdict"] == verdict
    if verdict == "fail":
        (segment,) = report["segments"]
        assert segment["peak_window_fraction"] == pytest.approx(area, abs=0.002)
