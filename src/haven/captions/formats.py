"""WebVTT and SRT: writing the caption model, and reading edited files back into it.

What the writers produce the readers accept (round-trip tested), and so does what people
write by hand within the formats' rules: WebVTT with NOTE/STYLE/REGION blocks, cue settings
and "mm:ss.ttt" times; SRT with or without a byte-order mark and with CRLF line ends. Bad
files give a ``CaptionFormatError`` naming the line.
"""

from __future__ import annotations

import re

from haven.captions.model import CaptionTrack, Cue
from haven.errors import InputError

# Caption files for short videos are kilobytes; anything this big is not a caption file.
MAX_CAPTION_BYTES = 2_000_000

_VTT_TIME = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_SRT_TIME = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d),(\d{3})$")


class CaptionFormatError(InputError):
    code = "bad_captions"


def timestamp(seconds: float, separator: str = ".") -> str:
    """ "HH:MM:SS.mmm" (WebVTT) or, with ``separator=","``, "HH:MM:SS,mmm" (SRT)."""
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _cue_lines(track: CaptionTrack, separator: str) -> list[str]:
    lines: list[str] = []
    for number, cue in enumerate(track.cues, start=1):
        timing = f"{timestamp(cue.start, separator)} --> {timestamp(cue.end, separator)}"
        lines += [str(number), timing, *cue.lines, ""]
    return lines


def to_webvtt(track: CaptionTrack) -> str:
    header = ["WEBVTT"] + ([f"Language: {track.language}"] if track.language else []) + [""]
    return "\n".join(header + _cue_lines(track, "."))


def to_srt(track: CaptionTrack) -> str:
    return "\n".join(_cue_lines(track, ","))


def parse_captions(text: str) -> CaptionTrack:
    """Read WebVTT (it starts with "WEBVTT") or else SRT."""
    if len(text.encode("utf-8", errors="replace")) > MAX_CAPTION_BYTES:
        raise CaptionFormatError(f"caption file larger than {MAX_CAPTION_BYTES} bytes")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("WEBVTT"):
        return _parse_webvtt(text)
    return _parse_srt(text)


def _seconds(match: re.Match[str]) -> float:
    hours, minutes, seconds, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the number of their first line (1-based)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                first = number
            current.append(line)
        elif current:
            blocks.append((first, current))
            current = []
    if current:
        blocks.append((first, current))
    return blocks


def _timing(line: str, pattern: re.Pattern[str], number: int) -> tuple[float, float]:
    parts = line.split("-->")
    if len(parts) != 2:
        raise CaptionFormatError(f"line {number}: expected 'start --> end', got {line!r}")
    start_text = parts[0].strip()
    end_text = parts[1].strip().split()[0] if parts[1].strip() else ""
    start, end = pattern.match(start_text), pattern.match(end_text)
    if start is None or end is None:
        raise CaptionFormatError(f"line {number}: bad time in {line!r}")
    start_s, end_s = _seconds(start), _seconds(end)
    if end_s <= start_s:
        raise CaptionFormatError(f"line {number}: cue ends at or before it starts ({line!r})")
    return start_s, end_s


def _track(cues: list[Cue], language: str | None, first_lines: list[int]) -> CaptionTrack:
    for index in range(1, len(cues)):
        if cues[index].start < cues[index - 1].start:
            raise CaptionFormatError(
                f"line {first_lines[index]}: cues must be in time order (this one starts at"
                f" {cues[index].start:.3f} s, before the previous one)"
            )
    return CaptionTrack(cues, language)


def _parse_webvtt(text: str) -> CaptionTrack:
    blocks = _blocks(text)
    header_number, header = blocks[0]
    if header[0] != "WEBVTT" and not header[0].startswith(("WEBVTT ", "WEBVTT\t")):
        raise CaptionFormatError(f"line {header_number}: a WebVTT file starts with 'WEBVTT'")
    language = None
    for line in header[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == "language" and value.strip():
            language = value.strip()
    cues: list[Cue] = []
    first_lines: list[int] = []
    for number, block in blocks[1:]:
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_index = 0 if "-->" in block[0] else 1
        if timing_index >= len(block) or "-->" not in block[timing_index]:
            raise CaptionFormatError(f"line {number}: a cue needs a timing line with '-->'")
        start, end = _timing(block[timing_index], _VTT_TIME, number + timing_index)
        lines = tuple(block[timing_index + 1 :])
        if not lines:
            raise CaptionFormatError(f"line {number}: the cue has no text")
        cues.append(Cue(start, end, lines))
        first_lines.append(number)
    return _track(cues, language, first_lines)


def _parse_srt(text: str) -> CaptionTrack:
    blocks = _blocks(text)
    if not blocks:
        raise CaptionFormatError("the caption file is empty")
    cues: list[Cue] = []
    first_lines: list[int] = []
    for number, block in blocks:
        if not block[0].strip().isdigit():
            raise CaptionFormatError(
                f"line {number}: expected a cue number (SRT) or a 'WEBVTT' header"
            )
        if len(block) < 2:
            raise CaptionFormatError(f"line {number}: the cue has no timing line")
        start, end = _timing(block[1], _SRT_TIME, number + 1)
        lines = tuple(block[2:])
        if not lines:
            raise CaptionFormatError(f"line {number}: the cue has no text")
        cues.append(Cue(start, end, lines))
        first_lines.append(number)
    return _track(cues, None, first_lines)
