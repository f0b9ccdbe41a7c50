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


def render_text(report: dict[str, Any]) -> str:
    """A readable report for a terminal."""
    media = report["media"]
    lines = [
        f"Haven scan of {report['file']['path']}",
        f"  {media['display_width']}x{media['display_height']} {media['video_codec']}"
        f" {media['pixel_format']}, {media['duration']:.2f} s, {media['frames_decoded']} frames"
        + (", variable frame rate" if media["variable_frame_rate"] else "")
        + (f", rotated {media['rotation']} deg" if media["rotation"] else ""),
    ]
    for note in media["notes"]:
        lines.append(f"  note: {note}")
    photo = report["analyzers"].get("photosensitivity")
    if photo:
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
            rate = (
                ""
                if seg["kind"] == "pattern"
                else f", {seg['peak_flashes_per_second']:g} flashes/s"
            )
            seam = " (across the loop seam)" if seg["loop_seam"] else ""
            where_judged = "the screen" if seg["kind"] == "pattern" else "the judging window"
            lines.append(
                f"  {seg['severity']:7s} {seg['kind']:9s}"
                f" {_clock(seg['start'])} - {_clock(seg['end'])}"
                f"{rate}, {seg['peak_window_fraction'] * 100:.1f} % of {where_judged},"
                f" box {where}{seam}"
            )
    lines += ["", f"Treatments (policy {report['policy']['name']} {report['policy']['version']}):"]
    if not report["treatments"]:
        lines.append("  none")
    for treatment in report["treatments"]:
        lines.append(f"  {treatment['name']}  [rule {treatment['rule']}]")
        lines.append(f"    reason: {treatment['reason']}")
    return "\n".join(lines)
