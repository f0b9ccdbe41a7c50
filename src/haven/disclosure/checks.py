"""Checks of what researchers and staff type in: required, within its limit, and free of
control characters (PostgreSQL refuses NUL in text; the others only ever hide content)."""

from __future__ import annotations

import re

from haven.errors import InputError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab, newline, return
_LINE_BREAK = re.compile(r"[\t\n\r]")


def text(
    value: str | None,
    field: str,
    limit: int,
    error: type[InputError],
    *,
    multiline: bool,
    required: bool = True,
) -> str | None:
    """``value`` as kept: one-line fields stripped, multi-line ones as written. Empty optional
    fields become None; anything else wrong raises ``error`` naming ``field``."""
    if value is None or not value.strip():
        if required:
            raise error(f"{field} is required", field=field)
        return None
    if len(value) > limit:
        raise error(f"{field}: at most {limit} characters, got {len(value)}", field=field)
    if _CONTROL.search(value) or (not multiline and _LINE_BREAK.search(value.strip())):
        kind = "control characters" if multiline else "control characters or line breaks"
        raise error(f"{field} must not contain {kind}", field=field)
    return value if multiline else value.strip()
