"""Haven's settings: one validated object, built by the entry point that needs it, never at import.

Sources, later ones winning: the defaults; a YAML file named by ``--config`` or ``HAVEN_CONFIG``;
environment variables (``HAVEN_DATABASE_URL``). The documented keys are in ``docs/service.md``.
"""

from __future__ import annotations

import os
import re
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
QUEUE_FILE = "queue.sqlite3"
# key: (environment variable, type, lowest allowed value for numbers)
FIELDS: dict[str, tuple[str, type, float | None]] = {
    "database_url": ("HAVEN_DATABASE_URL", str, None),
    "queue_url": ("HAVEN_QUEUE_URL", str, None),
    "queue_name": ("HAVEN_QUEUE_NAME", str, None),
    "policy_file": ("HAVEN_POLICY", str, None),
    "job_lease_seconds": ("HAVEN_JOB_LEASE_SECONDS", float, 1.0),
    "job_max_attempts": ("HAVEN_JOB_MAX_ATTEMPTS", int, 1),
    "reap_interval_seconds": ("HAVEN_REAP_INTERVAL_SECONDS", float, 0.1),
    "worker_threads": ("HAVEN_WORKER_THREADS", int, 1),
    "public_reports_per_minute": ("HAVEN_PUBLIC_REPORTS_PER_MINUTE", int, 1),
    "logins_per_minute": ("HAVEN_LOGINS_PER_MINUTE", int, 1),
    "media_dir": ("HAVEN_MEDIA_DIR", str, None),
    "max_upload_bytes": ("HAVEN_MAX_UPLOAD_BYTES", int, 1024),
    "scan_analyzers": ("HAVEN_SCAN_ANALYZERS", str, None),
    "external_moderation_url": ("HAVEN_EXTERNAL_MODERATION_URL", str, None),
    "external_moderation_key": ("HAVEN_EXTERNAL_MODERATION_KEY", str, None),
    "external_moderation_timeout_seconds": (
        "HAVEN_EXTERNAL_MODERATION_TIMEOUT_SECONDS",
        float,
        0.1,
    ),
    "retention_file": ("HAVEN_RETENTION_FILE", str, None),
    "transparency_database_url": ("HAVEN_TRANSPARENCY_DATABASE_URL", str, None),
    "transparency_database_token": ("HAVEN_TRANSPARENCY_DATABASE_TOKEN", str, None),
    "security_contact": ("HAVEN_SECURITY_CONTACT", str, None),
    "security_policy_url": ("HAVEN_SECURITY_POLICY_URL", str, None),
    "security_base_url": ("HAVEN_SECURITY_BASE_URL", str, None),
    "security_languages": ("HAVEN_SECURITY_LANGUAGES", str, None),
}
KNOWN_KEYS = set(FIELDS)


class SettingsError(InputError):
    code = "invalid_settings"


@dataclass(frozen=True)
class Settings:
    database_url: str
    queue_url: str
    queue_name: str = "haven"  # several Havens can share one Redis under different names
    policy_file: str | None = None  # None: the default policy shipped with Haven
    job_lease_seconds: float = 120.0
    job_max_attempts: int = 3
    reap_interval_seconds: float = 15.0
    worker_threads: int = 2
    # Per client address and API process: enough for a person, too few for a flood.
    public_reports_per_minute: int = 10
    logins_per_minute: int = 10
    media_dir: str | None = None  # None: "media" in the data directory
    max_upload_bytes: int = 512 * 1024 * 1024
    scan_analyzers: str | None = None  # comma-separated; None: every analyzer
    # An operator's own classifier for what no offline model covers (graphic violence), behind
    # an endpoint compatible with OpenAI's moderation API; None: not used.
    external_moderation_url: str | None = None
    external_moderation_key: str | None = None  # a secret: from the environment, not the file
    external_moderation_timeout_seconds: float = 5.0
    # The retention rules the purge applies; None: Haven's own (haven/privacy/retention.yaml).
    retention_file: str | None = None
    # The DSA Transparency Database (Art. 24(5)): its host (the sandbox first, then production)
    # and the platform's API token (a secret: from the environment, not the file).
    transparency_database_url: str = "https://transparency.dsa.ec.europa.eu"
    transparency_database_token: str | None = None
    # The vulnerability disclosure programme (docs/disclosure.md). security.txt lists
    # security_contact first (an https://, mailto: or tel: URI; None: only Haven's report form),
    # points Policy at security_policy_url (None: Haven's programme page), and builds its URLs on
    # security_base_url, the public https:// address of this API (None: from the request's host).
    security_contact: str | None = None
    security_policy_url: str | None = None
    security_base_url: str | None = None
    security_languages: str = "en"  # comma-separated language tags, most preferred first

    @property
    def media_root(self) -> Path:
        return Path(self.media_dir) if self.media_dir else data_dir() / "media"

    @property
    def banks_folder(self) -> Path:
        """Where the bank index file is kept, beside the media (a cache of the store)."""
        return self.media_root.parent / "banks"

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


def normalise_queue_url(url: str) -> str:
    """``sqlite:///PATH`` (Huey's SQLite queue, no server) or ``redis://HOST:PORT/DB``."""
    scheme = urlsplit(url).scheme
    if url.startswith("sqlite:///") or scheme in ("redis", "rediss"):
        return url
    raise SettingsError(
        f"queue URL {url!r} is not supported: use sqlite:///PATH or redis://HOST:PORT/DB",
        scheme=scheme,
    )


def _coerce(key: str, value: object) -> object:
    _, kind, lowest = FIELDS[key]
    try:
        if kind is str:
            if not isinstance(value, str):
                raise TypeError
            return value
        if isinstance(value, bool):
            raise TypeError
        number = kind(value)
        if kind is int and isinstance(value, float) and value != number:
            raise TypeError
    except (TypeError, ValueError):
        raise SettingsError(
            f"{key} must be a {'string' if kind is str else kind.__name__}, got {value!r}",
            key=key,
        ) from None
    if lowest is not None and number < lowest:
        raise SettingsError(f"{key} must be at least {lowest:g}, got {number}", key=key)
    return number


def _check_security_urls(checked: dict[str, object]) -> None:
    """security.txt may only point researchers at secure addresses (RFC 9116 §2.5)."""
    allowed = {
        "security_contact": ("https://", "mailto:", "tel:"),
        "security_policy_url": ("https://",),
        "security_base_url": ("https://",),
    }
    for key, schemes in allowed.items():
        value = checked.get(key)
        if isinstance(value, str) and (
            not value.startswith(schemes) or not value.isprintable() or " " in value
        ):
            raise SettingsError(f"{key} must be a URI starting {' or '.join(schemes)}", key=key)
    languages = checked.get("security_languages")
    if isinstance(languages, str) and not re.fullmatch(
        r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*(\s*,\s*[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*)*", languages
    ):
        raise SettingsError(
            "security_languages: comma-separated language tags such as 'en, fr'",
            key="security_languages",
        )


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
            raise SettingsError(f"the config file {config_file} is not valid YAML: {exc}") from None
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
    for key, (variable, _, _) in FIELDS.items():
        if environ.get(variable):
            values[key] = environ[variable]
    checked = {key: _coerce(key, value) for key, value in values.items() if value is not None}
    _check_security_urls(checked)
    database_url = normalise_database_url(
        str(checked.pop("database_url", None) or default_database_url())
    )
    queue_url = normalise_queue_url(
        str(checked.pop("queue_url", None) or f"sqlite:///{data_dir() / QUEUE_FILE}")
    )
    return Settings(database_url=database_url, queue_url=queue_url, **checked)  # type: ignore[arg-type]
