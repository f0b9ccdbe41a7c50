"""API keys in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from haven.access.models import ApiKey, StaffAccount, StaffToken, Webhook
from haven.store.tables import ApiKeyRow, StaffRow, StaffTokenRow, WebhookRow


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
        # Core, not the ORM: every integration request looks its key up here.
        keys = ApiKeyRow.__table__
        row = self._session.execute(select(keys).where(keys.c.secret_hash == secret_hash)).first()
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


def _account(row: StaffRow) -> StaffAccount:
    return StaffAccount(row.id, row.username, row.role, row.created_at, row.disabled_at)


def _token(row: StaffTokenRow) -> StaffToken:
    return StaffToken(row.id, row.staff_id, row.created_at, row.expires_at, row.csrf)


class SqlStaff:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, account: StaffAccount, password_hash: str) -> None:
        self._session.add(
            StaffRow(
                id=account.id,
                username=account.username,
                role=account.role,
                password_hash=password_hash,
                created_at=account.created_at,
                disabled_at=account.disabled_at,
            )
        )
        self._session.flush()

    def by_username(self, username: str) -> tuple[StaffAccount, str] | None:
        row = self._session.scalars(select(StaffRow).where(StaffRow.username == username)).first()
        return (_account(row), row.password_hash) if row else None

    def get(self, staff_id: str) -> StaffAccount | None:
        row = self._session.get(StaffRow, staff_id)
        return _account(row) if row else None

    def set_password_hash(self, staff_id: str, password_hash: str) -> None:
        self._session.get_one(StaffRow, staff_id).password_hash = password_hash

    def add_token(self, token: StaffToken, secret_hash: str) -> None:
        self._session.add(
            StaffTokenRow(
                id=token.id,
                staff_id=token.staff_id,
                secret_hash=secret_hash,
                created_at=token.created_at,
                expires_at=token.expires_at,
                csrf=token.csrf,
            )
        )
        self._session.flush()

    def token_by_hash(self, secret_hash: str) -> StaffToken | None:
        row = self._session.scalars(
            select(StaffTokenRow).where(StaffTokenRow.secret_hash == secret_hash)
        ).first()
        return _token(row) if row else None

    def revoke_token(self, token_id: str) -> None:
        self._session.execute(delete(StaffTokenRow).where(StaffTokenRow.id == token_id))


class SqlWebhooks:
    def __init__(self, session: Session) -> None:
        self._session = session

    def set(self, webhook: Webhook) -> None:
        row = self._session.get(WebhookRow, webhook.platform)
        if row is None:
            self._session.add(
                WebhookRow(
                    platform=webhook.platform,
                    url=webhook.url,
                    secret=webhook.secret,
                    created_at=webhook.created_at,
                )
            )
        else:
            row.url, row.secret, row.created_at = webhook.url, webhook.secret, webhook.created_at
        self._session.flush()

    def get(self, platform: str) -> Webhook | None:
        row = self._session.get(WebhookRow, platform)
        return Webhook(row.platform, row.url, row.secret, row.created_at) if row else None
