from __future__ import annotations

from haven.errors import HavenError, InputError


class InvalidSubmission(InputError):
    code = "invalid_submission"


class UnknownContent(HavenError):
    code = "unknown_content"
