from __future__ import annotations

from haven.errors import HavenError


class NoDecision(HavenError):
    code = "no_decision"
