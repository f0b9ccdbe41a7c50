"""`haven db upgrade` and `haven audit verify` as an operator runs them, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy
from click.testing import CliRunner

from haven.audit.models import AuditEvent
from haven.audit.service import record
from haven.cli import main
from haven.store.database import Database
from haven.store.transactions import SqlStore


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_upgrade_then_verify_then_a_hand_edit_fails_verification(database_url: str) -> None:
    code, output = _run("db", "upgrade", "--database", database_url)
    assert code == 0, output
    database = Database(database_url)
    assert f"at schema {database.revision()}" in output
    store = SqlStore(database)
    for number in range(3):
        record(store, AuditEvent("report", f"r{number}", "report.received", "user:9", {}))
    code, output = _run("audit", "verify", "--database", database_url, "--json")
    assert code == 0, output
    verdict = json.loads(output)
    assert verdict["intact"] and verdict["entries"] == 3 and verdict["head"]["seq"] == 3

    with database.engine.begin() as connection:
        if database.kind == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER audit_events_no_update")
        else:
            connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
        connection.exec_driver_sql("UPDATE audit_events SET actor = 'user:1' WHERE seq = 2")
    database.dispose()
    code, output = _run("audit", "verify", "--database", database_url)
    assert code == 1
    assert "row 2: its content was changed" in output and "BROKEN" in output


def test_verify_refuses_a_database_that_was_never_set_up(tmp_path: Path) -> None:
    code, output = _run("audit", "verify", "--database", f"sqlite:///{tmp_path}/none.sqlite3")
    assert code == 1
    assert "haven db upgrade" in output
    assert not (tmp_path / "none.sqlite3").exists()  # a bad input changes nothing
    sqlalchemy.create_engine(f"sqlite:///{tmp_path}/empty.sqlite3").connect().close()
    code, output = _run("audit", "verify", "--database", f"sqlite:///{tmp_path}/empty.sqlite3")
    assert code == 1
    assert "schema is at nothing" in output and "haven db upgrade" in output


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/x", "not supported"),
        ("sqlite://relative", "file path"),
        ("not a url", "not supported"),
    ],
)
def test_bad_database_urls_are_refused(url: str, message: str) -> None:
    code, output = _run("db", "upgrade", "--database", url)
    assert code == 2
    assert message in output


def test_an_unreachable_postgresql_is_a_clear_error() -> None:
    code, output = _run("db", "upgrade", "--database", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 1
    assert "cannot migrate the postgresql database" in output
