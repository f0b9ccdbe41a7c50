"""The scan report: a JSON document (schema in ``schemas/scan-report.schema.json``) and text."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from haven import __version__
from haven.pipeline import ScanResult

REPORT_VERSION = "1.0"


@cache
def report_schema() -> dict[str, Any]:
    text = resources.files("haven").joinpath("schemas/scan-report.schema.json").read_text("utf-8")
    return json.loads(text)


def build_report(result: ScanResult) -> dict[str, Any]:
    analyzers: dict[str, Any] = {}
    for name, output in result.outputs.items():
        analyzers[name] = {
            "name": name,
            **result.analyzers[name],
            **output.report,
            "signals": [s.as_dict() for s in output.signals],
        }
    return {
        "report_version": REPORT_VERSION,
        "haven_version": __version__,
        "file": {
            "path": str(result.path),
            "size_bytes": result.size_bytes,
            "sha256": result.sha256,
        },
        "media": result.media.as_dict(),
        "analyzers": analyzers,
        "policy": result.policy.as_dict(),
        "treatments": [t.as_dict() for t in result.treatments],
        "elapsed_seconds": round(result.elapsed_seconds, 3),
    }


def _clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:06.3f}"


def _media_line(media: dict[str, Any]) -> str:
    if not media["has_video"]:
        return f"  audio only ({media['audio_codec']}), {media['duration']:.2f} s"
    return (
        f"  {media['display_width']}x{media['display_height']} {media['video_codec']}"
        f" {media['pixel_format']}, {media['duration']:.2f} s, {media['frames_decoded']} frames"
        + (", variable frame rate" if media["variable_frame_rate"] else "")
        + (f", rotated {media['rotation']} deg" if media["rotation"] else "")
        + ("" if media["has_audio"] else ", no audio track")
    )


def render_text(report: dict[str, Any]) -> str:
    """A readable report for a terminal."""
    media = report["media"]
    lines = [f"Haven scan of {report['file']['path']}", _media_line(media)]
    for note in media["notes"]:
        lines.append(f"  note: {note}")
    for name, section in report["analyzers"].items():
        if "skipped" in section:
            lines += ["", f"{name.capitalize()}: skipped ({section['skipped']})"]
    lines += _photosensitivity_lines(report["analyzers"].get("photosensitivity"))
    lines += _speech_lines(report["analyzers"].get("speech"))
    lines += _ocr_lines(report["analyzers"].get("ocr"))
    lines += _text_lines(report["analyzers"].get("text"))
    lines += _claims_lines(report["analyzers"].get("claims"))
    lines += _hashes_lines(report["analyzers"].get("hashes"))
    lines += _imagery_lines(report["analyzers"].get("imagery"))
    lines += ["", f"Treatments (policy {report['policy']['name']} {report['policy']['version']}):"]
    if not report["treatments"]:
        lines.append("  none")
    for treatment in report["treatments"]:
        lines.append(f"  {treatment['name']}  [rule {treatment['rule']}]")
        lines.append(f"    reason: {treatment['reason']}")
    return "\n".join(lines)


def _photosensitivity_lines(photo: dict[str, Any] | None) -> list[str]:
    if not photo or "skipped" in photo:
        return []
    lines: list[str] = []
    lines += [
        "",
        f"Photosensitivity ({photo['profile']} profile): {photo['verdict'].upper()}"
        f"  (confidence {photo['confidence']:.2f})",
    ]
    for reason in photo["uncertain_because"]:
        lines.append(f"  uncertain: {reason}")
    if not photo["segments"]:
        lines.append("  no flashing or patterns over the limits")
    for seg in photo["segments"]:
        box = seg["bounding_box"]
        where = (
            f"x {box['x']:.2f} y {box['y']:.2f} w {box['width']:.2f} h {box['height']:.2f}"
            if box
            else "whole frame"
        )
        rate = "" if seg["kind"] == "pattern" else f", {seg['peak_flashes_per_second']:g} flashes/s"
        seam = " (across the loop seam)" if seg["loop_seam"] else ""
        where_judged = "the screen" if seg["kind"] == "pattern" else "the judging window"
        lines.append(
            f"  {seg['severity']:7s} {seg['kind']:9s}"
            f" {_clock(seg['start'])} - {_clock(seg['end'])}"
            f"{rate}, {seg['peak_window_fraction'] * 100:.1f} % of {where_judged},"
            f" box {where}{seam}"
        )
    return lines


def _speech_lines(speech: dict[str, Any] | None) -> list[str]:
    if not speech or "skipped" in speech:
        return []
    lines = ["", f"Speech ({speech['whisper_model'] or speech['model']}): {speech['summary']}"]
    for cue in speech["captions"]:
        text = " / ".join(cue["lines"])
        lines.append(f"  {_clock(cue['start'])} - {_clock(cue['end'])}  {text}")
    for rejected in speech["rejected"]:
        lines.append(
            f"  rejected {_clock(rejected['start'])} - {_clock(rejected['end'])}"
            f" {rejected['text']!r}: {rejected['reason']}"
        )
    return lines


def _ocr_lines(ocr: dict[str, Any] | None) -> list[str]:
    if not ocr or "skipped" in ocr:
        return []
    lines = [
        "",
        f"On-screen text: {ocr['summary']} ({ocr['detections']} frames read,"
        f" {ocr['recognitions']} lines recognised, {ocr['ocr_seconds']:.1f} s)",
    ]
    for line in ocr["lines"]:
        lines.append(f"  {_clock(line['start'])} - {_clock(line['end'])}  {line['text']}")
    return lines


def _text_lines(text: dict[str, Any] | None) -> list[str]:
    if not text or "skipped" in text:
        return []
    lines = ["", f"Text: {text['summary']}"]
    for item in text["items"]:
        where = item["surface"]
        if "time_range" in item:
            span = item["time_range"]
            where += f" {_clock(span['start'])} - {_clock(span['end'])}"
        for flag in item["flagged"]:
            spans = ", ".join(repr(s["text"]) for s in flag["spans"][:3])
            lines.append(
                f"  {flag['category']} {flag['score']:.2f} ({flag['stage']}) in {where}: {spans}"
            )
    return lines


def _claims_lines(claims: dict[str, Any] | None) -> list[str]:
    if not claims or "skipped" in claims or not claims["matches"]:
        return []
    lines = ["", f"Fact-checked claims: {claims['summary']}"]
    for match in claims["matches"]:
        lines.append(
            f"  {match['verdict']} ({match['publisher']}: {match['rating']}), similarity"
            f" {match['similarity']:.2f}: {match['claim']!r} <{match['fact_check_url']}>"
        )
    return lines


def _hashes_lines(hashes: dict[str, Any] | None) -> list[str]:
    if not hashes or "skipped" in hashes:
        return []
    checked = "checked against the banks" if hashes["banks_checked"] else "no banks to check"
    lines = ["", f"Known media: {hashes['frames_hashed']} PDQ hash(es), {checked}"]
    lines.append(f"  md5 {hashes['md5']}  sha256 {hashes['sha256']}")
    for match in hashes["matches"]:
        share = (
            f", {match['query_share']:.0%} of its frames"
            if match.get("query_share") is not None
            else ""
        )
        distance = f", distance {match['distance']}" if "distance" in match else ""
        lines.append(
            f"  MATCH {match['bank']} entry {match['entry']} ({match['kind']},"
            f" {match['category']}{distance}{share})"
        )
    return lines


def _imagery_lines(imagery: dict[str, Any] | None) -> list[str]:
    if not imagery or "skipped" in imagery:
        return []
    lines = [
        "",
        f"Nudity (open_nsfw): peak {imagery['peak_nudity_score']:.2f} over"
        f" {imagery['frames_scored']} frame(s), threshold {imagery['threshold']}",
    ]
    for segment in imagery["segments"]:
        span = f"{_clock(segment['start'])}-{_clock(segment['end'])}"
        lines.append(f"  {span}  peak {segment['peak_score']:.2f}")
    return lines
