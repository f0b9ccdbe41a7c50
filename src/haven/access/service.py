"""Integration keys: made, checked and revoked. A key is ``hvn_<id>_<secret>``; the store keeps
SHA-256 of the whole key, which is enough for 256 random bits (a slow password hash guards
guessable secrets; these are not)."""

from __future__ import annotations

import hashlib
import re
import secrets
from urllib.parse import urlsplit

from haven.access.errors import InvalidKeyRequest, NotAuthenticated
from haven.access.interfaces import AccessStore
from haven.access.models import ApiKey, IssuedKey, Webhook
from haven.audit.models import AuditEvent

_PLATFORM = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")
_KEY = re.compile(r"hvn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def create_key(store: AccessStore, *, platform: str, name: str, actor: str) -> IssuedKey:
    if not _PLATFORM.fullmatch(platform):
        raise InvalidKeyRequest(
            f"platform {platform!r} must be lower-case letters, digits, '.', '_' or '-'"
            " (at most 100)",
            field="platform",
        )
    if not name or len(name) > 200 or not name.isprintable():
        raise InvalidKeyRequest("a key needs a name of 1-200 printable characters", field="name")
    key_id = secrets.token_hex(6)
    secret = f"hvn_{key_id}_{secrets.token_urlsafe(32)}"
    with store.transaction() as tx:
        key = ApiKey(key_id, platform, name, store.clock.now())
        tx.api_keys.add(key, _hash(secret))
        tx.audit.append(
            AuditEvent(
                "api_key", key_id, "api_key.created", actor, {"platform": platform, "name": name}
            )
        )
    return IssuedKey(key, secret)


def authenticate(store: AccessStore, secret: str | None) -> ApiKey:
    """The live key for this secret, or NotAuthenticated (the same message for every failure,
    so a caller learns nothing about which keys exist)."""
    if not secret or not _KEY.fullmatch(secret):
        raise NotAuthenticated("a valid API key is required (Authorization: Bearer hvn_…)")
    with store.transaction(write=False) as tx:
        key = tx.api_keys.by_hash(_hash(secret))
    if key is None or key.revoked_at is not None:
        raise NotAuthenticated("a valid API key is required (Authorization: Bearer hvn_…)")
    return key


def revoke_key(store: AccessStore, key_id: str, *, actor: str) -> ApiKey:
    with store.transaction() as tx:
        key = tx.api_keys.revoke(key_id, now=store.clock.now())
        if key is None:
            raise InvalidKeyRequest(f"no API key with id {key_id!r}", field="key_id")
        tx.audit.append(AuditEvent("api_key", key_id, "api_key.revoked", actor, {}))
    return key


def set_webhook(store: AccessStore, *, platform: str, url: str, actor: str) -> Webhook:
    """Point the platform's decision webhooks at ``url``; returns the new signing secret."""
    if not _PLATFORM.fullmatch(platform):
        raise InvalidKeyRequest(f"platform {platform!r} is not a platform name", field="platform")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(url) > 2000:
        raise InvalidKeyRequest("the webhook URL must be an http(s) URL", field="url")
    webhook = Webhook(platform, url, "whsec_" + secrets.token_urlsafe(32), store.clock.now())
    with store.transaction() as tx:
        tx.webhooks.set(webhook)
        tx.audit.append(AuditEvent("webhook", platform, "webhook.set", actor, {"url": url}))
    return webhook
