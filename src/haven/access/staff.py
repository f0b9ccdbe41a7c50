"""Staff accounts and their tokens. Passwords are hashed with Argon2id (argon2-cffi's
defaults, rehashed when those change); a login gives a random bearer token for the API or a
console session with its CSRF token; only SHA-256 of a token is stored."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from haven.access.errors import InvalidStaffRequest, LoginFailed, NotAuthenticated
from haven.access.interfaces import AccessStore
from haven.access.models import IssuedToken, StaffAccount, StaffToken
from haven.access.roles import Reviewer, Role
from haven.audit.models import AuditEvent

TOKEN_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 12
_USERNAME = re.compile(r"[a-z][a-z0-9_.-]{1,49}")
_TOKEN = re.compile(r"hvs_[A-Za-z0-9_-]{43}")
_hasher = PasswordHasher()
# Verified when the username is unknown, so a failed login takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
_FAILED = "wrong username or password"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def create_staff(
    store: AccessStore, *, username: str, role: Role | str, password: str, actor: str
) -> StaffAccount:
    if not _USERNAME.fullmatch(username):
        raise InvalidStaffRequest(
            "username: 2-50 lower-case letters, digits, '.', '_', '-'", field="username"
        )
    try:
        role = Role(role)
    except ValueError:
        raise InvalidStaffRequest(
            f"role must be one of {', '.join(r.value for r in Role)}", field="role"
        ) from None
    if len(password) < MIN_PASSWORD or password.strip() != password:
        raise InvalidStaffRequest(
            f"a password needs at least {MIN_PASSWORD} characters and no"
            " leading or trailing spaces",
            field="password",
        )
    with store.transaction() as tx:
        if tx.staff.by_username(username) is not None:
            raise InvalidStaffRequest(f"username {username!r} is taken", field="username")
        account = StaffAccount(str(uuid.uuid4()), username, role.value, store.clock.now())
        tx.staff.add(account, _hasher.hash(password))
        tx.audit.append(
            AuditEvent(
                "staff",
                account.id,
                "staff.created",
                actor,
                {"username": username, "role": role.value},
            )
        )
    return account


def login(
    store: AccessStore, *, username: str, password: str, session: bool = False
) -> IssuedToken:
    """Check the password and issue a token (``session``: with a CSRF token, for the console)."""
    with store.transaction(write=False) as tx:
        found = tx.staff.by_username(username)
    account, stored = found if found else (None, _DUMMY_HASH)
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        raise LoginFailed(_FAILED) from None
    if account is None or account.disabled_at is not None:
        raise LoginFailed(_FAILED)
    secret = f"hvs_{secrets.token_urlsafe(32)}"
    now = store.clock.now()
    token = StaffToken(
        str(uuid.uuid4()),
        account.id,
        now,
        now + TOKEN_LIFETIME,
        secrets.token_urlsafe(32) if session else None,
    )
    with store.transaction() as tx:
        if _hasher.check_needs_rehash(stored):
            tx.staff.set_password_hash(account.id, _hasher.hash(password))
        tx.staff.add_token(token, _digest(secret))
        tx.audit.append(
            AuditEvent("staff", account.id, "staff.login", account.actor, {"session": session})
        )
    return IssuedToken(token, account, secret)


def authenticate_staff(store: AccessStore, secret: str | None) -> tuple[StaffAccount, StaffToken]:
    message = "a valid staff token is required (log in at /v1/staff/login)"
    if not secret or not _TOKEN.fullmatch(secret):
        raise NotAuthenticated(message)
    with store.transaction(write=False) as tx:
        token = tx.staff.token_by_hash(_digest(secret))
        account = tx.staff.get(token.staff_id) if token else None
    if token is None or account is None or account.disabled_at is not None:
        raise NotAuthenticated(message)
    if token.expires_at <= store.clock.now():
        raise NotAuthenticated("the staff token has expired; log in again")
    return account, token


def logout(store: AccessStore, token: StaffToken, account: StaffAccount) -> None:
    with store.transaction() as tx:
        tx.staff.revoke_token(token.id)
        tx.audit.append(AuditEvent("staff", account.id, "staff.logout", account.actor, {}))


def reviewer(account: StaffAccount) -> Reviewer:
    return Reviewer(account.actor, Role(account.role))
