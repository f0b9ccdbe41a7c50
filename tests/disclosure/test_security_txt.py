"""security.txt (RFC 9116): the required fields, Expires always less than a year ahead, and
addresses that are not https (or mailto/tel for Contact) refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from haven.disclosure.security_txt import InvalidSecurityTxt, SecurityTxt, expires

NOW = datetime(2026, 3, 29, 17, 45, tzinfo=UTC)
BASE = "https://haven.example"


def _txt(**changes: object) -> SecurityTxt:
    fields: dict[str, object] = {
        "contacts": ("mailto:security@example.org", f"{BASE}/security/report"),
        "expires": expires(NOW),
        "policy": f"{BASE}/security/policy",
        "acknowledgments": f"{BASE}/security/acknowledgements",
        "canonical": f"{BASE}/.well-known/security.txt",
        "languages": ("en", "fr"),
    }
    return SecurityTxt(**{**fields, **changes})  # type: ignore[arg-type]


def test_the_file_has_every_field() -> None:
    assert _txt().render() == (
        "Contact: mailto:security@example.org\n"
        "Contact: https://haven.example/security/report\n"
        "Expires: 2027-03-28T00:00:00Z\n"
        "Acknowledgments: https://haven.example/security/acknowledgements\n"
        "Preferred-Languages: en, fr\n"
        "Canonical: https://haven.example/.well-known/security.txt\n"
        "Policy: https://haven.example/security/policy\n"
    )


@pytest.mark.parametrize("hour", [0, 1, 12, 23])
def test_expires_is_less_than_a_year_ahead_all_day(hour: int) -> None:
    now = datetime(2028, 2, 29, hour, 59, 59, tzinfo=UTC)  # a leap day, too
    assert now < expires(now) < now + timedelta(days=365)
    assert expires(now) == expires(now.replace(hour=0, minute=0, second=0))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contacts": ()}, "at least one Contact"),
        ({"contacts": ("http://insecure.example",)}, "Contact"),
        ({"contacts": ("mailto:a@b.example\nExpires: never",)}, "Contact"),
        ({"policy": "http://haven.example/policy"}, "Policy"),
        ({"canonical": "ftp://haven.example"}, "Canonical"),
        ({"acknowledgments": "https://x.example/\r\nContact: evil"}, "Acknowledgments"),
    ],
)
def test_unsafe_addresses_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidSecurityTxt, match=message):
        _txt(**changes)
