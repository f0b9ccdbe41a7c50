"""`haven captions` and the speech and on-screen text in `haven scan`, run as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from tests.test_cli import _assert_one_line_error, run

from haven.captions import parse_captions
from haven.evaluation import word_error_rate
from haven.media.speech_synth import speak
from haven.media.synth import DEMO_SPEECH, write_audio, write_tone
from haven.report import report_schema

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("suffix", [".vtt", ".srt"])
def test_captions_written_and_read_back(demo_clip: Path, tmp_path: Path, suffix: str) -> None:
    output = tmp_path / f"demo{suffix}"
    result = run("captions", str(demo_clip), "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert f"to {output}" in result.stdout
    text = output.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT") == (suffix == ".vtt")
    track = parse_captions(text)
    assert word_error_rate(DEMO_SPEECH, track.text) <= 0.2, track.text
    for cue in track.cues:
        assert 1.0 <= cue.end - cue.start <= 7.0 or cue is track.cues[-1]
        assert len(cue.lines) <= 2 and all(len(line) <= 42 for line in cue.lines)


def test_an_edited_caption_file_reads_back_as_edited(demo_clip: Path, tmp_path: Path) -> None:
    """Creators fix captions before publishing: an edited file is a valid track."""
    output = tmp_path / "demo.vtt"
    assert run("captions", str(demo_clip), "-o", str(output)).returncode == 0
    edited = output.read_text(encoding="utf-8").replace("Haven", "HAVEN")
    track = parse_captions(edited)
    assert "HAVEN" in track.text


def test_audio_only_file_gets_captions(tmp_path: Path) -> None:
    samples, rate = speak("This podcast has captions for everyone.")
    audio = write_audio(tmp_path / "voice.m4a", samples, rate)
    output = tmp_path / "voice.srt"
    result = run("captions", str(audio), "-o", str(output))
    assert result.returncode == 0, result.stderr
    track = parse_captions(output.read_text())
    assert word_error_rate("this podcast has captions for everyone", track.text) <= 0.2, track.text


def test_no_speech_writes_nothing_and_says_so(tmp_path: Path) -> None:
    tone = write_tone(tmp_path / "tone.m4a", seconds=5.0)
    output = tmp_path / "tone.vtt"
    result = run("captions", str(tone), "-o", str(output))
    assert result.returncode == 1
    assert "no speech found" in result.stderr and "not written" in result.stderr
    assert not output.exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-o", "{tmp}/out.txt"], "caption files end in .vtt"),
        (["-o", "{tmp}/missing/out.vtt"], "does not exist"),
        (["-o", "{tmp}/out.vtt", "--language", "xx"], "unknown language code 'xx'"),
        (["-o", "{tmp}/out.vtt", "--model", "fast", "--language", "de"], "English only"),
    ],
)
def test_bad_caption_options(demo_clip: Path, tmp_path: Path, args: list[str], needle: str) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    _assert_one_line_error(run("captions", str(demo_clip), *args), needle)
    assert list(tmp_path.iterdir()) == []


def test_captions_of_a_missing_or_corrupt_file(tmp_path: Path) -> None:
    _assert_one_line_error(
        run("captions", str(tmp_path / "nope.mp4"), "-o", str(tmp_path / "x.vtt")), "no such file"
    )
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x01 not media" * 100)
    _assert_one_line_error(run("captions", str(junk), "-o", str(tmp_path / "x.vtt")), "not a video")


def test_scan_prints_transcript_and_on_screen_text(demo_clip: Path) -> None:
    result = run("scan", str(demo_clip))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Speech (whisper-base):" in out and "language en" in out
    assert "Welcome to Haven" in out
    assert "On-screen text:" in out
    assert "0:00.500 - 0:02.500  Stay safe online" in out
    assert "0:04.000 - 0:06.000  Be kind in the comments" in out
    assert "captions  [rule speech-captions]" in out


def test_scan_json_carries_transcript_captions_and_text(demo_clip: Path) -> None:
    result = run("scan", str(demo_clip), "--json", "--model", "fast")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, report_schema())
    speech, ocr = report["analyzers"]["speech"], report["analyzers"]["ocr"]
    assert speech["model"] == "fast" and speech["whisper_model"] == "whisper-tiny.en"
    assert word_error_rate(DEMO_SPEECH, speech["transcript"]) <= 0.25
    assert speech["captions"] and speech["utterances"]
    assert {line["text"] for line in ocr["lines"]} == {
        "Stay safe online",
        "Be kind in the comments",
    }
    kinds = {signal["kind"] for signal in speech["signals"] + ocr["signals"]}
    assert kinds == {"speech.transcript", "speech.utterance", "ocr.text"}
    assert "captions" in {t["name"] for t in report["treatments"]}


def test_scan_of_a_video_without_speech_says_so(flashing_clip: Path) -> None:
    result = run("scan", str(flashing_clip), "--analyzers", "speech")
    assert result.returncode == 0, result.stderr
    assert "no speech found" in result.stdout and "no captions" in result.stdout
    assert "captions  [rule" not in result.stdout


def test_unknown_analyzer_name(demo_clip: Path) -> None:
    _assert_one_line_error(run("scan", str(demo_clip), "--analyzers", "speech,nope"), "nope")
