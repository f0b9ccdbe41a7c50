"""The programme's calls on the store, on SQLite and PostgreSQL: a report submitted and tracked
with its token, triaged, scored, answered, resolved and acknowledged; every refused call
changes nothing; the audit log holds every change, no token and no details, and rebuilds every
report's state."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import timedelta
from typing import Any

import pytest

from haven.access.roles import Reviewer, Role
from haven.clock import FixedClock
from haven.disclosure import intake, service
from haven.disclosure.errors import (
    InvalidSecurityReport,
    InvalidTransition,
    InvalidTriage,
    InvalidVector,
    NotSecurityStaff,
    UnknownSecurityReport,
)
from haven.disclosure.events import SUBJECT, fold
from haven.disclosure.rewards import reward_for, reward_table
from haven.disclosure.states import State
from haven.store.tables import SecurityReportRow
from haven.store.transactions import SqlStore

from .conftest import (
    ADMIN,
    CVSS31_CRITICAL,
    CVSS31_MEDIUM,
    CVSS40_HIGH,
    REPORT,
    audit_size,
    submit,
)


def _state(store: SqlStore, report_id: str) -> Any:
    with store.transaction(write=False) as tx:
        found = tx.security_reports.get(report_id)
    assert found is not None
    return found.triage


def test_a_report_is_received_and_followed_with_its_token_only(store: SqlStore) -> None:
    receipt = submit(store, proposed_cvss31=CVSS31_CRITICAL)
    report, token = receipt.report, receipt.token
    assert token.startswith("hvr_") and report.triage.state is State.NEW
    assert report.received_at == store.clock.now()
    found, messages = intake.track(store, report.id, token)
    assert found == report and messages == []
    assert found.severity is not None and found.severity.value == "critical"  # proposed
    other = submit(store).token
    wrong = [
        (report.id, other),  # another report's token
        (report.id, token[:-1] + ("A" if token[-1] != "A" else "B")),
        ("00000000-0000-4000-8000-000000000000", token),  # unknown id
        ("not-an-id\x00", token),
        (report.id, ""),
    ]
    for report_id, guess in wrong:
        with pytest.raises(UnknownSecurityReport) as refused:
            intake.track(store, report_id, guess)
        # One answer for every failure: a wrong token does not confirm the id exists.
        assert refused.value.message == "no security report with this id and token"
    with store.transaction(write=False) as tx:
        row = tx.session.get(SecurityReportRow, report.id)
        assert row is not None
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        logged = [e.payload_json for e in tx.audit.entries(subject_type=SUBJECT)]
    # The audit log keeps no secret, no personal data and no vulnerability details.
    for payload in logged:
        for secret in (token, REPORT["description"], REPORT["researcher_contact"], "Grace"):
            assert secret not in payload


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"title": ""}, InvalidSecurityReport, "title"),
        ({"title": "   "}, InvalidSecurityReport, "title"),
        ({"title": "x" * 201}, InvalidSecurityReport, "title"),
        ({"title": "two\nlines"}, InvalidSecurityReport, "title"),
        ({"asset": ""}, InvalidSecurityReport, "asset"),
        ({"asset": "x" * 501}, InvalidSecurityReport, "asset"),
        ({"description": ""}, InvalidSecurityReport, "description"),
        ({"description": "nul \x00 byte"}, InvalidSecurityReport, "description"),
        ({"description": "x" * 20_001}, InvalidSecurityReport, "description"),
        ({"steps": "\n\n"}, InvalidSecurityReport, "steps"),
        ({"steps": "x" * 20_001}, InvalidSecurityReport, "steps"),
        ({"proposed_cvss31": "CVSS:3.1/AV:N"}, InvalidVector, "cvss31"),
        (
            {"proposed_cvss31": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
            InvalidVector,
            "cvss31",
        ),
        ({"proposed_cvss40": CVSS31_CRITICAL}, InvalidVector, "cvss40"),
        ({"researcher_name": None}, InvalidSecurityReport, "researcher_name"),  # consent, no name
        ({"researcher_name": "Ada\x1b[31m"}, InvalidSecurityReport, "researcher_name"),
        ({"researcher_contact": "x" * 321}, InvalidSecurityReport, "researcher_contact"),
    ],
)
def test_a_bad_submission_is_refused_naming_the_field_and_changes_nothing(
    store: SqlStore, changes: dict[str, Any], error: type[Exception], field: str
) -> None:
    before = audit_size(store)
    with pytest.raises(error) as refused:
        submit(store, **changes)
    assert refused.value.data["field"] == field  # type: ignore[attr-defined]
    assert audit_size(store) == before
    assert service.reports(store, ADMIN) == []


def test_anonymous_reports_are_accepted_without_consent(store: SqlStore) -> None:
    receipt = submit(store, researcher_name=None, researcher_contact=None, acknowledge=False)
    assert receipt.report.submission.researcher_name is None


def test_the_triage_flow_to_a_resolved_rewarded_acknowledged_report(
    store: SqlStore, clock: FixedClock
) -> None:
    receipt = submit(store)
    report = receipt.report
    clock.advance(timedelta(hours=3))
    message = service.respond(store, ADMIN, report.id, "Thanks, we are looking at it.")
    assert message.id is not None and message.author == "admin:ada"
    assert _state(store, report.id).first_response_at == clock.now()
    clock.advance(timedelta(hours=5))
    service.change_state(store, ADMIN, report.id, state="triaged")
    scored = service.set_score(store, ADMIN, report.id, cvss31=CVSS31_CRITICAL, cvss40=CVSS40_HIGH)
    # CVSS 4.0 governs; a later 3.1-only rescore keeps the 4.0 score.
    assert scored.triage.severity is not None and scored.triage.severity.value == "high"
    rescored = service.set_score(store, ADMIN, report.id, cvss31=CVSS31_MEDIUM)
    assert rescored.triage.cvss40 == scored.triage.cvss40
    assert rescored.triage.cvss31 is not None and rescored.triage.cvss31.score == 4.6
    assert intake.acknowledgements(store) == []  # not resolved: nothing public
    clock.advance(timedelta(days=2))
    resolved = service.change_state(store, ADMIN, report.id, state="resolved")
    triage = resolved.triage
    assert (triage.state, triage.resolved_at, triage.closed_at) == (
        State.RESOLVED,
        clock.now(),
        clock.now(),
    )
    reward = reward_for(resolved, reward_table())
    assert triage.severity is not None and reward is not None
    assert reward.amount == reward_table().amounts[triage.severity]
    assert [r.id for r in intake.acknowledgements(store)] == [report.id]
    found, messages = intake.track(store, report.id, receipt.token)
    assert found.triage == triage and [m.body for m in messages] == [message.body]
    dossier = service.dossier(store, ADMIN, report.id)
    assert [e.kind for e in dossier.history] == [
        "security_report.received",
        "security_report.responded",
        "security_report.state_changed",
        "security_report.scored",
        "security_report.scored",
        "security_report.state_changed",
    ]
    assert [m.body for m in dossier.messages] == ["Thanks, we are looking at it."]


def test_refused_triage_changes_nothing(store: SqlStore) -> None:
    report = submit(store).report
    closed = submit(store).report
    service.change_state(store, ADMIN, closed.id, state="not_applicable")
    attempts = [
        (
            lambda: service.change_state(store, ADMIN, report.id, state="resolved"),
            InvalidTransition,
        ),
        (lambda: service.change_state(store, ADMIN, report.id, state="new"), InvalidTransition),
        (lambda: service.change_state(store, ADMIN, report.id, state="fixed"), InvalidTriage),
        (
            lambda: service.change_state(store, ADMIN, closed.id, state="resolved"),
            InvalidTransition,
        ),
        (
            lambda: service.set_score(store, ADMIN, closed.id, cvss31=CVSS31_CRITICAL),
            InvalidTransition,
        ),
        (lambda: service.set_score(store, ADMIN, report.id), InvalidTriage),
        (lambda: service.set_score(store, ADMIN, report.id, cvss31="CVSS:3.1/AV:X"), InvalidVector),
        (
            lambda: service.set_score(
                store, ADMIN, report.id, cvss31=CVSS31_CRITICAL, cvss40="CVSS:4.0/"
            ),
            InvalidVector,
        ),
        (lambda: service.respond(store, ADMIN, report.id, " "), InvalidTriage),
        (lambda: service.respond(store, ADMIN, report.id, "x" * 10_001), InvalidTriage),
        (lambda: service.respond(store, ADMIN, report.id, "nul\x00"), InvalidTriage),
    ]
    before = (audit_size(store), _state(store, report.id), _state(store, closed.id))
    for attempt, error in attempts:
        with pytest.raises(error):
            attempt()
        assert (audit_size(store), _state(store, report.id), _state(store, closed.id)) == before
    # Resolving needs a score (the reward follows from it), even from triaged.
    service.change_state(store, ADMIN, report.id, state="triaged")
    with pytest.raises(InvalidTransition, match="score the report"):
        service.change_state(store, ADMIN, report.id, state="resolved")
    assert _state(store, report.id).state is State.TRIAGED


def test_duplicates_name_an_original_report(store: SqlStore) -> None:
    original = submit(store).report
    second = submit(store).report
    third = submit(store).report
    refused = [
        ({"state": "duplicate"}, "names the original"),
        ({"state": "duplicate", "duplicate_of": second.id}, "cannot duplicate itself"),
        (
            {"state": "duplicate", "duplicate_of": "00000000-0000-4000-8000-000000000000"},
            "no security report",
        ),
        ({"state": "duplicate", "duplicate_of": "nonsense\x00"}, "no security report"),
        ({"state": "triaged", "duplicate_of": original.id}, "duplicate state only"),
    ]
    before = audit_size(store)
    for request, message in refused:
        with pytest.raises(InvalidTriage, match=message) as error:
            service.change_state(store, ADMIN, second.id, **request)
        assert error.value.data["field"] in ("duplicate_of",)
    assert audit_size(store) == before
    marked = service.change_state(
        store, ADMIN, second.id, state="duplicate", duplicate_of=original.id
    )
    assert marked.triage.duplicate_of == original.id
    with pytest.raises(InvalidTriage, match="itself a duplicate"):
        service.change_state(store, ADMIN, third.id, state="duplicate", duplicate_of=second.id)
    assert reward_for(marked, reward_table()) is None
    reopened = service.change_state(store, ADMIN, second.id, state="triaged")
    assert (reopened.triage.duplicate_of, reopened.triage.closed_at) == (None, None)


def test_only_administrators_work_reports(store: SqlStore) -> None:
    report = submit(store).report
    before = audit_size(store)
    for role in (Role.MODERATOR, Role.TRIAGE, Role.CHILD_SAFETY, Role.COMPLIANCE):
        staff = Reviewer(f"{role.value}:x", role)
        calls = [
            lambda s=staff: service.reports(store, s),
            lambda s=staff: service.dossier(store, s, report.id),
            lambda s=staff: service.change_state(store, s, report.id, state="triaged"),
            lambda s=staff: service.set_score(store, s, report.id, cvss31=CVSS31_CRITICAL),
            lambda s=staff: service.respond(store, s, report.id, "hello"),
            lambda s=staff: service.breached(store, s, include_closed=True),
        ]
        for call in calls:
            with pytest.raises(NotSecurityStaff):
                call()
    assert audit_size(store) == before


def test_unknown_reports(store: SqlStore) -> None:
    for report_id in ("00000000-0000-4000-8000-000000000000", "x", "ä" * 40, "1' OR '1'='1"):
        calls = [
            lambda r=report_id: service.dossier(store, ADMIN, r),
            lambda r=report_id: service.change_state(store, ADMIN, r, state="triaged"),
            lambda r=report_id: service.set_score(store, ADMIN, r, cvss31=CVSS31_CRITICAL),
            lambda r=report_id: service.respond(store, ADMIN, r, "hello"),
        ]
        for call in calls:
            with pytest.raises(UnknownSecurityReport):
                call()
    assert audit_size(store) == 0


def test_lists_filter_by_state_and_page(store: SqlStore, clock: FixedClock) -> None:
    ids = []
    for _ in range(5):
        ids.append(submit(store).report.id)
        clock.advance(timedelta(minutes=1))
    service.change_state(store, ADMIN, ids[1], state="triaged")
    assert [r.id for r in service.reports(store, ADMIN)] == ids  # oldest first
    assert [r.id for r in service.reports(store, ADMIN, state=State.TRIAGED)] == [ids[1]]
    assert [r.id for r in service.reports(store, ADMIN, limit=2, offset=2)] == ids[2:4]
    for limit, offset in ((0, 0), (501, 0), (10, -1)):
        with pytest.raises(InvalidTriage):
            service.reports(store, ADMIN, limit=limit, offset=offset)
    assert service.breached(store, ADMIN) == []
    clock.advance(timedelta(hours=49))  # unrated: 48 hours to a first response
    # The triaged one was answered (its move) in time; the others were not.
    assert [r.id for r in service.breached(store, ADMIN)] == [ids[0], *ids[2:]]


def test_every_report_state_rebuilds_from_the_audit_log(store: SqlStore) -> None:
    first, second, third = (submit(store).report for _ in range(3))
    service.respond(store, ADMIN, first.id, "seen")
    service.change_state(store, ADMIN, first.id, state="triaged")
    service.set_score(store, ADMIN, first.id, cvss40=CVSS40_HIGH)
    service.change_state(store, ADMIN, first.id, state="resolved")
    service.change_state(store, ADMIN, second.id, state="duplicate", duplicate_of=first.id)
    service.change_state(store, ADMIN, third.id, state="not_applicable")
    service.change_state(store, ADMIN, third.id, state="triaged")
    rebuilt: dict[str, Any] = {}
    with store.transaction(write=False) as tx:
        for entry in tx.audit.entries(subject_type=SUBJECT):
            data = json.loads(entry.payload_json)
            rebuilt[entry.subject_id] = fold(
                rebuilt.get(entry.subject_id), entry.kind, entry.at, data
            )
        stored = {r.id: r.triage for r in tx.security_reports.find()}
    assert rebuilt == stored and len(stored) == 3


def test_concurrent_triage_moves_one_at_a_time(store: SqlStore) -> None:
    """Eight administrators close the same new report at once, four as duplicate and four as
    not applicable: exactly one move wins; the others find it closed and are refused."""
    original = submit(store).report
    report = submit(store).report
    won: list[str] = []
    refused: list[BaseException] = []

    def close(state: str) -> None:
        try:
            kwargs = {"duplicate_of": original.id} if state == "duplicate" else {}
            service.change_state(store, ADMIN, report.id, state=state, **kwargs)
            won.append(state)
        except InvalidTransition as exc:
            refused.append(exc)

    threads = [
        threading.Thread(target=close, args=(state,))
        for state in ["duplicate", "not_applicable"] * 4
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(refused) == 7
    assert _state(store, report.id).state.value == won[0]
