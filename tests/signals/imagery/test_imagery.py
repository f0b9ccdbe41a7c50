"""The imagery analyzer: the bundled open_nsfw model checked and run offline, segments from
scores, and the policy's two answers. No nudity can be generated or fetched here, so recall is
not measured (the reference notes the same); photographs give the false-positive side."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from haven.media import MediaSource
from haven.media.synth import write_video
from haven.policy import load_policy
from haven.policy.evaluator import evaluate
from haven.signals import default_registry
from haven.signals.base import Signal, TimeRange
from haven.signals.imagery.analyzer import ImageryAnalyzer, segments
from haven.signals.imagery.model import MODEL_SHA256, nudity_scores

PHOTOS = [
    data.astronaut(),
    data.coffee(),
    data.chelsea(),
    data.rocket(),
    data.stereo_motorcycle()[0],
]


def test_photographs_score_as_safe() -> None:
    scores = nudity_scores(PHOTOS)
    assert len(scores) == len(PHOTOS) and max(scores) < 0.2


def test_segments_from_sampled_scores() -> None:
    times = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    scores = [0.1, 0.85, 0.95, 0.2, 0.9, 0.91]
    found = segments(times, scores, threshold=0.8, step=1.0)
    assert [(s.start, s.end, s.peak) for s in found] == [(1.0, 3.0, 0.95), (4.0, 6.0, 0.91)]
    assert segments([], [], threshold=0.8, step=1.0) == []


def test_the_analyzer_over_a_video_reports_its_model(tmp_path: Path) -> None:
    frames = [np.asarray(Image.fromarray(p).resize((320, 240))) for p in PHOTOS]
    clip = write_video(
        tmp_path / "c.mp4",
        lambda t: frames[min(int(t), 4)],
        width=320,
        height=240,
        fps=5,
        duration=5.0,
    )
    with MediaSource(clip) as source:
        output = ImageryAnalyzer().analyze(source)
    assert output.report["frames_scored"] == 5
    assert output.report["model"]["sha256"] == MODEL_SHA256
    assert "BSD-2-Clause" in output.report["model"]["licence"]
    assert [s.kind for s in output.signals] == ["imagery.summary"]


@pytest.mark.parametrize(("peak", "expected"), [(0.95, "age_restrict"), (0.85, "warning_screen")])
def test_the_policy_turns_nudity_into_an_age_restriction_or_a_screen(
    peak: float, expected: str
) -> None:
    policy = load_policy(None, known_signals=default_registry().signal_kinds())
    signal = Signal(
        "imagery",
        "1.0",
        "imagery.nudity",
        peak,
        {"peak_score": peak, "start": 2.0, "end": 4.0, "threshold": 0.8},
        time_range=TimeRange(2.0, 4.0),
    )
    names = [t.name for t in evaluate(policy, [signal])]
    assert expected in names and "not_recommended" in names
    assert ("age_restrict" in names) is (expected == "age_restrict")
