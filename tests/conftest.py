"""Shared fixtures: generated media only; nothing is downloaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from haven.media.synth import flash_render, solid, write_demo_clip, write_video


@pytest.fixture(scope="session")
def flashing_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s, 180x320, full-screen black/white 5 Hz flash from 1 s to 3 s, with an audio tone."""
    path = tmp_path_factory.mktemp("media") / "flashing.mp4"
    render = flash_render(width=180, height=320, hz=5, start=1.0, end=3.0)
    return write_video(path, render, width=180, height=320, duration=4.0, audio_tone_hz=440)


@pytest.fixture(scope="session")
def calm_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s of still grey, 180x320."""
    path = tmp_path_factory.mktemp("media") / "calm.mp4"
    frame = solid(320, 180, (120, 120, 120))
    return write_video(path, lambda t: frame, width=180, height=320, duration=3.0)


@pytest.fixture(scope="session")
def demo_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo sample: 6 s, 360x640, a flash from 2 s to 4 s, burned-in captions
    ("Stay safe online" 0.5-2.5 s, "Be kind in the comments" 4-6 s) and espeak-ng speech
    (``haven.media.synth.DEMO_SPEECH``) from 0.5 s."""
    return write_demo_clip(tmp_path_factory.mktemp("media") / "demo.mp4")
