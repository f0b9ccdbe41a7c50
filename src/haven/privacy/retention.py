"""Retention rules as versioned data (``retention.yaml``): how long each kind of personal data
is kept and why. Loading checks the file completely, so a purge never runs on a rule nobody
meant: every kind Haven knows needs a rule, and each kind's action is fixed here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from haven.privacy.errors import InvalidRetentionRules

DEFAULT_FILE = Path(__file__).with_name("retention.yaml")
MAX_DAYS = 3650
# Every kind of data a rule covers, with the one action the store can take on it.
KINDS: dict[str, str] = {
    "usage_events": "delete",
    "grants": "delete",
    "notices": "delete",
    "pairing_codes": "delete",
    "guess_attempts": "delete",
    "answered_time_requests": "delete",
    "ended_links": "delete",
    "notifier_identity": "anonymise",
    "removed_media": "delete",
    "evidence": "delete",
    "search_queries": "delete",
    "webhook_deliveries": "delete",
    "staff_sessions": "delete",
    "audit_entries": "keep",
}
_TEXTS = ("what", "why", "basis")


@dataclass(frozen=True)
class Rule:
    kind: str
    action: str  # delete | anonymise | keep
    days: int | None  # None for "keep"
    what: str
    why: str
    basis: str


@dataclass(frozen=True)
class RetentionRules:
    version: str
    rules: dict[str, Rule]
    source: str

    def purging(self) -> list[Rule]:
        """The rules the purge applies, in file order."""
        return [r for r in self.rules.values() if r.action != "keep"]


def _bad(source: str, message: str, **data: Any) -> InvalidRetentionRules:
    return InvalidRetentionRules(f"retention rules {source}: {message}", **data)


def _rule(source: str, kind: str, raw: Any) -> Rule:
    if not isinstance(raw, dict):
        raise _bad(source, f"the rule for {kind} must be a mapping", kind=kind)
    unknown = set(raw) - {"action", "days", *_TEXTS}
    if unknown:
        raise _bad(source, f"{kind} has unknown keys: {', '.join(sorted(unknown))}", kind=kind)
    if raw.get("action") != KINDS[kind]:
        raise _bad(source, f"{kind} can only be {KINDS[kind]!r}", kind=kind)
    days = raw.get("days")
    if KINDS[kind] == "keep":
        if days is not None:
            raise _bad(source, f"{kind} is kept: it takes no days", kind=kind)
    elif isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise _bad(source, f"{kind} needs days: a whole number from 1 to {MAX_DAYS}", kind=kind)
    for text in _TEXTS:
        if not isinstance(raw.get(text), str) or not raw[text].strip():
            raise _bad(source, f"{kind} needs {text!r}: say it in words", kind=kind)
    return Rule(kind, raw["action"], days, raw["what"], raw["why"], raw["basis"])


def parse_rules(raw: Any, *, source: str) -> RetentionRules:
    if not isinstance(raw, dict) or set(raw) != {"version", "rules"}:
        raise _bad(source, "must be a mapping of exactly version and rules")
    version = raw["version"]
    if not isinstance(version, str) or not version.strip():
        raise _bad(source, "version must be a non-empty string")
    rules = raw["rules"]
    if not isinstance(rules, dict):
        raise _bad(source, "rules must be a mapping of kind to rule")
    unknown = set(rules) - set(KINDS)
    if unknown:
        raise _bad(source, f"unknown kinds: {', '.join(sorted(unknown))}", unknown=sorted(unknown))
    missing = set(KINDS) - set(rules)
    if missing:
        raise _bad(source, f"no rule for: {', '.join(sorted(missing))}", missing=sorted(missing))
    return RetentionRules(
        version, {kind: _rule(source, kind, rules[kind]) for kind in rules}, source
    )


def load_rules(path: Path | None = None) -> RetentionRules:
    """The rules in ``path``, or Haven's own; ``InvalidRetentionRules`` says what is wrong."""
    path = path or DEFAULT_FILE
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise _bad(str(path), f"cannot be read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise _bad(str(path), f"is not valid YAML: {exc}") from None
    return parse_rules(raw, source=str(path))
