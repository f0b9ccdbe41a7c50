"""The root of Haven's typed errors.

Domain code raises these; only the shells (``cli.py`` now, ``api/`` later) turn them into exit
codes or HTTP statuses. Each error has a stable machine name in ``code`` and keeps its details in
``data`` so a shell can render them without parsing the message.
"""

from __future__ import annotations

from typing import Any, ClassVar


class HavenError(Exception):
    """Base class of every error Haven raises on purpose."""

    code: ClassVar[str] = "haven_error"

    def __init__(self, message: str, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.data = data

    def __str__(self) -> str:
        return self.message


class InputError(HavenError):
    """The caller gave Haven something it cannot use: a bad file, field or option."""

    code = "bad_input"
