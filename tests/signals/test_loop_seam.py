"""A looping clip is judged as it plays: across its seam, and however short it is."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from haven.media.synth import flash_render, solid, write_video
from haven.pipeline import analyse
from haven.signals.photosensitivity.analyzer import PhotosensitivityAnalyzer

W, H = 90, 160


def _judge(path: Path, *, loop: bool = True) -> dict:
    _, outputs = analyse(path, [PhotosensitivityAnalyzer("phone", loop=loop)])
    return outputs["photosensitivity"].report


@pytest.mark.parametrize(
    ("name", "levels"),
    [
        ("two frames, 15 Hz when looping", [0, 255]),
        ("three frames", [0, 255, 0]),
        ("0.3 s: four black and five white frames", [0] * 4 + [255] * 5),
    ],
)
def test_clips_shorter_than_a_second_are_judged_looping(
    tmp_path: Path, name: str, levels: list[int]
) -> None:
    frames = [solid(H, W, (v, v, v)) for v in levels]
    path = write_video(
        tmp_path / "short.mp4",
        lambda t: frames[round(t * 30)],
        width=W,
        height=H,
        duration=len(levels) / 30,
    )
    assert _judge(path, loop=False)["verdict"] == "pass"
    report = _judge(path)
    assert report["verdict"] == "fail", name
    assert all(s["loop_seam"] for s in report["segments"])


def test_flashing_throughout_is_one_segment_that_crosses_the_seam(tmp_path: Path) -> None:
    render = flash_render(width=W, height=H, hz=5, start=0.0, end=10.0)
    path = write_video(tmp_path / "all.mp4", render, width=W, height=H, duration=2.0)
    (segment,) = _judge(path)["segments"]
    assert segment["loop_seam"] and segment["start"] < 0.2 and segment["end"] > 2.0


def test_flash_that_stops_a_second_before_the_end_is_no_seam_hazard(tmp_path: Path) -> None:
    """60 Hz at 120 fps from 0.5 s to 2.0 s of a 2.5 s loop: a second of calm around the seam."""
    render = flash_render(width=W, height=H, hz=60, start=0.5, end=2.0)
    path = write_video(tmp_path / "calm-seam.mp4", render, width=W, height=H, fps=120, duration=2.5)
    segments = _judge(path)["segments"]
    assert [s["loop_seam"] for s in segments] == [False]
    assert segments == _judge(path, loop=False)["segments"]


def test_seam_flash_is_found_and_starts_at_its_first_transition(tmp_path: Path) -> None:
    """Calm middle; 5 Hz flashing in the last 0.6 s and the first 0.6 s only."""
    end_flash = flash_render(width=W, height=H, hz=5, start=2.4, end=3.0)
    start_flash = flash_render(width=W, height=H, hz=5, start=0.0, end=0.6)

    def render(t: float) -> np.ndarray:
        return start_flash(t) if t < 1.0 else end_flash(t)

    path = write_video(tmp_path / "seam.mp4", render, width=W, height=H, duration=3.0)
    assert _judge(path, loop=False)["verdict"] == "pass"
    (segment,) = _judge(path)["segments"]
    assert segment["loop_seam"]
    assert segment["start"] == pytest.approx(2.4, abs=1 / 30)
    assert segment["end"] > 3.0
