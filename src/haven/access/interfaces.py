from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from haven.access.models import ApiKey
from haven.audit.interfaces import AuditLog
from haven.clock import Clock


class ApiKeys(Protocol):
    def add(self, key: ApiKey, secret_hash: str) -> None: ...

    def by_hash(self, secret_hash: str) -> ApiKey | None: ...

    def revoke(self, key_id: str, *, now: datetime) -> ApiKey | None: ...

    def all(self) -> list[ApiKey]: ...


class AccessTransaction(Protocol):
    api_keys: ApiKeys
    audit: AuditLog


class AccessStore(Protocol):
    clock: Clock

    def transaction(
        self, *, snapshot: bool = False
    ) -> AbstractContextManager[AccessTransaction]: ...
