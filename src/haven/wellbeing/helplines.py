"""Helplines to show before search results, chosen for the searcher's country.

The data (``helplines.json`` beside this module) is managed content with a source and a
verification date per record: the CC0 open-helplines data set, plus a few long-standing
numbers (the EU's harmonised 116 123 and 116 111, 988 in the US and Canada, Samaritans and
Shout in the UK). Display rules, from TikTok's and ThroughLine's practice (see
``../shared/reference/wellbeing-youth.md``, section 5):

* the searcher's country first; an EU country without its own record gets the EU-wide
  harmonised numbers; elsewhere, the emergency number advice and findahelpline.com;
* free, 24/7 lines first; for a minor, lines for young people first;
* a record whose verification is older than 24 months is not shown;
* numbers are shown exactly as recorded, never paraphrased.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

# Categories of helpline that answer each harm category of a search.
TOPICS = {
    "self_harm_suicide": ("suicide_prevention", "mental_health", "general_crisis", "youth"),
    "eating_disorders": ("eating_disorders", "mental_health", "general_crisis", "youth"),
}
MAX_AGE_DAYS = 730
EU_COUNTRIES = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
})  # fmt: skip
FALLBACK_LINK = "https://findahelpline.com"


@dataclass(frozen=True)
class Helpline:
    id: str
    country: str
    name: str
    category: str
    contacts: tuple[dict[str, Any], ...]
    youth: bool
    website: str | None
    verified_at: date
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "country": self.country,
            "name": self.name,
            "category": self.category,
            "contacts": list(self.contacts),
            "youth": self.youth,
            "website": self.website,
            "verified_at": self.verified_at.isoformat(),
            "source": self.source,
        }

    def always_open_and_free(self) -> bool:
        return any(c.get("hours") == "24/7" and c.get("free", False) for c in self.contacts)


@cache
def all_helplines() -> tuple[Helpline, ...]:
    data = json.loads(
        resources.files("haven.wellbeing").joinpath("helplines.json").read_text("utf-8")
    )
    return tuple(
        Helpline(
            id=str(r["id"]),
            country=str(r["country"]).upper(),
            name=str(r["name"]),
            category=str(r["category"]),
            contacts=tuple(r["contacts"]),
            youth=bool(r.get("youth", False)),
            website=r.get("website"),
            verified_at=date.fromisoformat(str(r["verified_at"])),
            source=str(r["source"]),
        )
        for r in data["records"]
    )


@dataclass(frozen=True)
class HelplineAnswer:
    country: str | None
    helplines: list[Helpline]
    advice: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "helplines": [h.as_dict() for h in self.helplines],
            "advice": self.advice,
        }


def helplines_for(
    country: str | None, topic: str = "self_harm_suicide", *, minor: bool = False,
    today: date | None = None,
) -> HelplineAnswer:  # fmt: skip
    """The helplines to show a searcher in ``country`` (ISO 3166-1 alpha-2) for ``topic``."""
    today = today or date.today()
    wanted = TOPICS.get(topic, TOPICS["self_harm_suicide"])
    code = country.upper() if country else None
    fresh = [h for h in all_helplines() if (today - h.verified_at).days <= MAX_AGE_DAYS]
    mine = [h for h in fresh if h.country == code and h.category in wanted]
    if not mine and code in EU_COUNTRIES:
        mine = [h for h in fresh if h.country == "EU"]
    mine.sort(
        key=lambda h: (
            h.youth != minor,  # youth lines first for a minor, last for an adult
            h.category != wanted[0],
            not h.always_open_and_free(),
            h.name,
        )
    )
    if mine:
        advice = "If you are in danger now, call your local emergency number."
    else:
        advice = (
            "If you are in danger now, call your local emergency number. Find a free, confidential"
            f" helpline in your country at {FALLBACK_LINK}."
        )
    return HelplineAnswer(code, mine[:4], advice)
