"""Connecting to the database, transactions, and bringing the schema up to date.

SQLite runs in WAL mode with foreign keys on, and every transaction starts with
``BEGIN IMMEDIATE``: a transaction that reads and then writes (the audit chain head, a case
claim) takes the write lock at its start, so two of them never deadlock upgrading their locks;
they queue behind ``busy_timeout`` instead. PostgreSQL uses row locks (``SELECT … FOR UPDATE``)
for the same guarantees.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from haven.errors import HavenError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseUnavailable(HavenError):
    code = "database_unavailable"


class SchemaOutOfDate(HavenError):
    code = "schema_out_of_date"


def _sqlite_engine(url: str, create: bool) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        if not create and not Path(path).expanduser().is_file():
            raise DatabaseUnavailable(
                f"there is no Haven database at {path}: run `haven db upgrade` to create it",
                path=path,
            )
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event, not the driver, decide how a transaction starts.
        connection.isolation_level = None
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("haven_read_only"):
            connection.exec_driver_sql("BEGIN")  # readers never block in WAL mode
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """One database, named by a URL that ``haven.settings`` has normalised."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        """``create=False`` refuses a missing SQLite file instead of making an empty one."""
        self.url = url
        self.kind = "sqlite" if url.startswith("sqlite") else "postgresql"
        if self.kind == "sqlite":
            self.engine = _sqlite_engine(url, create)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(haven_read_only=True), expire_on_commit=False
        )
        snapshot_engine = (
            self.engine.execution_options(haven_read_only=True)
            if self.kind == "sqlite"
            else self.engine.execution_options(isolation_level="REPEATABLE READ")
        )
        self._snapshot_sessions = sessionmaker(snapshot_engine, expire_on_commit=False)
        # SQLite has one writer at a time. Writers of this process queue on a lock and wake
        # as soon as it is free, instead of polling SQLite's busy handler (which sleeps in
        # steps of up to 100 ms); other processes still meet the busy timeout.
        self._write_lock = threading.RLock() if self.kind == "sqlite" else None

    @contextmanager
    def session(self, *, snapshot: bool = False, write: bool = True) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back on error.
        ``snapshot`` makes every read in it see the same state (PostgreSQL REPEATABLE READ);
        ``write=False`` promises it only reads, so on SQLite it takes no write lock."""
        if snapshot:
            factory = self._snapshot_sessions
        else:
            factory = self._sessions if write else self._read_sessions
        lock = self._write_lock if write and not snapshot else None
        try:
            if lock is not None:
                lock.acquire()
            with factory.begin() as session:
                yield session
        except OperationalError as exc:
            raise DatabaseUnavailable(
                f"the {self.kind} database failed: {exc.orig}", kind=self.kind
            ) from exc
        finally:
            if lock is not None:
                lock.release()

    def _alembic_config(self, connection: Any) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        return config

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (idempotent)."""
        try:
            with self.engine.begin() as connection:
                command.upgrade(self._alembic_config(connection), "head")
        except OperationalError as exc:
            raise DatabaseUnavailable(
                f"cannot migrate the {self.kind} database: {exc.orig}", kind=self.kind
            ) from exc

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def check_schema(self) -> None:
        """Refuse to run on a schema that is not the newest one."""
        newest = ScriptDirectory.from_config(self._alembic_config(None)).get_current_head()
        current = self.revision()
        if current != newest:
            raise SchemaOutOfDate(
                f"the database schema is at {current or 'nothing'}, Haven needs {newest}:"
                " run `haven db upgrade`",
                current=current,
                needed=newest,
            )

    def dispose(self) -> None:
        self.engine.dispose()
