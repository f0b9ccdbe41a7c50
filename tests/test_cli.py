"""The command line: reports, JSON validated against the schema, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import av
import jsonschema
import numpy as np
import pytest
from click.testing import CliRunner

from haven.cli import main
from haven.media.synth import flash_render, write_tone, write_video
from haven.report import report_schema


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``haven`` entry point in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "haven.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("scan", "mitigate", "sample"):
        assert command in result.output
    scan_help = CliRunner().invoke(main, ["scan", "--help"])
    assert "--profile" in scan_help.output and "--json" in scan_help.output


def test_scan_prints_segments_treatments_and_reasons(flashing_clip: Path) -> None:
    result = run("scan", str(flashing_clip))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "FAIL" in out
    assert "luminance" in out and "0:01.000 - 0:03.000" in out
    assert "photosensitivity_warning" in out and "[rule photosensitivity-hazard]" in out
    assert "creator_notice" in out
    assert "reason:" in out
    # stderr is not a terminal here: no progress bar may be drawn.
    assert result.stderr == ""


def test_json_report_validates_against_schema(flashing_clip: Path, tmp_path: Path) -> None:
    vtt = tmp_path / "cues.vtt"
    result = run("scan", str(flashing_clip), "--json", "--vtt", str(vtt))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, report_schema())
    photo = report["analyzers"]["photosensitivity"]
    assert photo["verdict"] == "fail"
    assert photo["profile"] == "phone"
    segment = photo["segments"][0]
    assert segment["kind"] == "luminance"
    assert abs(segment["start"] - 1.0) < 1 / 30 and abs(segment["end"] - 3.0) < 1 / 30
    assert segment["peak_flashes_per_second"] == 5
    treatments = {t["name"]: t for t in report["treatments"]}
    assert set(treatments) == {"photosensitivity_warning", "creator_notice"}
    warning = treatments["photosensitivity_warning"]
    assert warning["params"]["viewer_choices"] == ["watch_video", "skip_all"]
    assert warning["evidence"][0]["kind"] == "photosensitivity.verdict"
    assert vtt.read_text().startswith("WEBVTT")
    assert report["media"]["has_audio"] is True


def test_calm_video_passes_with_no_treatments(calm_clip: Path) -> None:
    result = run("scan", str(calm_clip), "--json", "--profile", "broadcast")
    report = json.loads(result.stdout)
    jsonschema.validate(report, report_schema())
    assert report["analyzers"]["photosensitivity"]["verdict"] == "pass"
    assert report["treatments"] == []


def test_schema_rejects_a_report_missing_its_verdict(flashing_clip: Path) -> None:
    report = json.loads(run("scan", str(flashing_clip), "--json").stdout)
    del report["analyzers"]["photosensitivity"]["verdict"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, report_schema())


# -- bad input: one line on stderr, exit status 2, never a traceback -------------------------


def _assert_one_line_error(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("haven: error:")
    assert needle in lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_file(tmp_path: Path) -> None:
    _assert_one_line_error(run("scan", str(tmp_path / "nope.mp4")), "no such file")


def test_not_a_video(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video\n" * 50)
    _assert_one_line_error(run("scan", str(text)), "not a video")


def test_directory_is_not_a_video(tmp_path: Path) -> None:
    _assert_one_line_error(run("scan", str(tmp_path)), "not a regular file")


def test_truncated_file(flashing_clip: Path, tmp_path: Path) -> None:
    data = flashing_clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    _assert_one_line_error(run("scan", str(cut)), "corrupt or truncated")


def _index_first_copy(tmp_path: Path) -> Path:
    """A 4 s MP4 with its index at the front, so a cut copy still opens; flashing at 3.2-4 s."""
    render = flash_render(width=64, height=64, hz=5, start=3.2, end=4.0)
    source = write_video(tmp_path / "plain.mp4", render, width=64, height=64, duration=4.0)
    faststart = tmp_path / "moov-first.mp4"
    with (
        av.open(str(source)) as src,
        av.open(str(faststart), "w", options={"movflags": "faststart"}) as dst,
    ):
        stream = dst.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                dst.mux(packet)
    return faststart


def test_truncated_file_with_index_first(tmp_path: Path) -> None:
    """An MP4 with its index at the front still opens; the missing end must be noticed."""
    data = _index_first_copy(tmp_path).read_bytes()
    cut = tmp_path / "cut-index-first.mp4"
    cut.write_bytes(data[: int(len(data) * 0.5)])
    _assert_one_line_error(run("scan", str(cut)), "truncated")


def test_slightly_truncated_file_goes_to_review(tmp_path: Path) -> None:
    """Losing the last few percent loses the flash at the end: never a confident pass."""
    data = _index_first_copy(tmp_path).read_bytes()
    cut = tmp_path / "cut-end.mp4"
    cut.write_bytes(data[: int(len(data) * 0.93)])
    report = json.loads(run("scan", str(cut), "--json").stdout)
    assert any("truncated" in note for note in report["media"]["notes"])
    photo = report["analyzers"]["photosensitivity"]
    assert photo["confidence"] < 0.75
    assert "hold_for_review" in [t["name"] for t in report["treatments"]]


def test_corrupt_header(flashing_clip: Path, tmp_path: Path) -> None:
    data = bytearray(flashing_clip.read_bytes())
    data[:64] = bytes(range(64))
    bad = tmp_path / "bad-header.mp4"
    bad.write_bytes(bytes(data))
    result = run("scan", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith("haven: error:") and "Traceback" not in result.stderr


@pytest.mark.parametrize("where", [0.3, 0.5])
def test_corrupt_data_inside_the_stream(flashing_clip: Path, tmp_path: Path, where: float) -> None:
    data = bytearray(flashing_clip.read_bytes())
    start = int(len(data) * where)
    data[start : start + 2000] = np.random.default_rng(1).integers(0, 256, 2000, np.uint8).tobytes()
    bad = tmp_path / "corrupt-middle.mp4"
    bad.write_bytes(bytes(data))
    _assert_one_line_error(run("scan", str(bad)), "corrupt media near")


def test_zero_frames(tmp_path: Path) -> None:
    """A valid raw-video header followed by no frame at all."""
    empty = tmp_path / "empty.y4m"
    empty.write_bytes(b"YUV4MPEG2 W64 H64 F30:1 Ip A1:1 C420jpeg\n")
    _assert_one_line_error(run("scan", str(empty)), "no decodable frames")


def test_audio_only_scan_runs_speech_and_skips_video_analyzers(tmp_path: Path) -> None:
    audio = write_tone(tmp_path / "tone.m4a", seconds=2.0)
    result = run("scan", str(audio), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, report_schema())
    assert report["media"]["has_video"] is False
    assert report["analyzers"]["photosensitivity"]["skipped"] == "the file has no video stream"
    assert report["analyzers"]["ocr"]["skipped"] == "the file has no video stream"
    assert report["analyzers"]["speech"]["status"] == "no_speech"
    # Only video analyzers asked for: nothing can run, so it is bad input.
    _assert_one_line_error(run("scan", str(audio), "--analyzers", "photosensitivity"), "audio only")


def test_absurd_dimensions(tmp_path: Path) -> None:
    """A raw YUV4MPEG stream claims 9000x9000 pixels."""
    bogus = tmp_path / "huge.y4m"
    bogus.write_bytes(b"YUV4MPEG2 W9000 H9000 F30:1 Ip A1:1 C420jpeg\nFRAME\n" + b"\0" * 4096)
    _assert_one_line_error(run("scan", str(bogus)), "absurd video dimensions")


def test_thin_strip_dimensions(tmp_path: Path) -> None:
    strip = tmp_path / "strip.y4m"
    strip.write_bytes(b"YUV4MPEG2 W4096 H16 F30:1 Ip A1:1 C420jpeg\nFRAME\n" + b"\0" * 98304)
    _assert_one_line_error(run("scan", str(strip)), "absurd video dimensions")


def test_unreadable_policy_file(flashing_clip: Path, tmp_path: Path) -> None:
    _assert_one_line_error(
        run("scan", str(flashing_clip), "--policy", str(tmp_path / "missing.yaml")),
        "policy file not found",
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [unclosed\n")
    _assert_one_line_error(
        run("scan", str(flashing_clip), "--policy", str(broken)), "not valid YAML"
    )
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    _assert_one_line_error(run("scan", str(flashing_clip), "--policy", str(binary)), "cannot read")


def test_policy_naming_an_unknown_signal(flashing_clip: Path, tmp_path: Path) -> None:
    policy = tmp_path / "typo.yaml"
    policy.write_text(
        "policy: typo\nversion: '1'\nrules:\n"
        "  - id: typo\n    when: {signal: photosensitivity.verdikt}\n"
        "    then: [{treatment: hold_for_review, reason: r}]\n"
    )
    _assert_one_line_error(
        run("scan", str(flashing_clip), "--policy", str(policy)), "unknown signal"
    )


def test_unknown_profile_is_a_usage_error(flashing_clip: Path) -> None:
    result = run("scan", str(flashing_clip), "--profile", "cinema")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_custom_policy_changes_treatments(flashing_clip: Path, tmp_path: Path) -> None:
    policy = tmp_path / "strict.yaml"
    policy.write_text(
        "policy: strict\nversion: '2'\nrules:\n"
        "  - id: flashing-is-reviewed\n"
        "    when: {signal: photosensitivity.segment, attributes: {kind: {equals: luminance}}}\n"
        "    then:\n"
        "      - treatment: hold_for_review\n"
        "        reason: 'Flashing at {peak_flashes_per_second} per second from {start} s.'\n"
    )
    report = json.loads(run("scan", str(flashing_clip), "--json", "--policy", str(policy)).stdout)
    assert [t["name"] for t in report["treatments"]] == ["hold_for_review"]
    assert report["treatments"][0]["reason"] == "Flashing at 5.0 per second from 1.0 s."
    assert report["policy"] == {"name": "strict", "version": "2", "source": str(policy)}


def test_result_near_a_limit_is_held_for_review(tmp_path: Path) -> None:
    """27 % of the screen flashing fails the broadcast 25 % limit, but only just."""
    render = flash_render(
        width=180, height=320, hz=5, start=0.5, end=2.0, region=(0.0, 0.0, 1.0, 0.27)
    )
    clip = write_video(tmp_path / "near.mp4", render, width=180, height=320, duration=2.5)
    report = json.loads(run("scan", str(clip), "--json", "--profile", "broadcast").stdout)
    photo = report["analyzers"]["photosensitivity"]
    assert photo["verdict"] == "fail" and photo["confidence"] < 0.75
    assert photo["uncertain_because"]
    names = [t["name"] for t in report["treatments"]]
    assert names == ["photosensitivity_warning", "creator_notice", "hold_for_review"]


def test_sample_command_writes_a_failing_clip(tmp_path: Path) -> None:
    out = tmp_path / "sample.mp4"
    assert run("sample", str(out), "--duration", "5").returncode == 0
    report = json.loads(run("scan", str(out), "--json").stdout)
    assert report["analyzers"]["photosensitivity"]["verdict"] == "fail"


def _run_on_terminal(*args: str) -> str:
    """Run ``haven`` with its stderr on a pseudo-terminal; return what the terminal showed."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    child = subprocess.Popen(
        [sys.executable, "-m", "haven.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        stdin=subprocess.DEVNULL,
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    child.wait(timeout=300)
    os.close(master)
    return shown.decode(errors="replace")


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Long enough (300 s of tiny frames) that a scan takes more than a second."""
    path = tmp_path_factory.mktemp("long") / "long.mp4"
    frame = np.full((32, 32, 3), 100, np.uint8)
    return write_video(path, lambda t: frame, width=32, height=32, fps=30, duration=300.0)


def test_progress_bar_on_a_terminal_only_and_not_with_quiet(long_clip: Path) -> None:
    shown = _run_on_terminal("scan", str(long_clip))
    assert "scanning:" in shown and "/300.0 s" in shown
    assert "scanning:" not in _run_on_terminal("scan", "--quiet", str(long_clip))


def test_cue_file_in_a_missing_folder(flashing_clip: Path, tmp_path: Path) -> None:
    _assert_one_line_error(
        run("scan", str(flashing_clip), "--vtt", str(tmp_path / "no" / "cues.vtt")),
        "does not exist",
    )


def test_mitigate_into_a_missing_folder(flashing_clip: Path, tmp_path: Path) -> None:
    _assert_one_line_error(
        run("mitigate", str(flashing_clip), str(tmp_path / "no" / "out.mp4")), "does not exist"
    )


def test_policy_comparing_text_with_a_number(flashing_clip: Path, tmp_path: Path) -> None:
    policy = tmp_path / "numeric.yaml"
    policy.write_text(
        "policy: numeric\nversion: '1'\nrules:\n"
        "  - id: numeric-verdict\n"
        "    when: {signal: photosensitivity.verdict, attributes: {verdict: {above: 3}}}\n"
        "    then: [{treatment: remove, reason: r}]\n"
    )
    _assert_one_line_error(
        run("scan", str(flashing_clip), "--policy", str(policy)), "cannot be applied"
    )
