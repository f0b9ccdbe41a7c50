from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ApiKey:
    """An integration key: it acts for one platform. Only a hash of the secret is stored."""

    id: str
    platform: str
    name: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def actor(self) -> str:
        return f"key:{self.id}"


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # shown once, when the key is made


@dataclass(frozen=True)
class StaffAccount:
    """A person who works in Haven: a moderator, a specialist, an administrator."""

    id: str
    username: str
    role: str  # a haven.access.roles.Role value
    created_at: datetime
    disabled_at: datetime | None = None

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.username}"


@dataclass(frozen=True)
class StaffToken:
    id: str
    staff_id: str
    created_at: datetime
    expires_at: datetime
    csrf: str | None = None  # set for console sessions: forms must echo it


@dataclass(frozen=True)
class IssuedToken:
    token: StaffToken
    account: StaffAccount
    secret: str  # shown once


@dataclass(frozen=True)
class Webhook:
    """Where a platform hears about decisions. The secret signs every delivery (HMAC-SHA256);
    it is kept as given, because signing needs it (protect the database accordingly)."""

    platform: str
    url: str
    secret: str
    created_at: datetime
