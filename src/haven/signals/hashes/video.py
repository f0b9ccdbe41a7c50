"""Video hashes in vPDQ's format: one PDQ hash per sampled frame with its quality and time,
written as vPDQ's text lines ``frame_number,quality,hash_hex,timestamp_seconds`` so lists made
by Meta's vpdq tool and by Haven read in each other.

Two videos match when enough of each one's frames have a near twin in the other (vPDQ's
"query match" and "index match" percentages): a re-encoded, resized or trimmed copy shares most
frames both ways, while two videos that only share a title card do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from haven.signals.hashes.pdq import MATCH_DISTANCE, MIN_QUALITY, check_hex, distance

SECONDS_PER_HASH = 1.0  # vpdq's common setting: one hash a second
QUERY_MATCH = 0.8  # HMA's vPDQ defaults: 80 % of the query's frames...
INDEX_MATCH = 0.0  # ...and any share of the banked video's


class VideoHashFormatError(ValueError):
    pass


@dataclass(frozen=True)
class FrameHash:
    frame: int
    quality: int
    hash: str  # 64 hex digits
    timestamp: float  # seconds


def to_lines(frames: Iterable[FrameHash]) -> str:
    return "".join(f"{f.frame},{f.quality},{f.hash},{f.timestamp:.3f}\n" for f in frames)


def from_lines(text: str) -> list[FrameHash]:
    """Read vPDQ's text format; every bad line is refused with its number."""
    frames = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.strip().split(",")
        try:
            if len(parts) != 4:
                raise ValueError("expected frame,quality,hash,timestamp")
            frame, quality, value, timestamp = (
                int(parts[0]),
                int(parts[1]),
                check_hex(parts[2]),
                float(parts[3]),
            )
            if frame < 0 or not 0 <= quality <= 100 or timestamp < 0:
                raise ValueError("frame, quality (0-100) or timestamp out of range")
        except ValueError as exc:
            raise VideoHashFormatError(f"line {number}: {exc}") from None
        frames.append(FrameHash(frame, quality, value, timestamp))
    return frames


def usable(frames: Sequence[FrameHash]) -> list[str]:
    """The distinct hashes of good-quality frames (vPDQ compares sets of unique hashes)."""
    return list(dict.fromkeys(f.hash for f in frames if f.quality >= MIN_QUALITY))


@dataclass(frozen=True)
class VideoComparison:
    query_share: float  # of the query's distinct frames, the share with a twin in the other
    index_share: float  # of the other's distinct frames, the share with a twin in the query

    def matches(
        self, *, query_match: float = QUERY_MATCH, index_match: float = INDEX_MATCH
    ) -> bool:
        return self.query_share >= query_match and self.index_share >= index_match


def compare(
    query: Sequence[FrameHash], banked: Sequence[FrameHash], *, max_distance: int = MATCH_DISTANCE
) -> VideoComparison:
    """Share of matching frames both ways (a direct comparison; the index does the same at
    scale)."""
    mine, theirs = usable(query), usable(banked)
    if not mine or not theirs:
        return VideoComparison(0.0, 0.0)
    matched_mine = sum(1 for a in mine if any(distance(a, b) <= max_distance for b in theirs))
    matched_theirs = sum(1 for b in theirs if any(distance(a, b) <= max_distance for a in mine))
    return VideoComparison(matched_mine / len(mine), matched_theirs / len(theirs))
