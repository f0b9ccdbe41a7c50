from __future__ import annotations

from haven.errors import HavenError


class NoDecision(HavenError):
    code = "no_decision"


class NoStatement(HavenError):
    """The decision restricts nothing, so the user is owed no statement of reasons."""

    code = "no_statement"
