"""`haven statements` (statements of reasons for the DSA Transparency Database: export, submit,
check) and `haven report transparency` (the Art. 15/24 report of a period)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from haven.cli_store import _fail, _settings, _store_options
from haven.errors import HavenError, InputError
from haven.settings import Settings
from haven.store.database import Database
from haven.store.transactions import SqlStore
from haven.transparency import service
from haven.transparency.periods import parse_period
from haven.transparency.render import write_report
from haven.transparency.submission import TransparencyDatabaseClient

ACTOR = "operator:cli"
PLATFORM = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")


@contextmanager
def _store(config: Path | None, database_url: str | None) -> Iterator[tuple[SqlStore, Settings]]:
    """The store, its connections closed when the command is done."""
    settings = _settings(config, database_url)
    database = Database(settings.database_url)
    try:
        database.upgrade()
        yield SqlStore(database), settings
    finally:
        database.dispose()


def _platform(_: click.Context, __: click.Parameter, value: str) -> str:
    if not PLATFORM.fullmatch(value):
        raise click.BadParameter("a platform name as its API keys have it: a-z, 0-9, _ . -")
    return value


def _platform_option(function):  # type: ignore[no-untyped-def]
    return click.option(
        "--platform",
        required=True,
        callback=_platform,
        help="The platform (as its API keys name it).",
    )(function)


@click.group()
def statements() -> None:
    """Statements of reasons for the DSA Transparency Database (Art. 24(5))."""


@statements.command("export")
@_store_options
@_platform_option
@click.option("--dry-run", is_flag=True, help="Write what would be sent; send nothing.")
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="File (default: stdout)."
)
@click.option("--limit", type=click.IntRange(1, 1_000_000), default=10_000, show_default=True)
def export(
    config: Path | None,
    database_url: str | None,
    platform: str,
    dry_run: bool,
    out: Path | None,
    limit: int,
) -> None:
    """The statements not yet accepted by the database, as the JSON body of its batch
    endpoint (``{"statements": [...]}``). Only ``--dry-run`` exists: sending is ``submit``."""
    if not dry_run:
        raise click.UsageError("export only writes what would be sent: add --dry-run")
    try:
        with _store(config, database_url) as (store, _):
            prepared = service.prepare_statements(store, platform=platform, limit=limit)
    except HavenError as exc:
        _fail(exc)
    body = json.dumps({"statements": prepared.statements}, indent=2, ensure_ascii=False)
    if out:
        try:
            out.write_text(body + "\n", encoding="utf-8")
        except OSError as exc:
            _fail(InputError(f"cannot write {out}: {exc.strerror}"))
    else:
        click.echo(body)
    for puid, reasons in prepared.invalid.items():
        click.echo(f"not valid, would not be sent: {puid}: {'; '.join(reasons)}", err=True)
    click.echo(
        f"{len(prepared.statements)} statements to send, {len(prepared.invalid)} invalid,"
        f" {len(prepared.nothing_to_report)} decisions with nothing to report",
        err=True,
    )


@statements.command("submit")
@_store_options
@_platform_option
@click.option("--limit", type=click.IntRange(1, 1_000_000), default=10_000, show_default=True)
@click.option("--retry-refused", is_flag=True, help="Send statements refused before again.")
def submit(
    config: Path | None, database_url: str | None, platform: str, limit: int, retry_refused: bool
) -> None:
    """Send the statements due to the Transparency Database (settings
    ``transparency_database_url`` and ``HAVEN_TRANSPARENCY_DATABASE_TOKEN``)."""
    try:
        with (
            _store(config, database_url) as (store, settings),
            TransparencyDatabaseClient(
                settings.transparency_database_url,
                settings.transparency_database_token or "",
            ) as client,
        ):
            outcome = service.submit_statements(
                store,
                client,
                platform=platform,
                actor=ACTOR,
                limit=limit,
                retry_refused=retry_refused,
            )
    except HavenError as exc:
        _fail(exc)
    for puid, reasons in outcome.refused.items():
        click.echo(f"refused, not sent: {puid}: {'; '.join(reasons)}", err=True)
    click.echo(
        json.dumps(
            {
                "accepted": len(outcome.accepted),
                "already_there": len(outcome.already_there),
                "refused": len(outcome.refused),
                "calls": outcome.calls,
            }
        )
    )
    if outcome.refused:
        raise SystemExit(1)


@statements.command("check")
@_store_options
@click.argument("puid")
def check(config: Path | None, database_url: str | None, puid: str) -> None:
    """Whether the Transparency Database holds the statement ``PUID`` (a decision id)."""
    try:
        settings = _settings(config, database_url)
        with TransparencyDatabaseClient(
            settings.transparency_database_url, settings.transparency_database_token or ""
        ) as client:
            found = client.exists(puid)
    except HavenError as exc:
        _fail(exc)
    click.echo(json.dumps({"puid": puid, "in_database": found}))


@click.group()
def report() -> None:
    """Reports."""


@report.command("transparency")
@_store_options
@_platform_option
@click.option("--period", required=True, help="2026H1, 2026H2, 2026, 2026Q2 or 2026-06.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(),
    show_default=True,
    help="Folder for the JSON, CSV and HTML files.",
)
def transparency(
    config: Path | None, database_url: str | None, platform: str, period: str, out: Path
) -> None:
    """The transparency report of a period (DSA Art. 15 and 24): JSON, CSV and an HTML page."""
    try:
        chosen = parse_period(period)
        with _store(config, database_url) as (store, _):
            built = service.transparency_report(store, platform=platform, period=chosen)
    except HavenError as exc:
        _fail(exc)
    try:
        paths = write_report(built, out, f"transparency-{platform}-{chosen.name}")
    except OSError as exc:
        _fail(InputError(f"cannot write the report into {out}: {exc.strerror}"))
    click.echo(json.dumps({kind: str(path) for kind, path in paths.items()}))
