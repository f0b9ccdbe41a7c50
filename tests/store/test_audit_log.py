"""The audit log in the store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.exc import DatabaseError

from haven.audit.errors import InvalidAuditEntry
from haven.audit.models import AuditEvent
from haven.audit.service import record, verify_audit_log
from haven.clock import FixedClock
from haven.store.database import Database
from haven.store.transactions import SqlStore


def _event(number: int, subject: str = "c1") -> AuditEvent:
    return AuditEvent("content", subject, "content.submitted", "system", {"n": number, "é": "ü"})


def test_appended_entries_read_back_in_order_with_their_times(
    store: SqlStore, clock: FixedClock
) -> None:
    first = record(store, _event(1))
    clock.advance(timedelta(minutes=5))
    record(store, _event(2, "c2"))
    record(store, _event(3))
    with store.transaction() as tx:
        everything = list(tx.audit.entries())
        about_c1 = list(tx.audit.entries(subject_type="content", subject_id="c1"))
        head = tx.audit.head()
    assert [e.seq for e in everything] == [1, 2, 3]
    assert [e.seq for e in about_c1] == [1, 3]
    assert everything[0] == first
    assert everything[1].at - everything[0].at == timedelta(minutes=5)
    assert everything[0].at.tzinfo is not None
    assert head.seq == 3 and head.hash == everything[2].hash
    assert verify_audit_log(store).intact


def test_a_failed_transaction_leaves_no_entry(store: SqlStore) -> None:
    record(store, _event(1))
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.audit.append(_event(2))
        raise RuntimeError("the change this event belonged to failed")
    with pytest.raises(InvalidAuditEntry):
        record(store, AuditEvent("content", "c1", "Bad Kind", "system"))
    report = verify_audit_log(store)
    assert report.intact and report.entries == 1


def test_the_database_refuses_updates_and_deletes(store: SqlStore) -> None:
    record(store, _event(1))
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DatabaseError, match="append-only"), store.transaction() as tx:
            tx.session.connection().exec_driver_sql(statement)
    assert verify_audit_log(store).intact


def _drop_guard(database: Database) -> None:
    """What someone with direct database access would do first."""
    with database.engine.begin() as connection:
        if database.kind == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER audit_events_no_update")
            connection.exec_driver_sql("DROP TRIGGER audit_events_no_delete")
        else:
            connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")


@pytest.mark.parametrize(
    ("statement", "broken_row"),
    [
        ("UPDATE audit_events SET payload = '{\"n\":7}' WHERE seq = 2", 2),
        ("DELETE FROM audit_events WHERE seq = 2", 3),
        ("DELETE FROM audit_events WHERE seq = 3", 2),
    ],
)
def test_a_hand_edit_is_found(
    store: SqlStore, database: Database, statement: str, broken_row: int
) -> None:
    for number in range(3):
        record(store, _event(number))
    _drop_guard(database)
    with database.engine.begin() as connection:
        connection.exec_driver_sql(statement)
    report = verify_audit_log(store)
    assert not report.intact
    assert report.breaks[0].seq == broken_row


def test_concurrent_appends_form_one_chain(database: Database, clock: FixedClock) -> None:
    errors: list[BaseException] = []

    def append_many(worker: int) -> None:
        store = SqlStore(database, clock)
        try:
            for number in range(20):
                record(store, _event(number, f"w{worker}"))
        except BaseException as exc:  # reported below, a thread cannot raise into the test
            errors.append(exc)

    threads = [threading.Thread(target=append_many, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify_audit_log(SqlStore(database, clock))
    assert report.intact and report.entries == 120 and report.head.seq == 120


def test_upgrade_is_idempotent_and_the_schema_is_checked(database: Database) -> None:
    database.upgrade()
    database.check_schema()
    assert database.revision() is not None
