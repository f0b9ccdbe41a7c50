from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from haven.access.models import ApiKey, StaffAccount, StaffToken, Webhook
from haven.audit.interfaces import AuditLog
from haven.clock import Clock


class ApiKeys(Protocol):
    def add(self, key: ApiKey, secret_hash: str) -> None: ...

    def by_hash(self, secret_hash: str) -> ApiKey | None: ...

    def revoke(self, key_id: str, *, now: datetime) -> ApiKey | None: ...

    def all(self) -> list[ApiKey]: ...


class Staff(Protocol):
    def add(self, account: StaffAccount, password_hash: str) -> None: ...

    def by_username(self, username: str) -> tuple[StaffAccount, str] | None:
        """The account and its password hash."""
        ...

    def get(self, staff_id: str) -> StaffAccount | None: ...

    def set_password_hash(self, staff_id: str, password_hash: str) -> None: ...

    def add_token(self, token: StaffToken, secret_hash: str) -> None: ...

    def token_by_hash(self, secret_hash: str) -> StaffToken | None: ...

    def revoke_token(self, token_id: str) -> None: ...


class Webhooks(Protocol):
    def set(self, webhook: Webhook) -> None: ...

    def get(self, platform: str) -> Webhook | None: ...


class AccessTransaction(Protocol):
    api_keys: ApiKeys
    webhooks: Webhooks
    staff: Staff
    audit: AuditLog


class AccessStore(Protocol):
    clock: Clock

    def transaction(
        self, *, snapshot: bool = False, write: bool = True
    ) -> AbstractContextManager[AccessTransaction]: ...
