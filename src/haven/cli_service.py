"""``haven serve``, ``haven worker`` and ``haven keys``: running the service (part of the
``haven`` shell). The API is started by import string, so this shell never imports the other."""

from __future__ import annotations

import copy
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click
import uvicorn

from haven.access.roles import Role
from haven.access.service import create_key, revoke_key, set_webhook
from haven.access.staff import create_staff
from haven.cli_store import _fail, _settings, _store_options
from haven.errors import HavenError
from haven.runtime import build_runtime
from haven.store.database import Database
from haven.store.transactions import SqlStore

OPERATOR = "operator:cli"


@click.command()
@_store_options
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--no-worker", is_flag=True, help="Serve only; run workers with `haven worker`.")
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes sharing the port (one per core uses every core; each runs its"
    " own embedded worker unless --no-worker).",
)
def serve(
    config: Path | None,
    database_url: str | None,
    host: str,
    port: int,
    no_worker: bool,
    processes: int,
) -> None:
    """Run the API (OpenAPI at /docs), the console (/console) and, unless --no-worker, one
    worker in this process."""
    try:
        settings = _settings(config, database_url)
        Database(settings.database_url).upgrade()
    except HavenError as exc:
        _fail(exc)
    # The app factory reads its settings from the environment, in this process.
    os.environ["HAVEN_DATABASE_URL"] = settings.database_url
    os.environ["HAVEN_QUEUE_URL"] = settings.queue_url
    if config:
        os.environ["HAVEN_CONFIG"] = str(config)
    factory = "serve_without_worker" if no_worker else "serve_with_worker"
    uvicorn.run(
        f"haven.server:{factory}",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        # uvicorn's access log prints paths with their ids, queries and client addresses:
        # Haven's own (haven.api.access_log) names the route instead.
        access_log=False,
        log_config=_serve_log_config(),
        workers=processes if processes > 1 else None,
    )


def _serve_log_config() -> dict[str, Any]:
    """uvicorn's logging, with Haven's loggers (the access log, the embedded worker) on the
    same handler."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["haven"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


@click.command()
@_store_options
@click.option("--threads", type=click.IntRange(1, 64), help="Worker threads (default: settings).")
def worker(config: Path | None, database_url: str | None, threads: int | None) -> None:
    """Run a worker in the foreground: it takes jobs from the queue until SIGINT or SIGTERM.
    Start as many as the machine takes; a killed worker's jobs run again elsewhere."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        runtime = build_runtime(_settings(config, database_url))
    except HavenError as exc:
        _fail(exc)
    try:
        runtime.worker(threads).run_forever()
    finally:
        runtime.close()


@click.group()
def keys() -> None:
    """Integration API keys: one platform each."""


@keys.command("create")
@_store_options
@click.option("--platform", required=True, help="The platform the key acts for, e.g. clips.example")
@click.option("--name", required=True, help="What the key is for, e.g. 'upload service'.")
def keys_create(config: Path | None, database_url: str | None, platform: str, name: str) -> None:
    """Make a key; the secret is printed once and never stored."""
    try:
        database = Database(_settings(config, database_url).database_url)
        database.upgrade()
        issued = create_key(SqlStore(database), platform=platform, name=name, actor=OPERATOR)
    except HavenError as exc:
        _fail(exc)
    click.echo(f"key {issued.key.id} for platform {platform}:")
    click.echo(issued.secret)


@keys.command("list")
@_store_options
def keys_list(config: Path | None, database_url: str | None) -> None:
    try:
        database = Database(_settings(config, database_url).database_url, create=False)
        with SqlStore(database).transaction() as tx:
            found = tx.api_keys.all()
    except HavenError as exc:
        _fail(exc)
    for key in found:
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "live"
        click.echo(f"{key.id}  {key.platform}  {key.name}  {state}")


@keys.command("revoke")
@_store_options
@click.argument("key_id")
def keys_revoke(config: Path | None, database_url: str | None, key_id: str) -> None:
    try:
        database = Database(_settings(config, database_url).database_url, create=False)
        revoke_key(SqlStore(database), key_id, actor=OPERATOR)
    except HavenError as exc:
        _fail(exc)
    click.echo(f"revoked {key_id}")


@click.group()
def staff() -> None:
    """Staff accounts: moderators, specialists, administrators."""


@staff.command("create")
@_store_options
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def staff_create(
    config: Path | None, database_url: str | None, username: str, role: str, password_stdin: bool
) -> None:
    """Make an account; the password is asked for (or read from stdin), never an argument."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        database = Database(_settings(config, database_url).database_url)
        database.upgrade()
        account = create_staff(
            SqlStore(database), username=username, role=role, password=password, actor=OPERATOR
        )
    except HavenError as exc:
        _fail(exc)
    click.echo(f"staff {account.username} ({account.role}) created")


@click.group()
def webhooks() -> None:
    """Where platforms hear about decisions (signed with HMAC-SHA256)."""


@webhooks.command("set")
@_store_options
@click.option("--platform", required=True)
@click.option("--url", required=True, help="The platform's https endpoint.")
def webhooks_set(config: Path | None, database_url: str | None, platform: str, url: str) -> None:
    """Send the platform's decisions to URL; prints the new signing secret once."""
    try:
        database = Database(_settings(config, database_url).database_url)
        database.upgrade()
        webhook = set_webhook(SqlStore(database), platform=platform, url=url, actor=OPERATOR)
    except HavenError as exc:
        _fail(exc)
    click.echo(f"decisions of {platform} go to {url}; signing secret:")
    click.echo(webhook.secret)
