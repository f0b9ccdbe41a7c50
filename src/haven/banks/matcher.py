"""Matching an upload's hashes against the banks: exact digests by lookup, PDQ and video
frames through the index. Kept in memory: the index and, per position, its entry and frame;
the entries themselves are read from the store only for the positions a query hits.

Rules, after HMA and vPDQ: a picture matches within distance 31 in any of its eight
orientations; a video matches a banked video when at least 80 % of its distinct good frames
have a twin among the banked video's (any share of the banked one); a banked picture matches a
video that shows it in any frame. A disabled entry never matches; a bank enabled at ratio r
matches with a fixed r share of its entries (the same ones every time). A match in a negative
bank (known false positives) suppresses the other matches of that upload.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from haven.banks.interfaces import BanksStore
from haven.banks.models import BankEntry, EntryKind
from haven.signals.hashes.index import IndexFileError, PdqIndex
from haven.signals.hashes.matching import BankMatch, MediaHashes
from haven.signals.hashes.pdq import MIN_QUALITY
from haven.signals.hashes.video import INDEX_MATCH, QUERY_MATCH

SAVE_EVERY = 100_000  # positions added before the index file is written again


def in_rollout(entry: BankEntry, ratio: float) -> bool:
    """The same entries are in a bank's gradual rollout every time (no coin flip per query)."""
    if ratio >= 1:
        return True
    digest = hashlib.sha256(f"{entry.bank}:{entry.id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < ratio


@dataclass
class _Hits:
    distance: int = 256
    query_hashes: set[str] = field(default_factory=set)
    entry_frames: set[int] = field(default_factory=set)


class IndexedMatcher:
    def __init__(self, store: BanksStore, index_path: Path | None = None) -> None:
        self.store = store
        self.index_path = index_path
        self._lock = threading.Lock()
        self.index = self._open_index()
        self._entries = np.zeros(0, np.int64)
        self._frames = np.zeros(0, np.int32)
        self._saved_at = len(self.index)
        self.refresh()

    def _open_index(self) -> PdqIndex:
        if self.index_path is not None and self.index_path.exists():
            try:
                return PdqIndex.load(self.index_path)
            except IndexFileError:
                pass  # rebuilt from the store below
        return PdqIndex()

    def refresh(self) -> int:
        """Add the positions the store has and the index lacks; the number added. The store
        is the truth: an index file ahead of it (a restored database) is rebuilt."""
        with self._lock:
            with self.store.transaction(write=False) as tx:
                rows = list(tx.banks.index_rows(after=len(self._entries) - 1))
                if len(self.index) > len(self._entries) + len(rows) or (
                    rows and rows[0][0] != len(self._entries)
                ):
                    self.index, self._entries = PdqIndex(), np.zeros(0, np.int64)
                    self._frames = np.zeros(0, np.int32)
                    rows = list(tx.banks.index_rows(after=-1))
            if not rows:
                return 0
            positions = np.array([r[0] for r in rows], np.int64)
            self._entries = np.concatenate(
                [self._entries, np.array([r[1] for r in rows], np.int64)]
            )
            self._frames = np.concatenate([self._frames, np.array([r[2] for r in rows], np.int32)])
            missing = [r[3] for r in rows if r[0] >= len(self.index)]
            if missing:
                added = self.index.add(missing)
                if added.stop != len(self._entries) or positions[-1] != added.stop - 1:
                    raise IndexFileError("the index and the store disagree about positions")
            if self.index_path is not None and len(self.index) - self._saved_at >= min(
                SAVE_EVERY, len(self.index)
            ):
                self.index.save(self.index_path)
                self._saved_at = len(self.index)
            return len(rows)

    def save(self) -> None:
        if self.index_path is not None:
            with self._lock:
                self.index.save(self.index_path)
                self._saved_at = len(self.index)

    def match(self, hashes: MediaHashes) -> list[BankMatch]:
        self.refresh()  # entries added since (by another process too) are matched at once
        with self.store.transaction(write=False) as tx:
            exact = [
                (entry, None)
                for kind, value in ((EntryKind.MD5, hashes.md5), (EntryKind.SHA256, hashes.sha256))
                for entry in tx.banks.entries_by_value(kind, value)
            ]
        per_entry = self._perceptual_hits(hashes)
        with self.store.transaction(write=False) as tx:
            entries = tx.banks.entries_by_id(sorted(per_entry))
            banks = {bank.name: bank for bank in tx.banks.banks()}
        found: list[BankMatch] = []
        for entry, _ in exact:
            bank = banks.get(entry.bank)
            if bank and not entry.disabled and in_rollout(entry, bank.enabled_ratio):
                found.append(
                    BankMatch(
                        entry.bank,
                        str(entry.id),
                        entry.kind.value,
                        bank.category.value,
                        label=entry.label,
                    )
                )
        for number, (orientation, hits, query_count) in per_entry.items():
            entry = entries.get(number)
            bank = banks.get(entry.bank) if entry else None
            if (
                entry is None
                or bank is None
                or entry.disabled
                or not in_rollout(entry, bank.enabled_ratio)
            ):
                continue
            query_share = len(hits.query_hashes) / query_count
            if entry.kind is EntryKind.VIDEO:
                distinct = len({f.hash for f in entry.frames if f.quality >= MIN_QUALITY}) or 1
                index_share = min(len(hits.entry_frames) / distinct, 1.0)
                if hashes.still or query_share < QUERY_MATCH or index_share < INDEX_MATCH:
                    continue
                shares: dict[str, float | None] = {
                    "query_share": query_share,
                    "index_share": index_share,
                }
            else:
                shares = {"query_share": None, "index_share": None}
            found.append(
                BankMatch(
                    entry.bank,
                    str(entry.id),
                    entry.kind.value,
                    bank.category.value,
                    distance=hits.distance,
                    label=entry.label,
                    details={"orientation": orientation},
                    **shares,
                )
            )
        negatives = [m for m in found if banks[m.bank].negative]
        if negatives:
            return negatives  # known false positives: nothing else stands
        return sorted(found, key=lambda m: (m.bank, int(m.entry_id)))

    def _perceptual_hits(self, hashes: MediaHashes) -> dict[int, tuple[int, _Hits, int]]:
        """Per entry: the best orientation, its hits, and how many distinct query hashes that
        orientation had."""
        best: dict[int, tuple[int, _Hits, int]] = {}
        for orientation, frames in enumerate(hashes.orientations):
            queries = list(dict.fromkeys(f.hash for f in frames if f.quality >= MIN_QUALITY))
            if not queries or len(self.index) == 0:
                continue
            results = self.index.search(queries)
            hits: dict[int, _Hits] = defaultdict(_Hits)
            for query, found in zip(queries, results, strict=True):
                for hit in found:
                    entry = int(self._entries[hit.position])
                    record = hits[entry]
                    record.distance = min(record.distance, hit.distance)
                    record.query_hashes.add(query)
                    record.entry_frames.add(int(self._frames[hit.position]))
            for entry, record in hits.items():
                previous = best.get(entry)
                score = (len(record.query_hashes) / len(queries), -record.distance)
                if previous is None or score > (
                    len(previous[1].query_hashes) / previous[2],
                    -previous[1].distance,
                ):
                    best[entry] = (orientation, record, len(queries))
        return best
