"""What the hashes analyzer asks of banks, as a Protocol: ``haven.banks`` answers it from the
store and the index. Kept here so the analyzer stays free of storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from haven.signals.hashes.video import FrameHash


@dataclass(frozen=True)
class BankMatch:
    bank: str
    entry_id: str
    kind: str  # pdq, video, md5, sha256
    category: str  # what the bank holds: child_safety, terrorism, other
    distance: int | None = None  # PDQ: the closest frame's distance
    query_share: float | None = None  # video: share of the upload's frames matched
    index_share: float | None = None  # video: share of the banked video's frames matched
    label: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MediaHashes:
    """An upload's hashes: exact digests, and per orientation (as uploaded, then its mirror
    images and rotations) the frame hashes; a still picture has one frame."""

    md5: str
    sha256: str
    still: bool
    orientations: Sequence[Sequence[FrameHash]]


class BankMatcher(Protocol):
    def match(self, hashes: MediaHashes) -> list[BankMatch]: ...
