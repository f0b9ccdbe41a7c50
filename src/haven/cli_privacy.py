"""``haven privacy``: data-subject requests (export, erasure) and the retention purge, for the
operator on the server (part of the ``haven`` shell)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from haven.cli_store import _fail, _settings, _store_options
from haven.errors import HavenError, InputError
from haven.jobs.queue import HueyQueue
from haven.privacy.jobs import schedule_purge
from haven.privacy.models import Subject, check_subject
from haven.privacy.purge import purge
from haven.privacy.retention import load_rules
from haven.privacy.service import erase_subject, export_subject
from haven.settings import Settings
from haven.store.database import Database
from haven.store.transactions import SqlStore

ACTOR = "operator:cli"


@click.group()
def privacy() -> None:
    """Data-subject requests (GDPR) and the retention purge."""


def _open(config: Path | None, database_url: str | None) -> tuple[Settings, Database]:
    """The settings and the existing database at the newest schema (never a new, empty one:
    a request about a person in a database that is not there is an error)."""
    settings = _settings(config, database_url)
    database = Database(settings.database_url, create=False)
    database.check_schema()
    return settings, database


def _subject_options(function):  # type: ignore[no-untyped-def]
    function = click.option(
        "--email", help="The person's email as a notifier (with or without USER_ID)."
    )(function)
    function = click.option("--platform", required=True, help="The person's platform.")(function)
    return click.argument("user_id", required=False)(function)


def _subject(platform: str, user_id: str | None, email: str | None) -> Subject:
    return check_subject(platform, user_id=user_id, email=email)


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: it holds a person's data."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(text)
    path.chmod(0o600)


def _echo(document: dict[str, Any]) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@privacy.command("export")
@_store_options
@_subject_options
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the JSON here (readable by its owner only) instead of standard output.",
)
def privacy_export(
    config: Path | None,
    database_url: str | None,
    user_id: str | None,
    platform: str,
    email: str | None,
    out: Path | None,
) -> None:
    """Everything Haven holds about USER_ID (and/or the notifier --email) on --platform, as one
    JSON document. Exit 1 if Haven holds nothing about them."""
    database = None
    try:
        subject = _subject(platform, user_id, email)
        settings, database = _open(config, database_url)
        document = export_subject(
            SqlStore(database), subject, actor=ACTOR, media_root=settings.media_root
        )
        text = json.dumps(document, indent=2, ensure_ascii=False)
        if out is None:
            click.echo(text)
        else:
            _write_private(out, text + "\n")
            click.echo(f"wrote the export to {out}", err=True)
    except HavenError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(InputError(f"{out}: cannot write it ({exc.strerror})"))
    finally:
        if database is not None:
            database.dispose()


@privacy.command("erase")
@_store_options
@_subject_options
@click.option("--dry-run", is_flag=True, help="Say what would be erased; change nothing.")
def privacy_erase(
    config: Path | None,
    database_url: str | None,
    user_id: str | None,
    platform: str,
    email: str | None,
    dry_run: bool,
) -> None:
    """Erase USER_ID (and/or the notifier --email) on --platform, all or nothing; prints what
    was erased, anonymised and kept (with the legal basis). Exit 1 if Haven holds nothing
    about them (never known, or already erased)."""
    database = None
    try:
        subject = _subject(platform, user_id, email)
        settings, database = _open(config, database_url)
        result = erase_subject(
            SqlStore(database),
            subject,
            actor=ACTOR,
            media_root=settings.media_root,
            dry_run=dry_run,
        )
    except HavenError as exc:
        _fail(exc)
    finally:
        if database is not None:
            database.dispose()
    _echo(result.as_dict())


@privacy.command("purge")
@_store_options
@click.option("--dry-run", is_flag=True, help="Say what each rule would remove; change nothing.")
@click.option(
    "--queue",
    "queued",
    is_flag=True,
    help="Queue today's purge for a worker instead of running it.",
)
def privacy_purge(
    config: Path | None, database_url: str | None, dry_run: bool, queued: bool
) -> None:
    """Apply the retention rules (Haven's, or the retention_file setting): delete or anonymise
    what is older than each rule's period. Content under a legal hold is never purged. Run it
    daily (cron), or with --queue to have a worker run it."""
    if dry_run and queued:
        _fail(InputError("--dry-run runs here and now: it cannot be queued"))
    database = None
    try:
        settings, database = _open(config, database_url)
        rules = load_rules(Path(settings.retention_file) if settings.retention_file else None)
        if queued:
            queue = HueyQueue(settings.queue_url, name=settings.queue_name)
            job = schedule_purge(SqlStore(database, on_job=queue.enqueue))
            click.echo(f"purge job {job.id} queued ({job.state.value})")
            return
        report = purge(SqlStore(database), rules, media_root=settings.media_root, dry_run=dry_run)
    except HavenError as exc:
        _fail(exc)
    finally:
        if database is not None:
            database.dispose()
    _echo(report.as_dict())
