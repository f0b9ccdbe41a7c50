"""The ``security.txt`` file (RFC 9116) that tells researchers where to report.

``Expires`` is required; it is set 364 days after the start of the current UTC day: always
less than a year ahead (the RFC's recommendation) and the same all day, so caches agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from haven.errors import InputError

PATH = "/.well-known/security.txt"
LIFETIME = timedelta(days=364)
CONTACT_SCHEMES = ("https://", "mailto:", "tel:")  # RFC 9116 §2.5.3


class InvalidSecurityTxt(InputError):
    code = "invalid_security_txt"


def expires(now: datetime) -> datetime:
    start_of_day = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    return start_of_day + LIFETIME


@dataclass(frozen=True)
class SecurityTxt:
    contacts: tuple[str, ...]  # in order of preference
    expires: datetime  # UTC
    policy: str
    acknowledgments: str  # the RFC's spelling
    canonical: str
    languages: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.contacts:
            raise InvalidSecurityTxt("security.txt needs at least one Contact")
        for contact in self.contacts:
            if not contact.startswith(CONTACT_SCHEMES) or any(c in contact for c in "\r\n"):
                raise InvalidSecurityTxt(f"Contact {contact!r}: an https://, mailto: or tel: URI")
        for name, uri in (
            ("Policy", self.policy),
            ("Acknowledgments", self.acknowledgments),
            ("Canonical", self.canonical),
        ):
            if not uri.startswith("https://") or any(c in uri for c in "\r\n"):
                raise InvalidSecurityTxt(f"{name} {uri!r}: an https:// URI")

    def render(self) -> str:
        lines = [f"Contact: {contact}" for contact in self.contacts]
        lines += [
            f"Expires: {self.expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
            f"Acknowledgments: {self.acknowledgments}",
            f"Preferred-Languages: {', '.join(self.languages)}",
            f"Canonical: {self.canonical}",
            f"Policy: {self.policy}",
        ]
        return "\n".join(lines) + "\n"
