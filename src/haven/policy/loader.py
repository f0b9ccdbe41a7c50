"""Loading a policy file: YAML, checked against ``policy.schema.json`` and the known signals."""

from __future__ import annotations

import json
import string
from collections.abc import Collection
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from haven.policy.errors import PolicyError
from haven.policy.model import Condition, Policy, Rule, Test, TreatmentSpec

DEFAULT_POLICY_FILE = "default.yaml"
# Policy files are small; anything larger is a mistake (or an attack on the YAML parser).
MAX_POLICY_BYTES = 1_000_000


@cache
def policy_schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("policy.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def default_policy_text() -> str:
    return resources.files(__package__).joinpath(DEFAULT_POLICY_FILE).read_text(encoding="utf-8")


def load_policy(
    path: str | Path | None = None, *, known_signals: Collection[str] | None = None
) -> Policy:
    """Load ``path`` (or the shipped default policy) and validate it completely.

    ``known_signals`` are the signal kinds the analyzers can emit; a rule that names another
    kind is rejected, so a typo cannot silently disable a rule.
    """
    if path is None:
        text, source = default_policy_text(), f"haven:{DEFAULT_POLICY_FILE}"
    else:
        text, source = _read(Path(path)), str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{source}: not valid YAML ({_one_line(exc)})", source=source) from exc
    return parse_policy(data, source=source, known_signals=known_signals)


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_POLICY_BYTES:
            raise PolicyError(f"{path}: policy file larger than {MAX_POLICY_BYTES} bytes")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PolicyError(f"{path}: policy file not found", source=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(
            f"{path}: cannot read policy file ({_one_line(exc)})", source=str(path)
        ) from exc


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _check_template(template: str, *, rule_id: str, source: str) -> None:
    """A reason template may name signal fields ({verdict}), nothing more."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise PolicyError(
            f"{source}: rule {rule_id!r} has a broken reason template ({exc}); write a literal"
            " brace as {{ or }}",
            source=source,
        ) from exc
    for name in fields:
        if not name.isidentifier():
            raise PolicyError(
                f"{source}: rule {rule_id!r}: reason field {{{name}}} must be a plain field name",
                source=source,
            )


def parse_policy(data: Any, *, source: str, known_signals: Collection[str] | None = None) -> Policy:
    try:
        jsonschema.validate(data, policy_schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise PolicyError(
            f"{source}: invalid policy at {where}: {exc.message}", source=source
        ) from exc
    rules = []
    seen: set[str] = set()
    for raw in data["rules"]:
        if raw["id"] in seen:
            raise PolicyError(f"{source}: rule id {raw['id']!r} is used twice", source=source)
        seen.add(raw["id"])
        when = raw["when"]
        if known_signals is not None and when["signal"] not in known_signals:
            raise PolicyError(
                f"{source}: rule {raw['id']!r} tests unknown signal {when['signal']!r}"
                f" (known: {', '.join(sorted(known_signals))})",
                source=source,
            )
        tests = [
            Test(f"attributes.{name}", op, value)
            for name, comparison in when.get("attributes", {}).items()
            for op, value in comparison.items()
        ]
        tests += [Test("confidence", op, value) for op, value in when.get("confidence", {}).items()]
        for treatment in raw["then"]:
            _check_template(treatment["reason"], rule_id=raw["id"], source=source)
        rules.append(
            Rule(
                id=raw["id"],
                description=raw.get("description", ""),
                when=Condition(signal=when["signal"], tests=tuple(tests)),
                then=tuple(
                    TreatmentSpec(t["treatment"], t["reason"], dict(t.get("params", {})))
                    for t in raw["then"]
                ),
            )
        )
    return Policy(
        name=data["policy"],
        version=str(data["version"]),
        description=data.get("description", ""),
        rules=tuple(rules),
        source=source,
    )
