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
