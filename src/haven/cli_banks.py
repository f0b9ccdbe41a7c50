"""`haven bank`: banks of known harmful media (add files, import and export CSV, list,
configure, disable entries); and the matcher `haven scan` consults."""

from __future__ import annotations

from pathlib import Path

import click

from haven.banks import service
from haven.banks.matcher import IndexedMatcher
from haven.banks.models import BankCategory
from haven.cli_store import _fail, _settings, _store_options
from haven.errors import HavenError, InputError
from haven.settings import Settings
from haven.store.database import Database
from haven.store.transactions import SqlStore

ACTOR = "operator:cli"


def _store(settings: Settings) -> SqlStore:
    database = Database(settings.database_url)
    database.upgrade()
    return SqlStore(database)


def matcher_for_scan(settings: Settings) -> IndexedMatcher | None:
    """The banks' matcher when a store with banks exists; None otherwise (``haven scan`` needs
    no database: it does not create one just to find it empty)."""
    url = settings.database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    store = _store(settings)
    if not service.list_banks(store):
        return None
    return IndexedMatcher(store, settings.banks_folder)


@click.group()
def bank() -> None:
    """Banks of known harmful media (PDQ, vPDQ, MD5, SHA-256)."""


def _open(config: Path | None, database_url: str | None) -> tuple[Settings, SqlStore]:
    settings = _settings(config, database_url)
    return settings, _store(settings)


def _refresh_index(settings: Settings, store: SqlStore) -> int:
    matcher = IndexedMatcher(store, settings.banks_folder)
    matcher.save()
    return len(matcher.index)


@bank.command("add")
@_store_options
@click.argument("bank_name", metavar="BANK")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--category",
    type=click.Choice([c.value for c in BankCategory]),
    help="What the bank holds (set when it is created).",
)
@click.option("--label", default="", help="A note kept with each entry.")
def bank_add(
    config: Path | None,
    database_url: str | None,
    bank_name: str,
    files: tuple[Path, ...],
    category: str | None,
    label: str,
) -> None:
    """Hash pictures and videos into BANK (created if new). All files or none."""
    try:
        for path in files:
            if not path.is_file():
                raise InputError(f"{path}: no such file")
        settings, store = _open(config, database_url)
        added = service.add_media(
            store,
            bank=bank_name,
            paths=list(files),
            category=BankCategory(category) if category else None,
            label=label,
            actor=ACTOR,
        )
        size = _refresh_index(settings, store)
    except HavenError as exc:
        _fail(exc)
    for entry in added:
        click.echo(f"{entry.bank}\t{entry.id}\t{entry.kind.value}\t{entry.value}\t{entry.source}")
    click.echo(f"{len(added)} entries added; the index holds {size} hashes", err=True)


@bank.command("import")
@_store_options
@click.argument("bank_name", metavar="BANK")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--category", type=click.Choice([c.value for c in BankCategory]))
def bank_import(
    config: Path | None, database_url: str | None, bank_name: str, file: Path, category: str | None
) -> None:
    """Import FILE.csv (signal_type,signal[,label]: pdq, md5, video_md5, sha256), all or nothing."""
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(InputError(f"{file}: cannot read it as UTF-8 text ({exc})"))
    try:
        settings, store = _open(config, database_url)
        new = service.import_csv(
            store,
            bank=bank_name,
            text=text,
            source=file.name,
            category=BankCategory(category) if category else None,
            actor=ACTOR,
        )
        size = _refresh_index(settings, store)
    except HavenError as exc:
        _fail(exc)
    click.echo(f"{new} new entries in {bank_name}; the index holds {size} hashes")


@bank.command("export")
@_store_options
@click.argument("bank_name", metavar="BANK")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def bank_export(config: Path | None, database_url: str | None, bank_name: str, file: Path) -> None:
    """Write BANK as CSV (pdq, md5, sha256 rows)."""
    try:
        _, store = _open(config, database_url)
        text = service.export_csv(store, bank=bank_name)
        file.write_text(text, "utf-8")
    except HavenError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(InputError(f"{file}: cannot write it ({exc.strerror})"))
    click.echo(f"wrote {len(text.splitlines()) - 1} rows to {file}")


@bank.command("list")
@_store_options
def bank_list(config: Path | None, database_url: str | None) -> None:
    """The banks: category, entries, enabled ratio, negative or not."""
    try:
        _, store = _open(config, database_url)
        banks = service.list_banks(store)
    except HavenError as exc:
        _fail(exc)
    click.echo("bank\tcategory\tentries\tenabled_ratio\tnegative")
    for found in banks:
        click.echo(
            f"{found.name}\t{found.category.value}\t{found.entries}\t{found.enabled_ratio:g}\t{str(found.negative).lower()}"
        )


@bank.command("set")
@_store_options
@click.argument("bank_name", metavar="BANK")
@click.option(
    "--enable-ratio",
    type=float,
    help="Share of the bank's entries that match (0-1): gradual rollout.",
)
@click.option(
    "--negative/--positive", default=None, help="A negative bank holds known false positives."
)
def bank_set(
    config: Path | None,
    database_url: str | None,
    bank_name: str,
    enable_ratio: float | None,
    negative: bool | None,
) -> None:
    try:
        _, store = _open(config, database_url)
        found = service.configure(
            store, bank=bank_name, enabled_ratio=enable_ratio, negative=negative, actor=ACTOR
        )
    except HavenError as exc:
        _fail(exc)
    negative_text = str(found.negative).lower()
    click.echo(f"{found.name}: enabled ratio {found.enabled_ratio:g}, negative {negative_text}")


@bank.command("disable")
@_store_options
@click.argument("bank_name", metavar="BANK")
@click.argument("entry", type=int)
@click.option("--enable", is_flag=True, help="Enable the entry again.")
def bank_disable(
    config: Path | None, database_url: str | None, bank_name: str, entry: int, enable: bool
) -> None:
    """Stop ENTRY of BANK matching (or, with --enable, let it match again)."""
    try:
        _, store = _open(config, database_url)
        service.set_entry_disabled(
            store, bank=bank_name, entry=entry, disabled=not enable, actor=ACTOR
        )
    except HavenError as exc:
        _fail(exc)
    click.echo(f"{bank_name} entry {entry} {'enabled' if enable else 'disabled'}")
