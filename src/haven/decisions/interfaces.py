from __future__ import annotations

from typing import Any, Protocol

from haven.decisions.models import Decision


class DecisionsStore(Protocol):
    def add(self, decision: Decision) -> None:
        """Store a decision; a second decision from the same job is refused by the store."""
        ...

    def get(self, decision_id: str) -> Decision:
        """The decision; ``NoDecision`` if there is none."""
        ...

    def latest(self, content_id: str) -> Decision | None: ...

    def history(self, content_id: str) -> list[Decision]: ...

    def add_evidence(self, decision_id: str, content_id: str, report: dict[str, Any]) -> None:
        """Keep what an automated decision was made from (a scan report or a text check)."""
        ...

    def evidence(self, content_id: str) -> dict[str, Any] | None:
        """The evidence of the content's latest decision that has any."""
        ...
