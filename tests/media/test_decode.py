"""One decode pass: views scaled by libswscale, stream timestamps, rotation, bit depth, audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from haven.media import AudioChunk, AudioRequest, DecodedFrame, FrameRequest, MediaSource
from haven.media.synth import write_video


def _marker_render(width: int, height: int):
    """Grey picture with a white block in the stored top-left corner."""

    def render(t: float) -> np.ndarray:
        image = np.full((height, width, 3), 60, np.uint8)
        image[: height // 4, : width // 4] = 255
        return image

    return render


def test_views_have_requested_size_format_and_no_upscaling(flashing_clip: Path) -> None:
    requests = [FrameRequest("small", 80, "rgb24"), FrameRequest("big", 4000, "gray")]
    with MediaSource(flashing_clip) as source:
        frames = [f for f in source.decode(requests) if isinstance(f, DecodedFrame)]
    assert frames[0].images["small"].shape == (80, 45, 3)
    assert frames[0].images["small"].dtype == np.uint8
    assert frames[0].images["big"].shape == (320, 180)  # never larger than the video


def test_sampled_view_is_delivered_at_its_interval(flashing_clip: Path) -> None:
    requests = [FrameRequest("every", 64), FrameRequest("tenth", 64, "gray", min_interval=0.1)]
    with MediaSource(flashing_clip) as source:
        frames = [f for f in source.decode(requests) if isinstance(f, DecodedFrame)]
    sampled = [f.time for f in frames if "tenth" in f.images]
    assert all("every" in f.images for f in frames)
    assert len(sampled) == pytest.approx(len(frames) / 3, abs=1)
    assert np.diff(sampled) == pytest.approx(0.1, abs=1e-3)


def test_audio_is_decoded_only_when_asked(flashing_clip: Path) -> None:
    with MediaSource(flashing_clip) as source:
        items = list(source.decode([FrameRequest("v", 32)]))
        assert not any(isinstance(i, AudioChunk) for i in items)
        assert source.info.audio_seconds_decoded == 0
    with MediaSource(flashing_clip) as source:
        items = list(source.decode([FrameRequest("v", 32)], AudioRequest(16_000)))
        chunks = [i for i in items if isinstance(i, AudioChunk)]
        assert chunks and all(c.sample_rate == 16_000 for c in chunks)
        assert chunks[0].samples.dtype == np.float32 and chunks[0].samples.shape[0] == 1
        assert source.info.audio_seconds_decoded == pytest.approx(4.0, abs=0.2)


def test_variable_frame_rate_times_come_from_the_stream(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    times = np.cumsum(rng.choice([1 / 60, 1 / 30, 1 / 20], size=60)).round(4).tolist()
    path = write_video(
        tmp_path / "vfr.mp4", _marker_render(64, 64), width=64, height=64, times=times
    )
    with MediaSource(path) as source:
        decoded = [f.time for f in source.decode([FrameRequest("v", 32)])]
        assert source.info.variable_frame_rate
    # Times are seconds since the video's first frame, whatever the container's clock says.
    assert decoded == pytest.approx([t - times[0] for t in times], abs=2e-4)


@pytest.mark.parametrize(
    ("rotation", "corner"), [(90, "bottom-left"), (-90, "top-right"), (180, "bottom-right")]
)
def test_rotation_metadata_is_honoured(tmp_path: Path, rotation: int, corner: str) -> None:
    """The stored top-left block appears where a player shows it after the display rotation.

    FFmpeg's display-matrix angle is counter-clockwise: +90 turns the stored top-left corner
    to the bottom-left of the screen, -90 (an upright phone's usual tag) to the top-right.
    """
    path = write_video(
        tmp_path / "rot.mp4",
        _marker_render(96, 64),
        width=96,
        height=64,
        duration=0.5,
        rotation=rotation,
    )
    with MediaSource(path) as source:
        frame = next(f for f in source.decode([FrameRequest("v", 96, "gray")]))
        info = source.info
    image = frame.images["v"]
    if rotation % 180:
        assert (info.display_width, info.display_height) == (64, 96)
        assert image.shape == (96, 64)
    rows, cols = np.nonzero(image > 200)
    top = rows.mean() < image.shape[0] / 2
    left = cols.mean() < image.shape[1] / 2
    found = ("top" if top else "bottom") + "-" + ("left" if left else "right")
    assert found == corner


def test_ten_bit_input(tmp_path: Path) -> None:
    path = write_video(
        tmp_path / "ten.mp4",
        _marker_render(64, 64),
        width=64,
        height=64,
        duration=0.5,
        pixel_format="yuv420p10le",
    )
    with MediaSource(path) as source:
        frame = next(f for f in source.decode([FrameRequest("v", 64, "rgb24")]))
        assert source.info.bit_depth == 10
    assert frame.images["v"][0, 0].tolist() == pytest.approx([255, 255, 255], abs=2)
    assert frame.images["v"][-1, -1].tolist() == pytest.approx([60, 60, 60], abs=2)


def test_decode_twice_is_refused(flashing_clip: Path) -> None:
    with MediaSource(flashing_clip) as source:
        list(source.decode([FrameRequest("v", 32)]))
        with pytest.raises(RuntimeError):
            list(source.decode([FrameRequest("v", 32)]))
