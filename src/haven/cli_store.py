"""``haven db`` and ``haven audit``: the store's commands (part of the ``haven`` shell)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from haven.audit.service import verify_audit_log
from haven.errors import HavenError, InputError
from haven.settings import Settings, load_settings
from haven.store.database import Database
from haven.store.transactions import SqlStore

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


def _fail(exc: HavenError) -> NoReturn:
    click.echo(f"haven: error: {exc}", err=True)
    sys.exit(EXIT_BAD_INPUT if isinstance(exc, InputError) else EXIT_FAILED)


def _settings(config: Path | None, database_url: str | None) -> Settings:
    environ = dict(os.environ)
    if database_url:
        environ["HAVEN_DATABASE_URL"] = database_url
    return load_settings(config, environ)


def _store_options(function):  # type: ignore[no-untyped-def]
    function = click.option(
        "--database",
        "database_url",
        metavar="URL",
        help="Database URL (default: HAVEN_DATABASE_URL, the config file, or SQLite in the"
        " data directory).",
    )(function)
    return click.option(
        "--config",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Settings file (YAML); HAVEN_CONFIG names one too.",
    )(function)


@click.group()
def db() -> None:
    """The database: create it or bring its schema up to date."""


@db.command("upgrade")
@_store_options
def db_upgrade(config: Path | None, database_url: str | None) -> None:
    """Create the schema or migrate it to the newest version (safe to run again)."""
    try:
        database = Database(_settings(config, database_url).database_url)
    except HavenError as exc:
        _fail(exc)
    try:
        database.upgrade()
        click.echo(f"{database.kind} database at schema {database.revision()}")
    except HavenError as exc:
        _fail(exc)
    finally:
        database.dispose()


@click.group()
def audit() -> None:
    """The append-only, hash-chained audit log."""


@audit.command("verify")
@_store_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def audit_verify(config: Path | None, database_url: str | None, as_json: bool) -> None:
    """Recompute the hash chain of every audit entry; exit 1 if any row was altered, removed
    or inserted. Keep the printed head hash elsewhere: it anchors the chain."""
    try:
        database = Database(_settings(config, database_url).database_url, create=False)
    except HavenError as exc:
        _fail(exc)
    try:
        database.check_schema()
        report = verify_audit_log(SqlStore(database))
    except HavenError as exc:
        _fail(exc)
    finally:
        database.dispose()
    if as_json:
        click.echo(
            json.dumps(
                {
                    "intact": report.intact,
                    "entries": report.entries,
                    "head": {"seq": report.head.seq, "hash": report.head.hash},
                    "breaks": [{"seq": b.seq, "reason": b.reason} for b in report.breaks],
                }
            )
        )
    else:
        for found in report.breaks:
            click.echo(f"row {found.seq}: {found.reason}")
        verdict = "intact" if report.intact else f"BROKEN in {len(report.breaks)} place(s)"
        click.echo(
            f"audit log {verdict}: {report.entries} entries, head row {report.head.seq}"
            f" hash {report.head.hash}"
        )
    if not report.intact:
        sys.exit(EXIT_FAILED)
