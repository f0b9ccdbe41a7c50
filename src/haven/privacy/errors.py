"""Typed errors of the privacy package; the shells map them to exit codes and HTTP statuses."""

from __future__ import annotations

from haven.errors import HavenError, InputError


class InvalidSubject(InputError):
    """The person is not named in a form Haven accepts (platform, user id, email)."""

    code = "invalid_subject"


class UnknownSubject(HavenError):
    """Haven holds nothing about the person: never known, or already erased."""

    code = "unknown_subject"


class InvalidRetentionRules(InputError):
    """The retention rules file is missing a kind, names an unknown one, or gives a bad period:
    start-up stops rather than purge by a rule nobody meant."""

    code = "invalid_retention_rules"
