"""Haven's settings: one validated object, built by the entry point that needs it, never at import.

Sources, later ones winning: the defaults; a YAML file named by ``--config`` or ``HAVEN_CONFIG``;
environment variables (``HAVEN_DATABASE_URL``). The documented keys are in ``docs/service.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from haven.datadir import data_dir
from haven.errors import InputError

SQLITE_FILE = "haven.sqlite3"
_SCHEMES = {
    "sqlite": "sqlite",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
}
KNOWN_KEYS = {"database_url"}


class SettingsError(InputError):
    code = "invalid_settings"


@dataclass(frozen=True)
class Settings:
    database_url: str

    @property
    def database_kind(self) -> str:
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"


def normalise_database_url(url: str) -> str:
    """Accept ``sqlite:///path``, ``postgresql://…`` and ``postgres://…``; PostgreSQL goes
    through psycopg 3. Anything else is refused with the forms Haven accepts."""
    scheme = urlsplit(url).scheme
    if scheme not in _SCHEMES:
        raise SettingsError(
            f"database URL scheme {scheme or '(none)'!r} is not supported: use"
            " sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE",
            scheme=scheme,
        )
    if scheme == "sqlite" and not url.startswith("sqlite:///"):
        raise SettingsError("an SQLite URL needs a file path: sqlite:///PATH")
    return _SCHEMES[scheme] + url[len(scheme) :]


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / SQLITE_FILE}"


def load_settings(
    config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    config_file = config_file or (
        Path(environ["HAVEN_CONFIG"]) if environ.get("HAVEN_CONFIG") else None
    )
    if config_file is not None:
        try:
            loaded = yaml.safe_load(config_file.read_text("utf-8")) or {}
        except OSError as exc:
            raise SettingsError(
                f"cannot read the config file {config_file}: {exc.strerror}"
            ) from None
        except yaml.YAMLError as exc:
            raise SettingsError(
                f"the config file {config_file} is not valid YAML: {exc}"
            ) from None
        if not isinstance(loaded, dict):
            raise SettingsError(f"the config file {config_file} must be a mapping of settings")
        unknown = set(loaded) - KNOWN_KEYS
        if unknown:
            raise SettingsError(
                f"unknown settings in {config_file}: {', '.join(sorted(unknown))}"
                f" (known: {', '.join(sorted(KNOWN_KEYS))})",
                unknown=sorted(unknown),
            )
        values.update(loaded)
    if environ.get("HAVEN_DATABASE_URL"):
        values["database_url"] = environ["HAVEN_DATABASE_URL"]
    url = values.get("database_url") or default_database_url()
    if not isinstance(url, str):
        raise SettingsError("database_url must be a string")
    return Settings(database_url=normalise_database_url(url))
