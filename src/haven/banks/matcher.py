"""Matching an upload's hashes against the banks: exact digests by lookup, PDQ and video
frames through the index. Kept in memory: the index and, per position, its entry and frame;
the entries themselves are read from the store only for the positions a query hits.

Rules, after HMA and vPDQ: a picture matches within distance 31 in any of its eight
orientations. A video matches a banked video when at least 80 % of the upload's distinct good
frames have a twin in it, or 80 % of the banked video's appear in the upload (a banked clip
inside a longer upload), with at least three frames matched (or all of a shorter video), so one
shared logo or title card is not a match. A banked picture matches a video that shows it. A
disabled entry never matches; a bank enabled at ratio r matches with a fixed r share of its
entries (the same ones every time). Negative banks hold known false positives: their matches
are never reported, and a perceptual match whose every matched frame is also a known false
positive is dropped; exact digest matches always stand.

The store is the truth and the index file a cache of it: the file is named after the store's
index id (two databases sharing a folder never share a file), checked on load by looking up
sampled stored hashes, and rebuilt whenever it disagrees.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from haven.banks.interfaces import BanksStore
from haven.banks.models import Bank, BankEntry, EntryKind
from haven.signals.hashes.index import IndexFileError, PdqIndex
from haven.signals.hashes.matching import BankMatch, MediaHashes
from haven.signals.hashes.pdq import MIN_QUALITY
from haven.signals.hashes.video import QUERY_MATCH

log = logging.getLogger(__name__)
SAVE_EVERY = 100_000  # positions added before the index file is written again
MIN_MATCHED_FRAMES = 3
SAMPLES = 8  # stored hashes looked up to check a loaded index file


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


@dataclass
class _State:
    index: PdqIndex
    entries: np.ndarray  # position -> entry number
    frames: np.ndarray  # position -> frame number in the entry
    saved: int  # positions in the file on disk


class IndexedMatcher:
    def __init__(self, store: BanksStore, folder: Path | None = None) -> None:
        """``folder``: where the index file is kept (None: in memory only)."""
        self.store = store
        self.folder = folder
        self._lock = threading.RLock()
        with store.transaction(write=False) as tx:
            self.index_id = tx.banks.index_id()
        self._state = _State(PdqIndex(), np.zeros(0, np.int64), np.zeros(0, np.int32), 0)
        self._reload()

    @property
    def index(self) -> PdqIndex:
        return self._state.index

    @property
    def path(self) -> Path | None:
        return None if self.folder is None else self.folder / f"pdq-{self.index_id}.npz"

    # --- keeping the index in step with the store -----------------------------------------
    def _reload(self) -> None:
        """Build the state from the store, reusing the index file if it agrees."""
        with self.store.transaction(write=False) as tx:
            rows = list(tx.banks.index_rows(after=-1))
        index, saved = self._file_index(rows)
        entries = np.array([r[1] for r in rows], np.int64)
        frames = np.array([r[2] for r in rows], np.int32)
        if len(index) < len(rows):
            index.add([r[3] for r in rows[len(index) :]])
        self._state = _State(index, entries, frames, saved)
        self._maybe_save()

    def _file_index(self, rows: list[tuple[int, int, int, str]]) -> tuple[PdqIndex, int]:
        path = self.path
        if path is None or not path.exists():
            return PdqIndex(), 0
        try:
            index = PdqIndex.load(path)
        except IndexFileError as problem:
            log.warning("rebuilding the bank index: %s", problem)
            return PdqIndex(), 0
        if len(index) > len(rows) or not _agrees(index, rows):
            log.warning("rebuilding the bank index: %s does not match the store", path)
            return PdqIndex(), 0
        return index, len(index)

    def refresh(self) -> int:
        """Add the positions the store has and the index lacks; the number added. A store
        with fewer positions than the index (a restore) means a rebuild."""
        with self._lock:
            state = self._state
            with self.store.transaction(write=False) as tx:
                size = tx.banks.index_size()
                rows = (
                    list(tx.banks.index_rows(after=len(state.entries) - 1))
                    if size > len(state.entries)
                    else []
                )
            if size < len(state.entries) or (rows and rows[0][0] != len(state.entries)):
                self._reload()
                return len(self._state.entries)
            if not rows:
                return 0
            entries = np.concatenate([state.entries, np.array([r[1] for r in rows], np.int64)])
            frames = np.concatenate([state.frames, np.array([r[2] for r in rows], np.int32)])
            state.index.add([r[3] for r in rows])
            if len(state.index) != len(entries):
                self._reload()  # something else grew the index: start again from the store
                return len(rows)
            self._state = _State(state.index, entries, frames, state.saved)
            self._maybe_save()
            return len(rows)

    def _maybe_save(self) -> None:
        state = self._state
        if len(state.index) - state.saved >= min(SAVE_EVERY, max(len(state.index), 1)):
            self.save()

    def save(self) -> None:
        """Write the index file; a folder that cannot be written only costs a rebuild later."""
        path = self.path
        if path is None:
            return
        with self._lock:
            try:
                self._state.index.save(path)
                self._state.saved = len(self._state.index)
            except OSError as problem:
                log.warning("cannot write the bank index %s: %s", path, problem)

    # --- matching ------------------------------------------------------------------------
    def match(self, hashes: MediaHashes) -> list[BankMatch]:
        self.refresh()  # entries added since (by another process too) are matched at once
        with self._lock:
            per_entry = self._perceptual_hits(hashes)
        with self.store.transaction(write=False) as tx:
            exact = [
                entry
                for kind, value in ((EntryKind.MD5, hashes.md5), (EntryKind.SHA256, hashes.sha256))
                for entry in tx.banks.entries_by_value(kind, value)
            ]
            entries = tx.banks.entries_by_id(sorted(per_entry))
            banks = {bank.name: bank for bank in tx.banks.banks()}
        found: list[BankMatch] = []
        for entry in exact:
            bank = banks.get(entry.bank)
            if bank and not bank.negative and _active(entry, bank):
                found.append(
                    BankMatch(
                        entry.bank,
                        str(entry.id),
                        entry.kind.value,
                        bank.category.value,
                        label=entry.label,
                    )
                )
        known_false: set[str] = set()
        candidates: list[tuple[BankEntry, Bank, int, _Hits, int]] = []
        for number, (orientation, hits, query_count) in per_entry.items():
            entry = entries.get(number)
            bank = banks.get(entry.bank) if entry else None
            if entry is None or bank is None or not _active(entry, bank):
                continue
            if bank.negative:
                known_false |= hits.query_hashes
            else:
                candidates.append((entry, bank, orientation, hits, query_count))
        for entry, bank, orientation, hits, query_count in candidates:
            if hits.query_hashes <= known_false:
                continue  # every frame behind this match is a known false positive
            match = _perceptual_match(
                entry, bank, orientation, hits, query_count, still=hashes.still
            )
            if match is not None:
                found.append(match)
        return sorted(found, key=lambda m: (m.bank, int(m.entry_id)))

    def _perceptual_hits(self, hashes: MediaHashes) -> dict[int, tuple[int, _Hits, int]]:
        """Per entry: the best orientation, its hits, and how many distinct query hashes that
        orientation had."""
        state = self._state
        best: dict[int, tuple[int, _Hits, int]] = {}
        if len(state.index) == 0:
            return best
        for orientation, frames in enumerate(hashes.orientations):
            queries = list(dict.fromkeys(f.hash for f in frames if f.quality >= MIN_QUALITY))
            if not queries:
                continue
            hits: dict[int, _Hits] = defaultdict(_Hits)
            for query, found in zip(queries, state.index.search(queries), strict=True):
                for hit in found:
                    record = hits[int(state.entries[hit.position])]
                    record.distance = min(record.distance, hit.distance)
                    record.query_hashes.add(query)
                    record.entry_frames.add(int(state.frames[hit.position]))
            for entry, record in hits.items():
                previous = best.get(entry)
                score = (len(record.query_hashes) / len(queries), -record.distance)
                if previous is None or score > (
                    len(previous[1].query_hashes) / previous[2],
                    -previous[1].distance,
                ):
                    best[entry] = (orientation, record, len(queries))
        return best


def _active(entry: BankEntry, bank: Bank) -> bool:
    return not entry.disabled and in_rollout(entry, bank.enabled_ratio)


def _perceptual_match(
    entry: BankEntry, bank: Bank, orientation: int, hits: _Hits, query_count: int, *, still: bool
) -> BankMatch | None:
    shares: dict[str, float | None] = {"query_share": None, "index_share": None}
    if entry.kind is EntryKind.VIDEO:
        if still:
            return None  # a picture is not a video; its frame may be a title card
        good = {f.hash for f in entry.frames if f.quality >= MIN_QUALITY}
        matched_theirs = {
            entry.frames[n].hash
            for n in hits.entry_frames
            if n < len(entry.frames) and entry.frames[n].hash in good
        }
        query_share = len(hits.query_hashes) / query_count
        index_share = len(matched_theirs) / max(len(good), 1)
        enough = min(MIN_MATCHED_FRAMES, query_count, max(len(good), 1))
        if len(hits.query_hashes) < enough or max(query_share, index_share) < QUERY_MATCH:
            return None
        shares = {"query_share": query_share, "index_share": index_share}
    return BankMatch(
        entry.bank,
        str(entry.id),
        entry.kind.value,
        bank.category.value,
        distance=hits.distance,
        label=entry.label,
        details={"orientation": orientation},
        **shares,
    )


def _agrees(index: PdqIndex, rows: list[tuple[int, int, int, str]]) -> bool:
    """Does the loaded index hold the store's hashes where the store says? Sampled."""
    count = len(index)
    if count == 0:
        return True
    picks = sorted({0, count - 1, *np.linspace(0, count - 1, SAMPLES).astype(int).tolist()})
    found = index.search([rows[p][3] for p in picks], max_distance=0)
    return all(any(hit.position == p for hit in hits) for p, hits in zip(picks, found, strict=True))
