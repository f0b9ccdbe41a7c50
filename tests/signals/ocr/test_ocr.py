"""On-screen text: what is read, when it is on screen, where, and how few OCR calls it costs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from haven.evaluation import photograph, word_error_rate
from haven.media.synth import draw_text, write_video
from haven.pipeline import analyse
from haven.signals.ocr import OcrAnalyzer, engine
from haven.signals.ocr.engine import Line
from haven.signals.ocr.tracks import TextTracker

WIDTH, HEIGHT, FPS = 540, 960, 30
FRAME = 1 / FPS


def _panning(name: str, seconds: float) -> Callable[[float], np.ndarray]:
    """A photograph the camera pans across, so no two frames are the same."""
    wide = photograph(name, WIDTH + 200, HEIGHT)

    def frame(t: float) -> np.ndarray:
        shift = int(200 * t / seconds)
        return np.ascontiguousarray(wide[:, shift : shift + WIDTH])

    return frame


def _ocr(path: Path) -> dict:
    _, outputs = analyse(path, [OcrAnalyzer()])
    return outputs["ocr"].report


@pytest.fixture(scope="module")
def captioned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 s panning over a photo; a sticker all along, then two captions, then a cut at 6.2 s
    to another photo with a third caption."""
    first, second = _panning("coffee", 8.0), _panning("chelsea", 8.0)

    def render(t: float) -> np.ndarray:
        image = first(t) if t < 6.2 else second(t)
        if t < 6.2:
            image = draw_text(image, ["#staysafe"], top=0.08, size=40, font="DejaVuSans.ttf")
        if 1.0 <= t < 3.5:
            image = draw_text(image, ["Vaccines contain microchips"], top=0.72, size=32)
        elif 3.5 <= t < 6.2:
            image = draw_text(image, ["Share before it gets deleted"], top=0.72, size=32)
        elif t >= 6.2:
            image = draw_text(image, ["Follow for part two"], top=0.72, size=32)
        return image

    path = tmp_path_factory.mktemp("ocr") / "captioned.mp4"
    return write_video(path, render, width=WIDTH, height=HEIGHT, fps=FPS, duration=8.0, crf=18)


def _line(report: dict, words: str) -> dict:
    found = [line for line in report["lines"] if word_error_rate(words, line["text"]) <= 0.2]
    assert len(found) == 1, (words, report["lines"])
    return found[0]


def test_text_is_read_with_its_time_range(captioned: Path) -> None:
    report = _ocr(captioned)
    expected = {
        "#staysafe": (0.0, 6.2),
        "Vaccines contain microchips": (1.0, 3.5),
        "Share before it gets deleted": (3.5, 6.2),
        "Follow for part two": (6.2, 8.0),
    }
    for text, (start, end) in expected.items():
        line = _line(report, text)
        # Start and end are moved to the frame where the text changed: within two frames.
        assert line["start"] == pytest.approx(start, abs=2 * FRAME + 1e-3), line
        assert line["end"] == pytest.approx(end, abs=2 * FRAME + 1e-3), line
        assert line["confidence"] > 0.8
    assert len(report["lines"]) == 4
    assert report["text"].splitlines()[0] == _line(report, "#staysafe")["text"]


def test_boxes_say_where_the_text_is(captioned: Path) -> None:
    report = _ocr(captioned)
    sticker = _line(report, "#staysafe")["box"]
    caption = _line(report, "Vaccines contain microchips")["box"]
    assert sticker["y"] < 0.15 and caption["y"] == pytest.approx(0.72, abs=0.04)
    # Centred captions: the box's middle is near the frame's middle.
    assert caption["x"] + caption["width"] / 2 == pytest.approx(0.5, abs=0.05)


def test_a_clip_costs_a_handful_of_ocr_calls(captioned: Path) -> None:
    report = _ocr(captioned)
    # About one frame a second plus the cut, not 240 frames.
    assert report["frames_sampled"] <= 10
    assert report["detections"] <= report["frames_sampled"]
    # Over a panning camera a line may be read again; never more than the lines detected.
    assert report["recognitions"] <= 2 * report["detections"]


def test_a_line_over_a_still_picture_is_read_once(tmp_path: Path) -> None:
    still = photograph("astronaut", WIDTH, HEIGHT)

    def render(t: float) -> np.ndarray:
        lines = ["Part one"] if t < 2.5 else ["Part two"]
        return draw_text(still, lines, top=0.8, size=40)

    path = write_video(tmp_path / "still.mp4", render, width=WIDTH, height=HEIGHT, duration=5.0)
    report = _ocr(path)
    assert [(line["text"], line["start"], line["end"]) for line in report["lines"]] == [
        ("Part one", 0.0, 2.5),
        ("Part two", 2.5, 5.0),
    ]
    assert report["recognitions"] == 2


def test_no_text_no_lines(tmp_path: Path) -> None:
    path = write_video(
        tmp_path / "plain.mp4", _panning("rocket", 3.0), width=WIDTH, height=HEIGHT, duration=3.0
    )
    report = _ocr(path)
    assert report["lines"] == [] and report["summary"] == "no on-screen text found"


def test_a_strobe_between_two_pictures_is_read_once_each(tmp_path: Path) -> None:
    """Alternating pictures (10 cuts a second) are recognised as pictures already read."""
    a = draw_text(photograph("grass", WIDTH, HEIGHT), ["Join the challenge"], top=0.4, size=44)
    b = photograph("gravel", WIDTH, HEIGHT)
    path = write_video(
        tmp_path / "strobe.mp4",
        lambda t: a if int(t * 10) % 2 == 0 else b,
        width=WIDTH,
        height=HEIGHT,
        duration=4.0,
    )
    report = _ocr(path)
    assert report["scene_cuts"] >= 30
    assert report["detections"] <= 3
    assert report["recognitions"] <= 3
    line = _line(report, "Join the challenge")
    assert line["start"] == pytest.approx(0.0, abs=FRAME)


def test_tracker_reads_a_steady_line_once_over_a_moving_background() -> None:
    wide = photograph("astronaut", WIDTH + 100, HEIGHT)
    calls: list[str] = []

    def read_line(image: np.ndarray, line: Line) -> tuple[str, float]:
        text, score = engine.read_line(image, line)
        calls.append(text)
        return text, score

    tracker = TextTracker(read_line, engine.MIN_LINE_SCORE)
    for second in range(5):
        background = np.ascontiguousarray(wide[:, 20 * second : 20 * second + WIDTH])
        image = draw_text(background, ["Never give up"], top=0.5, size=48)
        bgr = np.ascontiguousarray(image[:, :, ::-1])
        tracker.observe(float(second), bgr, engine.detect(bgr))
    tracks = tracker.close(5.0)
    assert calls == ["Never give up"]
    assert [(t.text, t.start, t.end) for t in tracks] == [("Never give up", 0.0, 5.0)]


def test_a_changed_line_in_the_same_place_is_read_again() -> None:
    still = photograph("coffee", WIDTH, HEIGHT)
    tracker = TextTracker(engine.read_line, engine.MIN_LINE_SCORE)
    for second, text in enumerate(["Day one", "Day two"]):
        bgr = np.ascontiguousarray(draw_text(still, [text], top=0.5, size=48)[:, :, ::-1])
        tracker.observe(float(second), bgr, engine.detect(bgr))
    assert [t.text for t in tracker.close(2.0)] == ["Day one", "Day two"]
    assert tracker.recognitions == 2


def test_texture_is_not_text() -> None:
    """Gravel read as a line gives nothing readable or a low score."""
    gravel = np.ascontiguousarray(photograph("gravel", 400, 60)[:, :, ::-1])
    tracker = TextTracker(engine.read_line, engine.MIN_LINE_SCORE)
    quad = Line(np.array([[0, 0], [399, 0], [399, 59], [0, 59]], dtype=np.float32))
    tracker.observe(0.0, gravel, [quad])
    assert tracker.close(1.0) == []
