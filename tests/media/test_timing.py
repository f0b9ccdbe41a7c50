"""Times are seconds from the video's start, whatever the container does with its clock."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from haven.media import MediaSource
from haven.media.synth import flash_render, write_video
from haven.pipeline import analyse
from haven.signals.photosensitivity.analyzer import PhotosensitivityAnalyzer

W, H = 90, 160


def _report(path: Path, **options: bool) -> dict:
    media, outputs = analyse(path, [PhotosensitivityAnalyzer("phone", **options)])
    return {"media": media, **outputs["photosensitivity"].report}


def test_a_stream_starting_late_is_timed_from_its_start(tmp_path: Path) -> None:
    render = flash_render(width=W, height=H, hz=5, start=7.0, end=9.0)
    times = [5.0 + i / 30 for i in range(180)]  # the container clock starts at 5 s
    path = write_video(tmp_path / "late.mp4", render, width=W, height=H, times=times)
    report = _report(path)
    (segment,) = report["segments"]
    assert segment["start"] == pytest.approx(2.0, abs=1 / 30)
    assert segment["end"] == pytest.approx(4.0, abs=1 / 30)
    assert report["media"].duration == pytest.approx(6.0, abs=0.01)


def test_avi_with_b_frames_is_timed_by_its_frame_rate(tmp_path: Path) -> None:
    render = flash_render(width=W, height=H, hz=5, start=1.0, end=2.5)
    path = write_video(
        tmp_path / "b-frames.avi", render, width=W, height=H, duration=3.0, preset="medium"
    )
    report = _report(path)
    (segment,) = report["segments"]
    assert segment["start"] == pytest.approx(1.0, abs=1 / 30)
    assert segment["end"] == pytest.approx(2.5, abs=1 / 30)
    assert report["confidence"] > 0.9


def test_timestamps_that_jump_back_are_repaired_and_flagged(tmp_path: Path) -> None:
    """Two transport streams joined byte for byte: the clock restarts half-way."""
    render = flash_render(width=W, height=H, hz=5, start=0.5, end=1.8)
    part = write_video(tmp_path / "part.ts", render, width=W, height=H, duration=2.0)
    joined = tmp_path / "joined.ts"
    joined.write_bytes(part.read_bytes() * 2)
    report = _report(joined, loop=False)
    media = report["media"]
    assert media.frames_timed_by_rate > 0
    assert any("times are assumed" in note for note in media.notes)
    assert report["verdict"] == "fail"
    assert report["confidence"] < 0.75  # policy sends it to a person
    assert any("timestamps" in reason for reason in report["uncertain_because"])


def test_matroska_with_audio_longer_than_video_is_not_truncated(tmp_path: Path) -> None:
    frame = np.full((H, W, 3), 80, np.uint8)
    path = write_video(
        tmp_path / "long-audio.mkv",
        lambda t: frame,
        width=W,
        height=H,
        duration=2.0,
        audio_tone_hz=300,
        audio_seconds=5.0,
    )
    report = _report(path)
    assert report["verdict"] == "pass"
    assert report["media"].duration == pytest.approx(2.0, abs=0.05)


def test_non_square_pixels_are_analysed_in_their_displayed_shape(tmp_path: Path) -> None:
    path = tmp_path / "anamorphic.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height = 120, 160
        stream.codec_context.sample_aspect_ratio = Fraction(3, 1)
        for i in range(15):
            picture = av.VideoFrame.from_ndarray(
                np.full((160, 120, 3), 90, np.uint8), format="rgb24"
            )
            picture.pts = i
            for packet in stream.encode(picture):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with MediaSource(path) as source:
        assert source.info.sample_aspect_ratio == Fraction(3, 1)
        assert source.info.display_width == 360
    report = _report(path)
    width, height = report["analysis_size"]["width"], report["analysis_size"]["height"]
    assert width / height == pytest.approx(360 / 160, rel=0.05)
