"""Typed errors of the cases package; the shells map them to exit codes and HTTP statuses."""

from __future__ import annotations

from haven.errors import HavenError, InputError


class InvalidReport(InputError):
    code = "invalid_report"


class InvalidAppeal(InputError):
    code = "invalid_appeal"


class InvalidReview(InputError):
    code = "invalid_review"


class NoCase(HavenError):
    code = "no_case"


class CaseNotClaimable(HavenError):
    """Someone else holds the case, it is closed, or this reviewer may not take it."""

    code = "case_not_claimable"


class NotPermitted(HavenError):
    code = "not_permitted"
