"""The hash chain alone: every kind of tampering shows, every bad event is refused."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from haven.audit.chain import GENESIS_HASH, chain, verify
from haven.audit.errors import InvalidAuditEntry
from haven.audit.models import AuditEntry, AuditEvent, ChainHead

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _log(count: int) -> tuple[list[AuditEntry], ChainHead]:
    head = ChainHead(0, GENESIS_HASH)
    entries = []
    for number in range(count):
        event = AuditEvent("report", f"r{number}", "report.received", "user:1", {"n": number})
        entry = chain(event, head=head, at=START + timedelta(seconds=number))
        entries.append(entry)
        head = ChainHead(entry.seq, entry.hash)
    return entries, head


def test_an_untouched_log_verifies() -> None:
    entries, head = _log(5)
    report = verify(entries, head)
    assert report.intact and report.entries == 5 and report.head == head
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH


def test_an_empty_log_verifies() -> None:
    assert verify([], ChainHead(0, GENESIS_HASH)).intact


@pytest.mark.parametrize(
    "change",
    [
        {"payload_json": '{"n":99}'},
        {"actor": "moderator:2"},
        {"kind": "report.closed"},
        {"subject_id": "r-other"},
        {"at": START + timedelta(days=1)},
    ],
)
def test_a_changed_field_breaks_its_row(change: dict[str, object]) -> None:
    entries, head = _log(4)
    entries[2] = dataclasses.replace(entries[2], **change)
    report = verify(entries, head)
    assert not report.intact
    assert [b.seq for b in report.breaks] == [3]
    assert "changed" in report.breaks[0].reason


def test_a_rewritten_row_with_a_fresh_hash_breaks_the_next_link() -> None:
    entries, head = _log(4)
    forged = chain(
        AuditEvent("report", "r1", "report.received", "user:1", {"n": 1, "forged": True}),
        head=ChainHead(1, entries[0].hash),
        at=entries[1].at,
    )
    entries[1] = forged
    report = verify(entries, head)
    assert [b.seq for b in report.breaks] == [3]
    assert "link" in report.breaks[0].reason


def test_a_removed_row_shows_as_a_gap() -> None:
    entries, head = _log(5)
    del entries[2]
    breaks = verify(entries, head).breaks
    assert {b.seq for b in breaks} == {4}
    assert any("rows 3..3 are missing" in b.reason for b in breaks)


def test_rows_removed_at_the_end_show_against_the_head() -> None:
    entries, head = _log(5)
    report = verify(entries[:3], head)
    assert not report.intact and "end" in report.breaks[-1].reason


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (AuditEvent("report", "r1", "Report Received", "user:1"), "kind"),
        (AuditEvent("Report!", "r1", "report.received", "user:1"), "subject type"),
        (AuditEvent("report", "", "report.received", "user:1"), "subject_id"),
        (AuditEvent("report", "r1", "report.received", "a\nb"), "actor"),
        (AuditEvent("report", "r1", "report.received", "user:1", {"x": float("nan")}), "JSON"),
        (AuditEvent("report", "r1", "report.received", "user:1", {"x": {1, 2}}), "JSON"),
        (AuditEvent("report", "r1", "report.received", "user:1", {"x": "y" * 70_000}), "larger"),
    ],
)
def test_bad_events_are_refused(event: AuditEvent, message: str) -> None:
    with pytest.raises(InvalidAuditEntry, match=message):
        chain(event, head=ChainHead(0, GENESIS_HASH), at=START)


def test_a_naive_time_is_refused() -> None:
    event = AuditEvent("report", "r1", "report.received", "user:1")
    with pytest.raises(InvalidAuditEntry, match="timezone"):
        chain(event, head=ChainHead(0, GENESIS_HASH), at=datetime(2026, 1, 1))
