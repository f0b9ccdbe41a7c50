"""Resource hubs that information banners and search interventions link to (``hubs.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml


class UnknownHub(KeyError):
    pass


@dataclass(frozen=True)
class Hub:
    id: str
    title: str
    path: str
    languages: tuple[str, ...]
    reviewed_at: date
    sources: tuple[dict[str, str], ...]
    review_every_days: int

    def review_due(self, today: date | None = None) -> bool:
        return ((today or date.today()) - self.reviewed_at).days > self.review_every_days

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "path": self.path,
            "languages": list(self.languages),
            "reviewed_at": self.reviewed_at.isoformat(),
            "review_due": self.review_due(),
            "sources": list(self.sources),
        }


@cache
def all_hubs() -> dict[str, Hub]:
    data = yaml.safe_load(
        resources.files("haven.wellbeing").joinpath("hubs.yaml").read_text("utf-8")
    )
    every = int(data["review_every_days"])
    return {
        h["id"]: Hub(
            h["id"],
            h["title"],
            h["path"],
            tuple(h["languages"]),
            date.fromisoformat(str(h["reviewed_at"])),
            tuple(h["sources"]),
            every,
        )
        for h in data["hubs"]
    }


def hub(hub_id: str) -> Hub:
    try:
        return all_hubs()[hub_id]
    except KeyError:
        raise UnknownHub(f"no resource hub {hub_id!r}") from None
