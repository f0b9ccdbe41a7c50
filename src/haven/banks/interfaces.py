"""The store the banks need, as Protocols; ``haven.store`` implements them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from haven.audit.interfaces import AuditLog
from haven.banks.models import Bank, BankEntry, EntryKind
from haven.clock import Clock


class BanksRepository(Protocol):
    def bank(self, name: str) -> Bank | None: ...
    def put_bank(self, bank: Bank) -> None: ...
    def banks(self) -> list[Bank]: ...
    def add_entry(self, entry: BankEntry) -> int | None:
        """Store the entry; its number, or None if the bank already holds that hash."""
        ...

    def entries(self, bank: str) -> Iterator[BankEntry]: ...
    def entries_by_id(self, ids: Sequence[int]) -> dict[int, BankEntry]: ...
    def entries_by_value(self, kind: EntryKind, value: str) -> list[BankEntry]: ...
    def set_disabled(self, bank: str, entry_id: int, disabled: bool) -> bool: ...
    def next_position(self) -> int: ...
    def add_index_rows(self, rows: Sequence[tuple[int, int, int, str]]) -> None:
        """(position, entry, frame, hash) rows: what each index position means."""
        ...

    def index_rows(self, after: int) -> Iterator[tuple[int, int, int, str]]: ...


class BanksTransaction(Protocol):
    banks: BanksRepository
    audit: AuditLog


class BanksStore(Protocol):
    clock: Clock

    def transaction(
        self, *, snapshot: bool = False, write: bool = True
    ) -> AbstractContextManager[BanksTransaction]: ...
