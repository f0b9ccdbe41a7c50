"""Errors for policy files that cannot be used."""

from haven.errors import InputError


class PolicyError(InputError):
    """The policy file is missing, unreadable, not YAML, or breaks the policy schema."""

    code = "bad_policy"
