"""Typed errors of the disclosure programme; ``api/`` maps them to HTTP statuses."""

from __future__ import annotations

from haven.errors import HavenError, InputError


class InvalidSecurityReport(InputError):
    """A researcher's submission that cannot be accepted: a field missing, too long, or with
    control characters. ``field`` names it."""

    code = "invalid_security_report"


class InvalidVector(InputError):
    """A CVSS vector the scoring library refuses; ``field`` and ``problem`` say why."""

    code = "invalid_cvss_vector"


class InvalidTriage(InputError):
    """A triage request that is malformed (a duplicate without the original, a message too
    long); the report is left as it was."""

    code = "invalid_triage"


class InvalidTransition(HavenError):
    """The report's state does not allow the move (``from_state`` → ``to_state``)."""

    code = "invalid_transition"


class UnknownSecurityReport(HavenError):
    """No report with this id, or (for researchers) not with this token: the same answer for
    both, so a wrong token does not confirm that an id exists."""

    code = "unknown_security_report"


class NotSecurityStaff(HavenError):
    code = "not_permitted"


class ProgrammeDataError(ValueError):
    """A shipped data file (SLA targets, rewards) is malformed: Haven refuses to use it."""
