"""The ``hashes`` analyzer: PDQ hashes of a picture or of a video's frames (one a second, in
vPDQ's format), MD5 and SHA-256 of the file, and, given a ``BankMatcher``, the bank entries it
matches. Mirror images and rotations are hashed too (PDQ gives all eight at the cost of one),
so a flipped re-upload still matches."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pdqhash

from haven.media import DecodedFrame, FrameRequest, MediaInfo
from haven.signals.base import (
    AnalysisRun,
    Analyzer,
    AnalyzerOutput,
    InputKind,
    Signal,
    TimeRange,
)
from haven.signals.hashes.matching import BankMatch, BankMatcher, MediaHashes
from haven.signals.hashes.pdq import MAX_SIDE, hex_of_bits, prepared
from haven.signals.hashes.video import SECONDS_PER_HASH, FrameHash, to_lines

VIEW = "hashes"
ORIENTATIONS = 8  # pdqhash's dihedral order: as is, rot 90/180/270, flips, diagonal flips


def file_digests(path: Path) -> tuple[str, str]:
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            md5.update(block)
            sha256.update(block)
    return md5.hexdigest(), sha256.hexdigest()


def centre_crop(rgb: np.ndarray, keep: float) -> np.ndarray:
    """The middle ``keep`` share of each side of the picture."""
    height, width = rgb.shape[:2]
    dy, dx = round(height * (1 - keep) / 2), round(width * (1 - keep) / 2)
    return rgb[dy : height - dy, dx : width - dx]


class _Run(AnalysisRun):
    def __init__(self, analyzer: HashesAnalyzer, media: MediaInfo) -> None:
        self.analyzer = analyzer
        self.media = media
        self.orientations: list[list[FrameHash]] = [[] for _ in range(ORIENTATIONS)]
        self.crops: list[list[FrameHash]] = [[] for _ in analyzer.crops]

    def on_frame(self, frame: DecodedFrame) -> None:
        picture = frame.images.get(VIEW)
        if picture is None:
            return
        ready = prepared(np.ascontiguousarray(picture))
        vectors, quality = pdqhash.compute_dihedral(ready)
        for orientation, vector in enumerate(vectors):
            self.orientations[orientation].append(
                FrameHash(frame.index, int(quality), hex_of_bits(vector), round(frame.time, 3))
            )
        for crops, keep in zip(self.crops, self.analyzer.crops, strict=True):
            bits, crop_quality = pdqhash.compute(np.ascontiguousarray(centre_crop(ready, keep)))
            crops.append(
                FrameHash(frame.index, int(crop_quality), hex_of_bits(bits), round(frame.time, 3))
            )

    def finish(self) -> AnalyzerOutput:
        md5, sha256 = file_digests(Path(self.media.path))
        frames = self.orientations[0]
        still = self.media.still_picture
        hashes = MediaHashes(md5, sha256, still, [list(o) for o in self.orientations])
        matches = self.analyzer.matcher.match(hashes) if self.analyzer.matcher and frames else []
        signals = [
            Signal(
                "hashes",
                HashesAnalyzer.version,
                "hashes.media",
                1.0,
                {"md5": md5, "sha256": sha256, "frames": len(frames), "still": still},
                time_range=TimeRange(frames[0].timestamp, frames[-1].timestamp) if frames else None,
                evidence={"first_pdq": frames[0].hash if frames else None, "sha256": sha256},
            ),
            *(_match_signal(m) for m in matches),
        ]
        report: dict[str, Any] = {
            "md5": md5,
            "sha256": sha256,
            "frames_hashed": len(frames),
            "seconds_per_hash": SECONDS_PER_HASH,
            "vpdq": to_lines(frames),
            "banks_checked": self.analyzer.matcher is not None,
            "matches": [_match_dict(m) for m in matches],
        }
        return AnalyzerOutput(signals, report, {"media_hashes": hashes, "crops": self.crops})


def _match_dict(match: BankMatch) -> dict[str, Any]:
    out: dict[str, Any] = {
        "bank": match.bank,
        "entry": match.entry_id,
        "kind": match.kind,
        "category": match.category,
    }
    for name in ("distance", "query_share", "index_share"):
        value = getattr(match, name)
        if value is not None:
            out[name] = round(value, 3) if isinstance(value, float) else value
    if match.label:
        out["label"] = match.label
    return out


def _match_signal(match: BankMatch) -> Signal:
    evidence = {"bank": match.bank, "entry": match.entry_id, **match.details}
    return Signal(
        "hashes", HashesAnalyzer.version, "hashes.match", 1.0, _match_dict(match), evidence=evidence
    )


class HashesAnalyzer(Analyzer):
    name = "hashes"
    version = "1.0"
    inputs = frozenset({InputKind.VIDEO_FRAMES})
    emits = frozenset({"hashes.media", "hashes.match"})

    def __init__(self, matcher: BankMatcher | None = None, crops: Sequence[float] = ()) -> None:
        """``crops``: also hash the middle of each frame at these shares of its sides (banks
        index them, so a re-upload cropped by a few per cent still matches)."""
        if any(not 0.5 <= keep < 1 for keep in crops):
            raise ValueError("crops keep between half and all of each side")
        self.matcher = matcher
        self.crops = tuple(crops)

    def frame_requests(self) -> Sequence[FrameRequest]:
        return (FrameRequest(VIEW, long_side=MAX_SIDE * 2, min_interval=SECONDS_PER_HASH),)

    def start(self, media: MediaInfo) -> AnalysisRun:
        return _Run(self, media)

    def describe(self) -> dict[str, Any]:
        return {"seconds_per_hash": SECONDS_PER_HASH, "banks": self.matcher is not None}
