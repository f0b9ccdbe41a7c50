"""Audio from the shared decode pass: audio-only files, video without audio, broken audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from haven.media import (
    AudioChunk,
    AudioOnly,
    AudioRequest,
    CorruptMedia,
    FrameRequest,
    MediaSource,
    NotAVideo,
)
from haven.media.synth import solid, tone, write_audio, write_video


def _audio(path: Path) -> tuple[MediaSource, np.ndarray, float]:
    with MediaSource(path) as source:
        chunks = [c for c in source.decode([], AudioRequest()) if isinstance(c, AudioChunk)]
    assert all(c.sample_rate == 16_000 and c.samples.dtype == np.float32 for c in chunks)
    return source, np.concatenate([c.samples[0] for c in chunks]), chunks[0].time


@pytest.mark.parametrize("suffix", [".wav", ".m4a", ".mka"])
def test_audio_only_files_decode_to_16k_mono(tmp_path: Path, suffix: str) -> None:
    path = write_audio(tmp_path / f"tone{suffix}", tone(1000.0, 2.0), 48_000)
    source, samples, first = _audio(path)
    info = source.info
    assert info.has_video is False and info.has_audio is True
    assert info.duration == pytest.approx(2.0, abs=0.05)
    assert len(samples) == pytest.approx(32_000, abs=1_200)
    assert first == pytest.approx(0.0, abs=0.05)
    # Still a 1 kHz tone after resampling: the spectrum peaks at 1 kHz.
    spectrum = np.abs(np.fft.rfft(samples[4000:20000]))
    assert np.fft.rfftfreq(16000, 1 / 16_000)[spectrum.argmax()] == pytest.approx(1000, abs=2)


def test_frames_from_an_audio_file_are_refused(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "tone.wav", tone(440.0, 1.0), 48_000)
    with MediaSource(path) as source, pytest.raises(AudioOnly, match="audio only"):
        list(source.decode([FrameRequest("v", 64)]))


def test_video_without_audio_track_yields_no_audio(tmp_path: Path) -> None:
    frame = solid(64, 64, (90, 90, 90))
    path = write_video(tmp_path / "silent.mp4", lambda t: frame, width=64, height=64, duration=1)
    with MediaSource(path) as source:
        items = list(source.decode([FrameRequest("v", 32)], AudioRequest()))
    assert source.info.has_audio is False
    assert not any(isinstance(item, AudioChunk) for item in items)


def test_truncated_audio_is_a_clear_error(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "tone.mka", tone(440.0, 4.0), 48_000)
    broken = tmp_path / "truncated.mka"
    broken.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with (
        pytest.raises(CorruptMedia, match=r"truncated or corrupt: audio ends at 1\.\d+ s"),
        MediaSource(broken) as source,
    ):
        list(source.decode([], AudioRequest()))


def test_damaged_audio_packets_are_a_clear_error(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "tone.mka", tone(440.0, 4.0), 48_000)
    data = bytearray(path.read_bytes())
    third = len(data) // 3
    data[third : 2 * third] = np.random.default_rng(1).integers(0, 256, third, np.uint8).tobytes()
    broken = tmp_path / "damaged.mka"
    broken.write_bytes(bytes(data))
    with pytest.raises(CorruptMedia, match="corrupt audio near"), MediaSource(broken) as source:
        list(source.decode([], AudioRequest()))


def test_garbage_named_as_audio_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "noise.wav"
    junk.write_bytes(np.random.default_rng(3).integers(0, 256, 5000, np.uint8).tobytes())
    with pytest.raises(NotAVideo, match="not a video or audio file"):
        MediaSource(junk)


def test_sound_alone_skips_the_pictures_and_may_be_shorter(tmp_path: Path) -> None:
    """Captions of a video decode only its audio; sound that stops early is not truncation."""
    frame = solid(64, 64, (90, 90, 90))
    path = write_video(
        tmp_path / "short-sound.mp4",
        lambda t: frame,
        width=64,
        height=64,
        duration=5.0,
        audio_tone_hz=440.0,
        audio_seconds=1.0,
    )
    with MediaSource(path) as source:
        chunks = [c for c in source.decode([], AudioRequest()) if isinstance(c, AudioChunk)]
    assert source.info.frames_decoded == 0
    assert sum(c.samples.shape[1] for c in chunks) / 16_000 == pytest.approx(1.0, abs=0.1)
