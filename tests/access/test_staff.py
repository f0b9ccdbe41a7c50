"""Staff accounts on both databases: Argon2id passwords, tokens that expire and can be revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from haven.access.errors import InvalidStaffRequest, LoginFailed, NotAuthenticated
from haven.access.roles import Role
from haven.access.staff import TOKEN_LIFETIME, authenticate_staff, create_staff, login, logout
from haven.clock import FixedClock
from haven.store.transactions import SqlStore

PASSWORD = "correct horse battery"


def test_create_login_authenticate_logout(store: SqlStore, clock: FixedClock) -> None:
    account = create_staff(
        store, username="alice", role=Role.MODERATOR, password=PASSWORD, actor="operator:test"
    )
    with store.transaction() as tx:
        _, stored = tx.staff.by_username("alice")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    issued = login(store, username="alice", password=PASSWORD)
    assert issued.secret.startswith("hvs_") and issued.token.csrf is None
    found, token = authenticate_staff(store, issued.secret)
    assert found == account and token.id == issued.token.id
    assert login(store, username="alice", password=PASSWORD, session=True).token.csrf
    logout(store, token, account)
    with pytest.raises(NotAuthenticated):
        authenticate_staff(store, issued.secret)


def test_tokens_expire(store: SqlStore, clock: FixedClock) -> None:
    create_staff(store, username="bob", role="triage", password=PASSWORD, actor="operator:t")
    issued = login(store, username="bob", password=PASSWORD)
    clock.advance(TOKEN_LIFETIME + timedelta(seconds=1))
    with pytest.raises(NotAuthenticated, match="expired"):
        authenticate_staff(store, issued.secret)


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrong password!!"), ("nobody", PASSWORD), ("alice", "")],
)
def test_failed_logins_say_the_same_thing(store: SqlStore, username: str, password: str) -> None:
    create_staff(store, username="alice", role="admin", password=PASSWORD, actor="operator:t")
    with pytest.raises(LoginFailed, match=r"^wrong username or password$"):
        login(store, username=username, password=password)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "Alice!"}, "username"),
        ({"role": "superuser"}, "role"),
        ({"password": "short"}, "password"),
        ({"password": " padded password "}, "password"),
    ],
)
def test_bad_accounts_are_refused(store: SqlStore, changes: dict[str, str], field: str) -> None:
    fields = {"username": "carol", "role": "moderator", "password": PASSWORD, **changes}
    with pytest.raises(InvalidStaffRequest) as raised:
        create_staff(store, actor="operator:t", **fields)  # type: ignore[arg-type]
    assert raised.value.data["field"] == field
    with store.transaction() as tx:
        assert list(tx.audit.entries()) == []


def test_usernames_are_unique(store: SqlStore) -> None:
    create_staff(store, username="dana", role="moderator", password=PASSWORD, actor="operator:t")
    with pytest.raises(InvalidStaffRequest, match="taken"):
        create_staff(store, username="dana", role="admin", password=PASSWORD, actor="operator:t")


@pytest.mark.parametrize("secret", [None, "", "hvs_short", "Bearer x", "hvs_" + "a" * 43])
def test_bad_tokens_are_refused(store: SqlStore, secret: str | None) -> None:
    with pytest.raises(NotAuthenticated):
        authenticate_staff(store, secret)
