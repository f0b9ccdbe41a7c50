"""The well-being service's typed errors."""

from __future__ import annotations

from haven.errors import HavenError, InputError


class InvalidWellbeingRequest(InputError):
    code = "invalid_wellbeing_request"


class UnknownUser(HavenError):
    code = "unknown_user"


class NotPaired(HavenError):
    """The users are not linked by Family Pairing (or not in the roles the call needs)."""

    code = "not_paired"


class PairingRefused(HavenError):
    """A code that is wrong, expired, used, or tried too often."""

    code = "pairing_refused"


class TooManyAttempts(HavenError):
    code = "too_many_attempts"


class UnknownResource(HavenError):
    code = "not_found"
