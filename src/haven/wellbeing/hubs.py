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
    kind: str = "hub"  # hub, portal (guides) or collection (creators who opted in)
    sections: tuple[dict[str, str], ...] = ()
    members: tuple[dict[str, str], ...] = ()

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
            "kind": self.kind,
            **({"sections": list(self.sections)} if self.sections else {}),
            **({"members": list(self.members)} if self.members else {}),
        }


@cache
def all_hubs() -> dict[str, Hub]:
    data = yaml.safe_load(
        resources.files("haven.wellbeing").joinpath("hubs.yaml").read_text("utf-8")
    )
    every = int(data["review_every_days"])
    hubs = {}
    for h in data["hubs"]:
        members = tuple(
            {"creator_id": str(m["creator_id"]), "opted_in_at": str(m["opted_in_at"])}
            for m in h.get("members", [])
        )
        for member in members:
            # A collection lists a creator only with the date they opted in.
            date.fromisoformat(member["opted_in_at"])
        hubs[h["id"]] = Hub(
            h["id"],
            h["title"],
            h["path"],
            tuple(h["languages"]),
            date.fromisoformat(str(h["reviewed_at"])),
            tuple(h["sources"]),
            every,
            str(h.get("kind", "hub")),
            tuple(h.get("sections", [])),
            members,
        )
    return hubs


def hub(hub_id: str) -> Hub:
    try:
        return all_hubs()[hub_id]
    except KeyError:
        raise UnknownHub(f"no resource hub {hub_id!r}") from None
