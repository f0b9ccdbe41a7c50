"""`haven mitigate`: only the hazardous segments change, and the output passes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner

from haven import cli
from haven.errors import InputError
from haven.media import MediaSource
from haven.media.synth import flash_render, square_wave_on, write_video
from haven.mitigation import mitigate_photosensitivity, photosensitivity
from haven.mitigation.photosensitivity import PAD_SECONDS
from haven.pipeline import analyse
from haven.signals.ocr import OcrAnalyzer
from haven.signals.photosensitivity.analyzer import PhotosensitivityAnalyzer

WIDTH, HEIGHT = 180, 320


def _textured_flash_render(t: float) -> np.ndarray:
    """A drifting textured scene with a red/black 4 Hz flash over its middle from 1.5 to 3 s."""
    y = np.arange(HEIGHT)[:, None]
    x = np.arange(WIDTH)[None, :]
    shade = 100 + 50 * np.sin((x + 20 * t) / 9.0) * np.cos(y / 13.0)
    image = np.repeat(shade[..., None], 3, axis=2).astype(np.uint8)
    state = square_wave_on(t, hz=4, start=1.5, end=3.0)
    if state is not None:
        image[HEIGHT // 4 : 3 * HEIGHT // 4] = (255, 0, 0) if state else (0, 0, 0)
    return image


def _frames(path: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as container:
        return [
            (float(f.pts * f.time_base), f.to_ndarray(format="rgb24"))
            for f in container.decode(video=0)
        ]


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


@pytest.mark.parametrize("profile", ["phone", "broadcast"])
def test_mitigated_rendition_passes_and_is_unchanged_outside_segments(
    tmp_path: Path, profile: str
) -> None:
    source = write_video(
        tmp_path / "in.mp4",
        _textured_flash_render,
        width=WIDTH,
        height=HEIGHT,
        duration=4.5,
        audio_tone_hz=330,
    )
    output = tmp_path / "out.mp4"
    outcome = mitigate_photosensitivity(source, output, profile=profile)
    assert outcome.source_verdict == "fail"
    assert outcome.passes and outcome.output_verdict != "fail"
    # Re-analyse independently of the mitigation code's own check.
    _, outputs = analyse(output, [PhotosensitivityAnalyzer(profile)])
    assert outputs["photosensitivity"].report["verdict"] != "fail"
    ((span_start, span_end),) = outcome.spans
    before, after = _frames(source), _frames(output)
    assert [t for t, _ in before] == pytest.approx([t for t, _ in after], abs=1e-6)
    outside = [
        _psnr(a, b)
        for (t, a), (_, b) in zip(before, after, strict=True)
        if t < span_start - PAD_SECONDS or t > span_end + PAD_SECONDS
    ]
    assert len(outside) > 40
    assert min(outside) >= 45.0
    inside = [
        _psnr(a, b)
        for (t, a), (_, b) in zip(before, after, strict=True)
        if span_start <= t <= span_end
    ]
    assert max(inside) < 30.0  # the flash itself really was changed
    with av.open(str(output)) as container:
        assert container.streams.audio, "the audio track is kept"


def test_mitigating_a_safe_video_changes_nothing_that_matters(
    calm_clip: Path, tmp_path: Path
) -> None:
    outcome = mitigate_photosensitivity(calm_clip, tmp_path / "calm-out.mp4")
    assert outcome.passes and outcome.spans == []
    for (_, a), (_, b) in zip(_frames(calm_clip), _frames(tmp_path / "calm-out.mp4"), strict=True):
        assert _psnr(a, b) >= 45.0


def test_output_must_not_overwrite_source(flashing_clip: Path) -> None:
    with pytest.raises(InputError, match="must not overwrite"):
        mitigate_photosensitivity(flashing_clip, flashing_clip)


def test_cli_mitigate_exit_codes(flashing_clip: Path, tmp_path: Path) -> None:
    out = tmp_path / "fixed.mp4"
    ok = subprocess.run(
        [sys.executable, "-m", "haven.cli", "mitigate", str(flashing_clip), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ok.returncode == 0, ok.stderr
    assert "passes" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "haven.cli", "mitigate", str(tmp_path / "x.mp4"), str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("haven: error:")


def test_rotation_and_ten_bit_survive_mitigation(tmp_path: Path) -> None:
    def render(t: float) -> np.ndarray:
        image = np.full((64, 96, 3), 90, np.uint8)
        state = square_wave_on(t, hz=5, start=0.5, end=1.5)
        if state is not None:
            image[:, :48] = 255 if state else 0
        return image

    source = write_video(
        tmp_path / "rot10.mp4",
        render,
        width=96,
        height=64,
        duration=2.5,
        rotation=-90,
        pixel_format="yuv420p10le",
    )
    output = tmp_path / "rot10-out.mp4"
    assert mitigate_photosensitivity(source, output).passes
    with av.open(str(output)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.pix_fmt == "yuv420p10le"
        first = next(container.decode(stream))
        assert round(first.rotation) == -90


def _flash(width: int, height: int, start: float, end: float):
    return flash_render(width=width, height=height, hz=5, start=start, end=end)


def test_odd_sized_full_chroma_source(tmp_path: Path) -> None:
    source = write_video(
        tmp_path / "odd.mp4",
        _flash(101, 75, 1.0, 2.0),
        width=101,
        height=75,
        duration=3.0,
        pixel_format="yuv444p",
    )
    output = tmp_path / "odd-out.mp4"
    assert mitigate_photosensitivity(source, output).passes
    with av.open(str(output)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (101, 75)
        assert stream.codec_context.pix_fmt == "yuv444p"


def test_late_start_and_b_frame_avi_keep_their_timing(tmp_path: Path) -> None:
    late = write_video(
        tmp_path / "late.mp4",
        _flash(90, 160, 7.0, 8.0),
        width=90,
        height=160,
        times=[5.0 + i / 30 for i in range(90)],
    )
    avi = write_video(
        tmp_path / "b.avi",
        _flash(90, 160, 1.0, 2.0),
        width=90,
        height=160,
        duration=3.0,
        preset="medium",
    )
    for source in (late, avi):
        output = tmp_path / f"{source.stem}-out.mp4"
        outcome = mitigate_photosensitivity(source, output)
        assert outcome.passes
        ((start, _),) = outcome.spans
        assert start == pytest.approx(2.0 if source is late else 1.0, abs=0.05)
        with MediaSource(source) as a, MediaSource(output) as b:
            before = [f.time for f in a.decode([])]
            after = [f.time for f in b.decode([])]
        assert [t - after[0] for t in after] == pytest.approx(
            [t - before[0] for t in before], abs=1e-3
        )


def test_hdr_source_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hdr.mp4"
    render = _flash(96, 64, 0.5, 1.5)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 96, 64, "yuv420p10le"
        stream.codec_context.color_trc, stream.codec_context.color_primaries = 16, 9
        for i in range(60):
            frame = av.VideoFrame.from_ndarray(render(i / 30), format="rgb24")
            frame = frame.reformat(format="yuv420p10le")
            frame.pts, frame.color_trc, frame.color_primaries = i, 16, 9
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    output = tmp_path / "hdr-out.mp4"
    with pytest.raises(InputError, match="HDR video"):
        mitigate_photosensitivity(path, output)
    assert not output.exists()


def test_output_folder_must_exist(flashing_clip: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        mitigate_photosensitivity(flashing_clip, tmp_path / "missing" / "out.mp4")


def test_output_that_cannot_be_written(flashing_clip: Path, tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.mp4"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        mitigate_photosensitivity(flashing_clip, folder)
    with pytest.raises(InputError, match="cannot write"):
        mitigate_photosensitivity(flashing_clip, Path("/proc/haven-out.mp4"))


def test_cli_exits_1_when_no_attempt_passes(
    flashing_clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With attenuation too weak to help, the rendition still fails and the command says so."""
    monkeypatch.setattr(photosensitivity, "DELTAS", (0.5,))
    result = CliRunner().invoke(
        cli.main, ["mitigate", str(flashing_clip), str(tmp_path / "weak.mp4")]
    )
    assert result.exit_code == 1
    assert "STILL FAILS" in result.output


def test_only_flickering_pixels_are_attenuated(demo_clip: Path, tmp_path: Path) -> None:
    """The demo's captions appear and leave around its flash: the rendition keeps them as they
    are (clamping every pixel to the segment's mean would ghost one caption into the next)."""
    output = tmp_path / "demo-mitigated.mp4"
    assert mitigate_photosensitivity(demo_clip, output).passes
    texts = {}
    for path in (demo_clip, output):
        _, outputs = analyse(path, [OcrAnalyzer()])
        texts[path] = [
            (line["text"], line["start"], line["end"]) for line in outputs["ocr"].report["lines"]
        ]
    assert texts[output] == texts[demo_clip]
    source, rendition = dict(_frames(demo_clip)), dict(_frames(output))
    caption_rows = slice(int(0.76 * 640), int(0.86 * 640))  # below the flashing band
    for t in (2.2, 3.2):
        key = min(source, key=lambda time: abs(time - t))
        change = np.abs(source[key][caption_rows].astype(int) - rendition[key][caption_rows])
        assert change.mean() < 2.0 and np.percentile(change, 99.9) < 12, t
