"""An index of PDQ hashes for "which banked hashes lie within distance 31 of this one?".

Multi-index hashing (Norouzi et al.; the scheme of FAISS's ``IndexBinaryMultiHash``): 253 of
the 256 bits are cut into 11 chunks of 23 bits, each chunk a table, and a query probes every
table with its chunk and every variant of it with one or two bits flipped. Two hashes within
distance 31 differ by at most two bits in at least one of the 11 chunks (if every chunk had
three or more, they would differ by at least 33), so the search finds every one of them:
recall is 1.0 by construction, not by luck.

The 11 tables live in one array of positions sorted by ``chunk number << 23 | chunk value``,
with a directory of where each value's bucket starts (CSR), so each of a query's 3,047 probes
is two array reads, all of them vectorised. The index costs 32 bytes of hash and 11 x 8 bytes
of table a hash, plus a fixed 369 MB directory (1.6 GB for 10 million hashes).
FAISS's ``IndexBinaryMultiHash`` with the same chunks keeps its tables in hash maps: 5.9 GB
and 2.9 ms a lookup at 10 million (``benchmarks/hash_index.py``), over Haven's targets.
Adding hashes merges them into the sorted tables: nothing is rebuilt.

Positions are the index's own sequential numbers; the caller keeps what each position means
(the store keeps the position on each bank hash). The file is numpy's ``.npz`` (no pickle)
beside a small versioned JSON header.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np

from haven.signals.hashes.pdq import HASH_BYTES, MATCH_DISTANCE

FORMAT_VERSION = 2
KIND = "pdq-mih"
CHUNKS = 11  # tables
CHUNK_BITS = 23  # 11 x 23 = 253 bits indexed
FLIPS = 2  # bits flipped per chunk at query time: enough for distance <= 31, as above
WORDS = HASH_BYTES // 8
# Every chunk value a query probes, as XOR masks: no flip, one flip, two flips (277 masks).
_MASKS = np.array(
    [0]
    + [1 << i for i in range(CHUNK_BITS)]
    + [(1 << i) | (1 << j) for i, j in combinations(range(CHUNK_BITS), 2)],
    dtype=np.uint32,
)


DIRECTORY = CHUNKS << CHUNK_BITS  # tagged chunk values
# Each chunk's value tagged with its chunk number above the 23 value bits.
_CHUNK_TAGS = (np.arange(CHUNKS, dtype=np.uint32) << np.uint32(CHUNK_BITS))[None, :]


class IndexFileError(ValueError):
    """An index file that is missing its header, of another version, or damaged."""


@dataclass(frozen=True)
class Hit:
    position: int
    distance: int


def _codes(hashes: np.ndarray | list[str]) -> np.ndarray:
    if isinstance(hashes, np.ndarray):
        codes = hashes
    else:
        codes = np.frombuffer(b"".join(bytes.fromhex(h) for h in hashes), dtype=np.uint8)
    return np.ascontiguousarray(codes, dtype=np.uint8).reshape(-1, HASH_BYTES)


def _words(codes: np.ndarray) -> np.ndarray:
    """(n, 32) uint8 hash bytes as (n, 4) uint64, the first bit the highest of word 0."""
    return codes.view(">u8").astype(np.uint64).reshape(-1, WORDS)


def _chunk_keys(words: np.ndarray) -> np.ndarray:
    """The 11 chunk values of each hash, (n, 11) uint32."""
    keys = np.empty((len(words), CHUNKS), np.uint32)
    for chunk in range(CHUNKS):
        word, offset = divmod(chunk * CHUNK_BITS, 64)
        value = words[:, word] << np.uint64(offset) if offset else words[:, word].copy()
        if offset + CHUNK_BITS > 64:
            value |= words[:, word + 1] >> np.uint64(64 - offset)
        keys[:, chunk] = (value >> np.uint64(64 - CHUNK_BITS)).astype(np.uint32)
    return keys


class PdqIndex:
    """Thread-safe: queries share the index, an add takes it alone."""

    def __init__(self) -> None:
        self._words = np.zeros((0, WORDS), np.uint64)
        self._keys = np.zeros(0, np.uint32)  # chunk << 23 | value, sorted
        self._positions = np.zeros(0, np.uint32)
        self._starts: np.ndarray | None = None  # bucket directory, built on first use
        self._lock = threading.RLock()

    def _directory(self) -> np.ndarray:
        """Where each tagged chunk value's positions start in ``_positions`` (one entry more
        than there are values, so a bucket ends where the next starts)."""
        if self._starts is None:
            counts = np.bincount(self._keys, minlength=DIRECTORY)
            starts = np.zeros(DIRECTORY + 1, np.uint32)
            np.cumsum(counts, out=starts[1:], dtype=np.uint32)
            self._starts = starts
        return self._starts

    def __len__(self) -> int:
        return len(self._words)

    def add(self, hashes: np.ndarray | list[str]) -> range:
        """Append hashes (hex strings, or (n, 32) uint8 codes); the positions they got."""
        words = _words(_codes(hashes))
        with self._lock:
            first = len(self._words)
            if len(words):
                keys = (_chunk_keys(words) | _CHUNK_TAGS).ravel()
                positions = np.repeat(np.arange(first, first + len(words), dtype=np.uint32), CHUNKS)
                order = np.argsort(keys, kind="stable")
                keys, positions = keys[order], positions[order]
                at = np.searchsorted(self._keys, keys, side="right")
                self._keys = np.insert(self._keys, at, keys)
                self._positions = np.insert(self._positions, at, positions)
                self._words = np.concatenate([self._words, words])
                self._starts = None
                self._directory()  # built here, so no lookup waits for it
            return range(first, first + len(words))

    def search(
        self, hashes: np.ndarray | list[str], *, max_distance: int = MATCH_DISTANCE
    ) -> list[list[Hit]]:
        """For each query, every indexed hash within ``max_distance`` (<= 31 keeps the
        guarantee above), nearest first."""
        if not 0 <= max_distance <= MATCH_DISTANCE:
            raise ValueError(f"max_distance must be 0-{MATCH_DISTANCE} for a complete search")
        words = _words(_codes(hashes))
        with self._lock:
            return [self._search_one(query, max_distance) for query in words]

    def _search_one(self, query: np.ndarray, max_distance: int) -> list[Hit]:
        if len(self._words) == 0:
            return []
        keys = _chunk_keys(query[None, :])[0] | _CHUNK_TAGS[0]
        probes = (keys[:, None] ^ _MASKS[None, :]).ravel()  # the tag bits are never flipped
        directory = self._directory()
        low = directory[probes].astype(np.int64)
        lengths = directory[probes + 1].astype(np.int64) - low
        keep = lengths > 0
        if not keep.any():
            return []
        starts, lengths = low[keep], lengths[keep]
        # Every index in [start, start + length) of every probe, without a Python loop.
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        candidates = np.unique(self._positions[offsets + np.arange(lengths.sum())])
        distances = np.bitwise_count(self._words[candidates] ^ query).sum(axis=1)
        near = distances <= max_distance
        hits = [Hit(int(p), int(d)) for p, d in zip(candidates[near], distances[near], strict=True)]
        return sorted(hits, key=lambda h: (h.distance, h.position))

    def save(self, path: Path) -> None:
        """Write the index and its header (each through a temporary name, then renamed)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        unique = f".{os.getpid()}.{threading.get_ident()}.tmp"
        temporary = path.with_name(path.name + unique)
        header_path = _header_path(path)
        header_temporary = header_path.with_name(header_path.name + unique)
        with self._lock:
            arrays = {"words": self._words, "keys": self._keys, "positions": self._positions}
            with temporary.open("wb") as stream:
                np.savez(stream, **arrays)
            header = {"format": FORMAT_VERSION, "kind": KIND, "count": len(self)}
        header_temporary.write_text(json.dumps(header), "utf-8")
        # Index first, then header: a reader between the two sees counts that disagree and
        # rebuilds; it never trusts a half-written file.
        temporary.replace(path)
        header_temporary.replace(header_path)

    @classmethod
    def load(cls, path: Path) -> PdqIndex:
        try:
            header = json.loads(_header_path(path).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexFileError(f"{path}: no readable index header ({exc})") from None
        if header.get("format") != FORMAT_VERSION or header.get("kind") != KIND:
            raise IndexFileError(
                f"{path}: index format {header.get('format')!r} is not {FORMAT_VERSION}"
            )
        loaded = cls()
        try:
            with np.load(path, allow_pickle=False) as arrays:
                loaded._words = arrays["words"].astype(np.uint64).reshape(-1, WORDS)
                loaded._keys = arrays["keys"].astype(np.uint32)
                loaded._positions = arrays["positions"].astype(np.uint32)
        except (OSError, ValueError, KeyError) as exc:
            raise IndexFileError(f"{path}: damaged index ({exc})") from None
        loaded._directory()
        count = len(loaded._words)
        tables = count * CHUNKS
        if (
            count != header["count"]
            or len(loaded._keys) != tables
            or len(loaded._positions) != tables
        ):
            raise IndexFileError(f"{path}: the index does not match its header")
        return loaded


def _header_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")
