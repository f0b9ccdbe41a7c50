"""API keys in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.access.models import ApiKey
from haven.store.tables import ApiKeyRow


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(row.id, row.platform, row.name, row.created_at, row.revoked_at)


class SqlApiKeys:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, key: ApiKey, secret_hash: str) -> None:
        self._session.add(
            ApiKeyRow(
                id=key.id,
                platform=key.platform,
                name=key.name,
                secret_hash=secret_hash,
                created_at=key.created_at,
                revoked_at=key.revoked_at,
            )
        )
        self._session.flush()

    def by_hash(self, secret_hash: str) -> ApiKey | None:
        row = self._session.scalars(
            select(ApiKeyRow).where(ApiKeyRow.secret_hash == secret_hash)
        ).first()
        return _key(row) if row else None

    def revoke(self, key_id: str, *, now: datetime) -> ApiKey | None:
        row = self._session.get(ApiKeyRow, key_id, with_for_update=True)
        if row is None:
            return None
        if row.revoked_at is None:
            row.revoked_at = now
        return _key(row)

    def all(self) -> list[ApiKey]:
        return [
            _key(r) for r in self._session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at))
        ]
