"""Managing banks: add media files, import and export CSV, enable gradually, mark negative,
disable entries. Each call owns its transaction; every change is audited. Hashes are written
with their index positions; the matcher adds new positions to its index (nothing rebuilt)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from haven.audit.models import AuditEvent
from haven.banks.errors import InvalidBankRequest, UnknownBank
from haven.banks.interfaces import BanksStore, BanksTransaction
from haven.banks.models import BANK_NAME, Bank, BankCategory, BankEntry, EntryKind
from haven.media import MediaSource
from haven.signals.hashes.analyzer import HashesAnalyzer
from haven.signals.hashes.matching import MediaHashes
from haven.signals.hashes.pdq import check_hex
from haven.signals.hashes.video import FrameHash

# Banked pictures and frames are also indexed cropped to these shares of each side, so an
# upload cropped by up to about 10 % still lies within distance 31 of one of them.
INDEX_CROPS = (0.95, 0.9)
CSV_COLUMNS = ("signal_type", "signal", "label")
CSV_TYPES = {
    "pdq": EntryKind.PDQ,
    "md5": EntryKind.MD5,
    "video_md5": EntryKind.MD5,
    "sha256": EntryKind.SHA256,
}
_DIGEST = {
    EntryKind.MD5: re.compile(r"[0-9a-f]{32}"),
    EntryKind.SHA256: re.compile(r"[0-9a-f]{64}"),
}
MAX_LABEL = 200


def check_bank_name(name: str) -> str:
    if not isinstance(name, str) or not re.fullmatch(BANK_NAME, name):
        raise InvalidBankRequest(
            f"bank name {name!r}: 2-64 capital letters, digits and underscores, from a letter",
            field="bank",
        )
    return name


def _ensure_bank(
    tx: BanksTransaction, name: str, category: BankCategory | None, now: Any, actor: str
) -> Bank:
    bank = tx.banks.bank(name)
    if bank is None:
        bank = Bank(name, category or BankCategory.OTHER, 1.0, False, now)
        tx.banks.put_bank(bank)
        tx.audit.append(
            AuditEvent("bank", name, "bank.created", actor, {"category": bank.category.value})
        )
    elif category is not None and category is not bank.category:
        raise InvalidBankRequest(
            f"bank {name} holds {bank.category.value}, not {category.value}", field="category"
        )
    return bank


def hash_media(
    path: Path, *, crops: Sequence[float] = INDEX_CROPS
) -> tuple[MediaHashes, list[list[FrameHash]]]:
    """The hashes of a picture or video file, and its frames' crop variants."""
    with MediaSource(path) as source:
        output = HashesAnalyzer(crops=crops).analyze(source)
    return output.artifacts["media_hashes"], output.artifacts["crops"]


def _index_rows(
    entry: int, frames: Sequence[FrameHash], crops: Sequence[Sequence[FrameHash]], first: int
) -> list[tuple[int, int, int, str]]:
    rows: list[tuple[int, int, int, str]] = []
    for number, frame in enumerate(frames):
        for variant in (frame, *(c[number] for c in crops)):
            rows.append((first + len(rows), entry, number, variant.hash))
    return rows


def add_media(
    store: BanksStore,
    *,
    bank: str,
    paths: Sequence[Path],
    category: BankCategory | None = None,
    label: str = "",
    actor: str,
) -> list[BankEntry]:
    """Hash each file (a picture or a video) and add it to the bank, with its MD5 and SHA-256.
    Every file is hashed before anything is written: one bad file adds nothing."""
    check_bank_name(bank)
    if len(label) > MAX_LABEL:
        raise InvalidBankRequest(f"label: at most {MAX_LABEL} characters", field="label")
    hashed = []
    for path in paths:
        hashes, crops = hash_media(Path(path))
        if not hashes.orientations[0]:
            raise InvalidBankRequest(f"{path}: no picture to hash (an audio file?)", field="file")
        hashed.append((Path(path), hashes, crops))
    now = store.clock.now()
    added: list[BankEntry] = []
    with store.transaction() as tx:
        _ensure_bank(tx, bank, category, now, actor)
        for path, hashes, crops in hashed:
            frames = hashes.orientations[0]
            kind = EntryKind.PDQ if hashes.still else EntryKind.VIDEO
            perceptual = BankEntry(
                0,
                bank,
                kind,
                # A picture is its hash; a video, its file: two videos can share a first frame.
                frames[0].hash if kind is EntryKind.PDQ else hashes.sha256,
                label,
                path.name,
                now,
                frames=tuple(frames) if kind is EntryKind.VIDEO else (),
            )
            number = tx.banks.add_entry(perceptual)
            if number is not None:
                tx.banks.add_index_rows(
                    _index_rows(number, frames, crops, tx.banks.next_position())
                )
                added.append(replace(perceptual, id=number))
            for exact_kind, digest in (
                (EntryKind.MD5, hashes.md5),
                (EntryKind.SHA256, hashes.sha256),
            ):
                exact = BankEntry(0, bank, exact_kind, digest, label, path.name, now)
                exact_number = tx.banks.add_entry(exact)
                if exact_number is not None:
                    added.append(replace(exact, id=exact_number))
        tx.audit.append(
            AuditEvent(
                "bank",
                bank,
                "bank.entries_added",
                actor,
                {"entries": [e.id for e in added], "files": [p.name for p, _, _ in hashed]},
            )
        )
    return added


def _rows(reader: Any) -> Any:
    """The reader's rows numbered from 2; a malformed row is refused with its number."""
    number = 1
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidBankRequest(f"row {number}: {exc}", field="file", row=number) from None
        yield number, row


def parse_csv(text: str) -> list[tuple[EntryKind, str, str]]:
    """Rows of ``signal_type,signal[,label]`` (a header row first), as ThreatExchange and HMA
    name signal types: pdq, md5, video_md5, sha256. Every bad row is refused with its number."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))  # a spreadsheet's BOM
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise InvalidBankRequest(f"row 1: {exc}", field="file") from None
    if header[:2] != ["signal_type", "signal"]:
        raise InvalidBankRequest(
            "the CSV must start with the header signal_type,signal[,label]", field="file"
        )
    rows = []
    for number, row in _rows(reader):
        if not row or not "".join(row).strip():
            continue
        try:
            kind = CSV_TYPES[row[0].strip().lower()]
            value = row[1].strip().lower()
            if kind is EntryKind.PDQ:
                value = check_hex(value)
            elif not _DIGEST[kind].fullmatch(value):
                raise ValueError(f"{value!r} is not a {kind.value} digest")
            label = row[2].strip() if len(row) > 2 else ""
            if len(label) > MAX_LABEL:
                raise ValueError("label too long")
        except (KeyError, IndexError, ValueError) as exc:
            raise InvalidBankRequest(f"row {number}: {exc}", field="file", row=number) from None
        rows.append((kind, value, label))
    if not rows:
        raise InvalidBankRequest("the CSV has no rows", field="file")
    return rows


def import_csv(
    store: BanksStore,
    *,
    bank: str,
    text: str,
    source: str,
    category: BankCategory | None = None,
    actor: str,
) -> int:
    """Import hashes from CSV, all or nothing; the number of new entries."""
    check_bank_name(bank)
    rows = parse_csv(text)
    now = store.clock.now()
    new = 0
    with store.transaction() as tx:
        _ensure_bank(tx, bank, category, now, actor)
        pictures: list[tuple[int, str]] = []
        for kind, value, label in rows:
            number = tx.banks.add_entry(BankEntry(0, bank, kind, value, label, source, now))
            if number is None:
                continue
            new += 1
            if kind is EntryKind.PDQ:
                pictures.append((number, value))
        first = tx.banks.next_position()
        tx.banks.add_index_rows(
            [(first + n, number, 0, value) for n, (number, value) in enumerate(pictures)]
        )
        tx.audit.append(
            AuditEvent(
                "bank",
                bank,
                "bank.imported",
                actor,
                {"rows": len(rows), "new": new, "source": source},
            )
        )
    return new


def export_csv(store: BanksStore, *, bank: str) -> str:
    """The bank as CSV (pdq, md5, sha256 rows; a video is exported by its exact digests)."""
    with store.transaction(write=False) as tx:
        if tx.banks.bank(check_bank_name(bank)) is None:
            raise UnknownBank(f"no bank {bank!r}", bank=bank)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for entry in tx.banks.entries(bank):
            if entry.kind is not EntryKind.VIDEO and not entry.disabled:
                writer.writerow((entry.kind.value, entry.value, entry.label))
    return out.getvalue()


def configure(
    store: BanksStore,
    *,
    bank: str,
    enabled_ratio: float | None = None,
    negative: bool | None = None,
    actor: str,
) -> Bank:
    """Enable a bank gradually (the share of its entries that match) or mark it negative."""
    if enabled_ratio is not None and not 0.0 <= enabled_ratio <= 1.0:
        raise InvalidBankRequest("enabled_ratio must be between 0 and 1", field="enabled_ratio")
    with store.transaction() as tx:
        found = tx.banks.bank(check_bank_name(bank))
        if found is None:
            raise UnknownBank(f"no bank {bank!r}", bank=bank)
        updated = replace(
            found,
            enabled_ratio=found.enabled_ratio if enabled_ratio is None else enabled_ratio,
            negative=found.negative if negative is None else negative,
        )
        tx.banks.put_bank(updated)
        tx.audit.append(
            AuditEvent(
                "bank",
                bank,
                "bank.configured",
                actor,
                {"enabled_ratio": updated.enabled_ratio, "negative": updated.negative},
            )
        )
    return updated


def set_entry_disabled(
    store: BanksStore, *, bank: str, entry: int, disabled: bool, actor: str
) -> None:
    with store.transaction() as tx:
        if not tx.banks.set_disabled(check_bank_name(bank), entry, disabled):
            raise UnknownBank(f"bank {bank} has no entry {entry}", bank=bank, entry=entry)
        tx.audit.append(
            AuditEvent(
                "bank",
                bank,
                "bank.entry_disabled" if disabled else "bank.entry_enabled",
                actor,
                {"entry": entry},
            )
        )


def list_banks(store: BanksStore) -> list[Bank]:
    with store.transaction(write=False) as tx:
        return tx.banks.banks()
