"""The age-appropriate defaults table (``defaults.yaml``): one value per age band for every
rule, each with its sources; loaded once and checked on load."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from haven.wellbeing.ages import AgeBand


class DefaultsError(ValueError):
    """The shipped defaults table is malformed: Haven refuses to start on it."""


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str


@dataclass(frozen=True)
class Rule:
    id: str
    meaning: str
    values: dict[AgeBand, Any]
    sources: tuple[Source, ...]
    note: str = ""

    def value(self, band: AgeBand) -> Any:
        return self.values[band]

    @property
    def source_keys(self) -> tuple[str, ...]:
        return tuple(source.key for source in self.sources)

    def as_dict(self, band: AgeBand | None = None) -> dict[str, Any]:
        shown: dict[str, Any] = {"id": self.id, "meaning": self.meaning}
        if band is None:
            shown["values"] = {b.value: v for b, v in self.values.items()}
        else:
            shown["value"] = self.values[band]
        shown["sources"] = [{"key": s.key, "title": s.title, "url": s.url} for s in self.sources]
        if self.note:
            shown["note"] = self.note
        return shown


@dataclass(frozen=True)
class Defaults:
    version: str
    rules: dict[str, Rule]

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def value(self, rule_id: str, band: AgeBand) -> Any:
        return self.rules[rule_id].values[band]


def parse_defaults(data: dict[str, Any]) -> Defaults:
    """Build and check the table: every rule has a value for every band and cites known
    sources."""
    try:
        sources = {
            key: Source(key, str(entry["title"]), str(entry["url"]))
            for key, entry in data["sources"].items()
        }
        rules: dict[str, Rule] = {}
        for rule_id, entry in data["rules"].items():
            raw = entry["values"]
            missing = [band.value for band in AgeBand if band.value not in raw]
            if missing:
                raise DefaultsError(f"rule {rule_id}: no value for {', '.join(missing)}")
            unknown = [key for key in entry["sources"] if key not in sources]
            if unknown or not entry["sources"]:
                raise DefaultsError(f"rule {rule_id}: unknown or missing sources {unknown}")
            rules[rule_id] = Rule(
                rule_id,
                str(entry["meaning"]),
                {band: raw[band.value] for band in AgeBand},
                tuple(sources[key] for key in entry["sources"]),
                str(entry.get("note", "")),
            )
        return Defaults(str(data["version"]), rules)
    except (KeyError, TypeError, AttributeError) as exc:
        raise DefaultsError(f"the defaults table is malformed: {exc!r}") from None


@cache
def defaults() -> Defaults:
    text = resources.files("haven.wellbeing").joinpath("defaults.yaml").read_text("utf-8")
    return parse_defaults(yaml.safe_load(text))
