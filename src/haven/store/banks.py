"""Banks in SQL: implements ``haven.banks.interfaces.BanksRepository`` with Core statements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from haven.banks.models import Bank, BankCategory, BankEntry, EntryKind
from haven.signals.hashes.video import from_lines, to_lines
from haven.store.tables import BankEntryRow, BankHashRow, BankIndexHeadRow, HashBankRow

_BANKS = HashBankRow.__table__
_ENTRIES = BankEntryRow.__table__
_HASHES = BankHashRow.__table__
_HEAD = BankIndexHeadRow.__table__
PAGE = 50_000


def _bank(row: Any, count: int = 0) -> Bank:
    return Bank(
        row.name, BankCategory(row.category), row.enabled_ratio, row.negative, row.created_at, count
    )


def _entry(row: Any) -> BankEntry:
    return BankEntry(
        row.id,
        row.bank,
        EntryKind(row.kind),
        row.value,
        row.label,
        row.source,
        row.added_at,
        row.disabled,
        tuple(from_lines(row.frames)) if row.frames else (),
    )


class SqlBanks:
    def __init__(self, session: Session) -> None:
        self._session = session

    def bank(self, name: str) -> Bank | None:
        row = self._session.execute(select(_BANKS).where(_BANKS.c.name == name)).first()
        return _bank(row) if row else None

    def put_bank(self, bank: Bank) -> None:
        values = {
            "category": bank.category.value,
            "enabled_ratio": bank.enabled_ratio,
            "negative": bank.negative,
            "created_at": bank.created_at,
        }
        changed = self._session.execute(
            update(_BANKS).where(_BANKS.c.name == bank.name).values(**values)
        )
        if changed.rowcount == 0:
            self._session.execute(insert(_BANKS).values(name=bank.name, **values))

    def banks(self) -> list[Bank]:
        counts = dict(
            self._session.execute(
                select(_ENTRIES.c.bank, func.count()).group_by(_ENTRIES.c.bank)
            ).all()
        )
        rows = self._session.execute(select(_BANKS).order_by(_BANKS.c.name))
        return [_bank(row, counts.get(row.name, 0)) for row in rows]

    def add_entry(self, entry: BankEntry) -> int | None:
        try:
            with self._session.begin_nested():
                result = self._session.execute(
                    insert(_ENTRIES).values(
                        bank=entry.bank,
                        kind=entry.kind.value,
                        value=entry.value,
                        label=entry.label,
                        source=entry.source[:300],
                        added_at=entry.added_at,
                        disabled=entry.disabled,
                        frames=to_lines(entry.frames) if entry.frames else None,
                    )
                )
        except IntegrityError:
            return None  # the bank already holds this hash
        return int(result.inserted_primary_key[0])

    def entries(self, bank: str) -> Iterator[BankEntry]:
        last = 0
        while True:
            rows = self._session.execute(
                select(_ENTRIES)
                .where(_ENTRIES.c.bank == bank, _ENTRIES.c.id > last)
                .order_by(_ENTRIES.c.id)
                .limit(1000)
            ).all()
            if not rows:
                return
            for row in rows:
                yield _entry(row)
            last = rows[-1].id

    def entries_by_id(self, ids: Sequence[int]) -> dict[int, BankEntry]:
        found: dict[int, BankEntry] = {}
        for start in range(0, len(ids), 500):
            rows = self._session.execute(
                select(_ENTRIES).where(_ENTRIES.c.id.in_(list(ids[start : start + 500])))
            )
            found.update({row.id: _entry(row) for row in rows})
        return found

    def entries_by_value(self, kind: EntryKind, value: str) -> list[BankEntry]:
        rows = self._session.execute(
            select(_ENTRIES).where(_ENTRIES.c.kind == kind.value, _ENTRIES.c.value == value)
        )
        return [_entry(row) for row in rows]

    def set_disabled(self, bank: str, entry_id: int, disabled: bool) -> bool:
        changed = self._session.execute(
            update(_ENTRIES)
            .where(_ENTRIES.c.bank == bank, _ENTRIES.c.id == entry_id)
            .values(disabled=disabled)
        )
        return changed.rowcount == 1

    def index_id(self) -> str:
        return str(
            self._session.execute(select(_HEAD.c.index_id).where(_HEAD.c.id == 1)).scalar_one()
        )

    def index_size(self) -> int:
        """Positions written so far (no lock: a reader's view)."""
        return int(
            self._session.execute(select(_HEAD.c.next_position).where(_HEAD.c.id == 1)).scalar_one()
        )

    def next_position(self) -> int:
        return int(
            self._session.execute(
                select(_HEAD.c.next_position).where(_HEAD.c.id == 1).with_for_update()
            ).scalar_one()
        )

    def add_index_rows(self, rows: Sequence[tuple[int, int, int, str]]) -> None:
        """Rows start at ``next_position()`` (read in this transaction, which holds its lock)."""
        if not rows:
            return
        self._session.execute(
            insert(_HASHES),
            [{"position": p, "entry": e, "frame": f, "hash": h} for p, e, f, h in rows],
        )
        self._session.execute(
            update(_HEAD).where(_HEAD.c.id == 1).values(next_position=rows[-1][0] + 1)
        )

    def index_rows(self, after: int) -> Iterator[tuple[int, int, int, str]]:
        last = after
        while True:
            rows = self._session.execute(
                select(_HASHES.c.position, _HASHES.c.entry, _HASHES.c.frame, _HASHES.c.hash)
                .where(_HASHES.c.position > last)
                .order_by(_HASHES.c.position)
                .limit(PAGE)
            ).all()
            if not rows:
                return
            for row in rows:
                yield (int(row[0]), int(row[1]), int(row[2]), str(row[3]))
            last = int(rows[-1][0])
