"""The moderation workflow on both databases: notices, the queue, decisions, appeals, and the
case state rebuilt from the audit log."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest

from haven.access.roles import Reviewer, Role
from haven.audit.service import verify_audit_log
from haven.cases import service
from haven.cases.errors import (
    CaseNotClaimable,
    InvalidAppeal,
    InvalidReport,
    InvalidReview,
    NoCase,
    NotPermitted,
)
from haven.cases.events import fold
from haven.cases.models import AppealStatus, AppellantKind, CaseStatus, ReporterKind, ReportIn
from haven.cases.queues import APPEALS_QUEUE, CHILD_SAFETY_QUEUE
from haven.clock import FixedClock
from haven.content.errors import UnknownContent
from haven.content.models import TextSubmission
from haven.content.service import submit_text
from haven.decisions.models import Automation, Source
from haven.decisions.statements import appeal_until
from haven.jobs.queue import HueyQueue
from haven.store.transactions import SqlStore

ALICE = Reviewer("moderator:alice", Role.MODERATOR)
BOB = Reviewer("moderator:bob", Role.MODERATOR)
TRIAGE = Reviewer("triage:tom", Role.TRIAGE)
SPECIALIST = Reviewer("child_safety:cara", Role.CHILD_SAFETY)
COMPLIANCE = Reviewer("compliance:cem", Role.COMPLIANCE)


def _content(store: SqlStore, queue: HueyQueue, text: str = "some comment") -> str:
    return submit_text(
        store,
        platform="clips",
        actor="key:t",
        submission=TextSubmission(text, "comment", author_id="user-42"),
    ).content.id


def _notice(content_id: str, **changes: object) -> ReportIn:
    fields: dict[str, object] = {
        "content_id": content_id,
        "category": "harassment_bullying",
        "explanation": "This comment insults my daughter by name.",
        "reporter_kind": ReporterKind.USER,
        "good_faith": True,
        "reporter_id": "user-7",
        "notifier_name": "Ana Lima",
        "notifier_email": "ana@example.org",
    }
    fields.update(changes)
    return ReportIn(**fields)  # type: ignore[arg-type]


def _report(store: SqlStore, content_id: str, **changes: object):  # type: ignore[no-untyped-def]
    return service.receive_report(
        store, platform="clips", notice=_notice(content_id, **changes), actor="key:t"
    )


def _rows(store: SqlStore) -> int:
    with store.transaction() as tx:
        return len(list(tx.audit.entries()))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "rudeness"}, "category"),
        ({"explanation": " "}, "explanation"),
        ({"good_faith": False}, "good_faith"),
        ({"notifier_name": None}, "notifier_name"),
        ({"notifier_email": "not-an-email"}, "notifier_email"),
        ({"reporter_id": None}, "reporter_id"),
        ({"video_timestamp": -3.0}, "video_timestamp"),
        ({"video_timestamp": 2.0}, "video_timestamp"),  # a text has no timeline
        ({"location_url": "javascript:alert(1)"}, "location_url"),
    ],
)
def test_an_invalid_notice_names_its_field_and_writes_nothing(
    store: SqlStore, job_queue: HueyQueue, changes: dict[str, object], field: str
) -> None:
    content_id = _content(store, job_queue)
    before = _rows(store)
    with pytest.raises(InvalidReport) as raised:
        _report(store, content_id, **changes)
    assert raised.value.data["field"] == field
    assert _rows(store) == before


def test_a_notice_about_unknown_or_foreign_content_writes_nothing(
    store: SqlStore, job_queue: HueyQueue
) -> None:
    content_id = _content(store, job_queue)
    before = _rows(store)
    with pytest.raises(UnknownContent):
        _report(store, "no-such-content")
    with pytest.raises(UnknownContent):
        service.receive_report(store, platform="other", notice=_notice(content_id), actor="k")
    assert _rows(store) == before


def test_notices_open_cases_by_category_and_priority(store: SqlStore, job_queue: HueyQueue) -> None:
    insult, grooming, spam = (_content(store, job_queue) for _ in range(3))
    _report(store, insult)
    # Art. 16(2)(c): a child sexual abuse notice needs no name or email.
    _report(
        store,
        grooming,
        category="child_sexual_exploitation_grooming",
        reporter_kind=ReporterKind.ANONYMOUS,
        reporter_id=None,
        notifier_name=None,
        notifier_email=None,
    )
    _report(store, spam, category="spam_scams", reporter_kind=ReporterKind.TRUSTED_FLAGGER)
    with store.transaction() as tx:
        cases = {c.content_id: c for c in tx.cases.open_in()}
    assert cases[grooming].queue == CHILD_SAFETY_QUEUE
    assert cases[insult].queue == "harassment_bullying"
    assert cases[spam].priority > 20  # a trusted flagger's notice goes first in its queue
    _report(store, insult, reporter_id="user-8")
    with store.transaction() as tx:
        again = tx.cases.get(insult)
    assert again is not None and len(again.report_ids) == 2
    assert again.priority > cases[insult].priority


def test_claims_are_exclusive_and_time_out(
    store: SqlStore, job_queue: HueyQueue, clock: FixedClock
) -> None:
    first, second = _content(store, job_queue), _content(store, job_queue)
    _report(store, first)
    clock.advance(timedelta(seconds=1))
    _report(store, second)
    taken = service.claim_next(store, ALICE, "harassment_bullying")
    assert taken is not None and taken.content_id == first and taken.claimed_by == ALICE.id
    assert service.claim_next(store, BOB, "harassment_bullying").content_id == second
    assert service.claim_next(store, BOB, "harassment_bullying") is None
    with pytest.raises(CaseNotClaimable):
        service.claim(store, BOB, first)
    clock.advance(service.CLAIM_TIMEOUT)
    assert service.claim(store, BOB, first).claimed_by == BOB.id
    with pytest.raises(CaseNotClaimable):
        service.decide(store, ALICE, first, service.ReviewDecision("keep", "fine"))


def test_only_child_safety_specialists_see_their_queue(
    store: SqlStore, job_queue: HueyQueue
) -> None:
    content_id = _content(store, job_queue)
    _report(store, content_id, category="child_sexual_exploitation_grooming")
    for reviewer in (ALICE, TRIAGE, COMPLIANCE):
        with pytest.raises(NotPermitted):
            service.claim_next(store, reviewer, CHILD_SAFETY_QUEUE)
        with pytest.raises(NotPermitted):
            service.claim(store, reviewer, content_id)
    assert service.claim_next(store, SPECIALIST, CHILD_SAFETY_QUEUE).content_id == content_id


def test_a_human_decision_carries_the_statement_facts(
    store: SqlStore, job_queue: HueyQueue, clock: FixedClock
) -> None:
    content_id = _content(store, job_queue)
    _report(store, content_id)
    service.claim(store, TRIAGE, content_id)
    removal = service.ReviewDecision(
        "remove",
        "Targets a named child with insults.",
        ground_reference="rules/harassment#named-minors",
        territorial_scope=("EEA",),
        duration_days=30,
    )
    with pytest.raises(NotPermitted):
        service.decide(store, TRIAGE, content_id, removal)  # triage cannot take down
    service.release(store, TRIAGE, content_id)
    service.claim(store, ALICE, content_id)
    with pytest.raises(InvalidReview):
        service.decide(
            store, ALICE, content_id, service.ReviewDecision("remove", "no ground given")
        )
    decision = service.decide(store, ALICE, content_id, removal)
    assert decision.source is Source.NOTICE and decision.automation is Automation.NOT_AUTOMATED
    assert decision.territorial_scope == ("EEA",)
    assert decision.ends_at == clock.now() + timedelta(days=30)
    assert decision.treatments[0]["name"] == "remove"
    with store.transaction() as tx:
        case = tx.cases.get(content_id)
        assert tx.decisions.latest(content_id) == decision
    assert case is not None and case.status is CaseStatus.CLOSED
    with pytest.raises(NoCase):
        service.claim(store, BOB, content_id)


def _decided(store: SqlStore, job_queue: HueyQueue, reviewer: Reviewer = ALICE) -> str:
    content_id = _content(store, job_queue)
    _report(store, content_id)
    service.claim(store, reviewer, content_id)
    service.decide(
        store,
        reviewer,
        content_id,
        service.ReviewDecision("remove", "Insults.", ground_reference="rules/harassment"),
    )
    return content_id


def test_an_appeal_is_decided_by_someone_else_and_a_reversal_restores(
    store: SqlStore, job_queue: HueyQueue
) -> None:
    content_id = _decided(store, job_queue)
    with pytest.raises(InvalidAppeal):
        service.appeal(
            store,
            platform="clips",
            content_id=content_id,
            actor="key:t",
            appellant_kind=AppellantKind.AFFECTED_USER,
            appellant_id="user-99",
            reason="not me",
        )
    filed = service.appeal(
        store,
        platform="clips",
        content_id=content_id,
        actor="key:t",
        appellant_kind=AppellantKind.AFFECTED_USER,
        appellant_id="user-42",
        reason="It was a joke between friends.",
    )
    with pytest.raises(InvalidAppeal):  # one open appeal at a time
        service.appeal(
            store,
            platform="clips",
            content_id=content_id,
            actor="key:t",
            appellant_kind=AppellantKind.AFFECTED_USER,
            appellant_id="user-42",
            reason="again",
        )
    assert service.claim_next(store, ALICE, APPEALS_QUEUE) is None  # she took the first decision
    with pytest.raises(CaseNotClaimable):
        service.claim(store, ALICE, content_id)
    assert service.claim_next(store, BOB, APPEALS_QUEUE).content_id == content_id
    with pytest.raises(InvalidReview):
        service.decide(store, BOB, content_id, service.ReviewDecision("keep", "x"))
    decided = service.decide_appeal(
        store, BOB, content_id, reverse=True, explanation="Context shows friendly banter."
    )
    assert decided.id == filed.id and decided.status is AppealStatus.REVERSED
    with store.transaction() as tx:
        history = tx.decisions.history(content_id)
        case = tx.cases.get(content_id)
    assert [d.outcome for d in history] == ["remove", "keep"]
    assert history[-1].source is Source.APPEAL and history[-1].decided_by == BOB.id
    assert case is not None and case.status is CaseStatus.CLOSED


def test_a_notifier_appeals_with_their_report_id_and_an_appeal_can_be_upheld(
    store: SqlStore, job_queue: HueyQueue
) -> None:
    content_id = _content(store, job_queue)
    report = _report(store, content_id)
    service.claim(store, ALICE, content_id)
    service.decide(store, ALICE, content_id, service.ReviewDecision("keep", "Not abusive."))
    service.appeal(
        store,
        platform="clips",
        content_id=content_id,
        actor="key:t",
        appellant_kind=AppellantKind.NOTIFIER,
        appellant_id=report.id,
        reason="It is abusive.",
    )
    service.claim(store, BOB, content_id)
    upheld = service.decide_appeal(
        store, BOB, content_id, reverse=False, explanation="Read again: criticism, not abuse."
    )
    assert upheld.status is AppealStatus.UPHELD
    with store.transaction() as tx:
        assert [d.outcome for d in tx.decisions.history(content_id)] == ["keep"]


def test_appeals_close_after_six_months(
    store: SqlStore, job_queue: HueyQueue, clock: FixedClock
) -> None:
    content_id = _decided(store, job_queue)
    clock.advance(appeal_until(clock.now()) - clock.now() + timedelta(seconds=1))
    with pytest.raises(InvalidAppeal, match="six months"):
        service.appeal(
            store,
            platform="clips",
            content_id=content_id,
            actor="key:t",
            appellant_kind=AppellantKind.AFFECTED_USER,
            appellant_id="user-42",
            reason="late",
        )


def test_case_state_rebuilds_from_the_audit_log(store: SqlStore, job_queue: HueyQueue) -> None:
    _decided(store, job_queue)
    content_id = _decided(store, job_queue, BOB)
    service.appeal(
        store,
        platform="clips",
        content_id=content_id,
        actor="key:t",
        appellant_kind=AppellantKind.AFFECTED_USER,
        appellant_id="user-42",
        reason="please look again",
    )
    _report(store, _content(store, job_queue))
    with store.transaction() as tx:
        rebuilt: dict[str, object] = {}
        for entry in tx.audit.entries(subject_type="content"):
            if entry.kind.startswith("case."):
                data = json.loads(entry.payload_json)
                rebuilt[entry.subject_id] = fold(
                    rebuilt.get(entry.subject_id), entry.kind, entry.at, data
                )  # type: ignore[arg-type]
        stored = {case.content_id: case for case in tx.cases.all()}
    assert rebuilt == stored and len(stored) == 3
    assert verify_audit_log(store).intact


def test_twenty_moderators_claiming_at_once_never_share_a_case(
    store: SqlStore, job_queue: HueyQueue
) -> None:
    cases = [_content(store, job_queue) for _ in range(40)]
    for content_id in cases:
        _report(store, content_id)
    taken: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def moderate(number: int) -> None:
        me = Reviewer(f"moderator:{number}", Role.MODERATOR)
        try:
            while (case := service.claim_next(store, me, "harassment_bullying")) is not None:
                taken.setdefault(case.content_id, []).append(me.id)
        except BaseException as exc:  # reported below; a thread cannot raise into the test
            errors.append(exc)

    threads = [threading.Thread(target=moderate, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == sorted(cases)
    assert all(len(holders) == 1 for holders in taken.values())
