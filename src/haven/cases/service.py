"""The moderation workflow: notices, the review queue, human decisions, appeals, and the audit
log they all write to. Each call owns its transaction; each case event is appended to the
audit log and folded into the case's state in that same transaction."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from haven.access.roles import Reviewer
from haven.audit.models import AuditEvent
from haven.cases.errors import (
    CaseNotClaimable,
    InvalidAppeal,
    InvalidReport,
    InvalidReview,
    NoCase,
    NotPermitted,
)
from haven.cases.events import fold
from haven.cases.interfaces import CasesStore, CasesTransaction
from haven.cases.models import (
    Appeal,
    AppealStatus,
    AppellantKind,
    CaseState,
    CaseStatus,
    Report,
    ReporterKind,
    ReportIn,
)
from haven.cases.queues import ESCALATIONS_QUEUE, priority_for, queue_for
from haven.decisions.models import Automation, Decision, Ground, Source
from haven.decisions.statements import appeal_until
from haven.decisions.webhooks import schedule_webhook
from haven.taxonomy import CATEGORY_IDS

CLAIM_TIMEOUT = timedelta(minutes=15)
CSAM_CATEGORY = "child_sexual_exploitation_grooming"
MAX_EXPLANATION = 5000
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,}")
# What a reviewer may decide, and the treatments each outcome means for the platform.
REVIEW_OUTCOMES: dict[str, list[str]] = {
    "keep": [],
    "label": ["info_banner"],
    "not_recommended": ["not_recommended"],
    # An opt-in viewing screen (skip / watch) keeps the content out of recommendations too.
    "warning_screen": ["warning_screen", "not_recommended"],
    "age_restrict": ["age_restrict"],
    "remove": ["remove"],
}
RESTRICTIVE = {"remove", "age_restrict", "warning_screen", "not_recommended"}


def apply_case_event(
    tx: CasesTransaction, state: CaseState | None, kind: str, actor: str, data: dict[str, Any]
) -> CaseState:
    """Append the event and store the state it folds to, in the caller's transaction."""
    entry = tx.audit.append(AuditEvent("content", data["content_id"], kind, actor, data))
    new = fold(state, kind, entry.at, data)
    tx.cases.save(new)
    return new


def _check_report(notice: ReportIn) -> None:
    def bad(message: str, field: str) -> InvalidReport:
        return InvalidReport(message, field=field)

    if notice.category not in (*CATEGORY_IDS, "other"):
        raise bad(f"category {notice.category!r} is not a Haven category or 'other'", "category")
    if not notice.explanation.strip() or len(notice.explanation) > MAX_EXPLANATION:
        raise bad(f"explanation must say why, in 1-{MAX_EXPLANATION} characters", "explanation")
    if notice.good_faith is not True:
        raise bad("a notice needs the statement that it is made in good faith", "good_faith")
    if notice.video_timestamp is not None and not 0 <= notice.video_timestamp <= 86_400:
        raise bad("video_timestamp must be seconds from the start of the video", "video_timestamp")
    if notice.reporter_kind is ReporterKind.USER and not notice.reporter_id:
        raise bad("a signed-in user's notice needs reporter_id", "reporter_id")
    # Art. 16(2)(c): name and email, except for offences concerning child sexual abuse.
    if notice.category != CSAM_CATEGORY:
        if not notice.notifier_name or not notice.notifier_name.strip():
            raise bad("notifier_name is required (except for child sexual abuse)", "notifier_name")
        if not notice.notifier_email or not _EMAIL.fullmatch(notice.notifier_email):
            raise bad("notifier_email must be an email address", "notifier_email")
    elif notice.notifier_email and not _EMAIL.fullmatch(notice.notifier_email):
        raise bad("notifier_email must be an email address", "notifier_email")
    if notice.location_url is not None and not re.fullmatch(
        r"https?://\S{1,2000}", notice.location_url
    ):
        raise bad("location_url must be an http(s) URL", "location_url")


def receive_report(store: CasesStore, *, platform: str, notice: ReportIn, actor: str) -> Report:
    """Store a notice, open or join the content's case, and confirm receipt (Art. 16(4)).
    Nothing is written if the content does not exist on this platform."""
    _check_report(notice)
    with store.transaction() as tx:
        item = tx.content.get(notice.content_id, platform=platform)
        if notice.video_timestamp is not None and item.kind.value == "text":
            raise InvalidReport(
                "a text has no timestamp; leave video_timestamp out", field="video_timestamp"
            )
        report = Report(str(uuid.uuid4()), store.clock.now(), platform, notice)
        tx.reports.add(report)
        state = tx.cases.get(item.id, lock=True)
        reports = len(state.report_ids) + 1 if state and state.status is CaseStatus.OPEN else 1
        trusted = notice.reporter_kind is ReporterKind.TRUSTED_FLAGGER
        apply_case_event(
            tx,
            state,
            "case.report_received",
            actor,
            {
                "content_id": item.id,
                "report_id": report.id,
                "category": notice.category,
                "queue": queue_for(notice.category),
                "priority": priority_for(notice.category, trusted_flagger=trusted, reports=reports),
                "reason": f"notice ({notice.reporter_kind.value}): {notice.category}",
            },
        )
    return report


def request_review(
    tx: CasesTransaction, content_id: str, *, category: str | None, reason: str
) -> CaseState:
    """Put content in review because the policy asked (hold_for_review), inside the caller's
    transaction (the job that wrote the automated decision)."""
    state = tx.cases.get(content_id, lock=True)
    return apply_case_event(
        tx,
        state,
        "case.review_requested",
        "system",
        {
            "content_id": content_id,
            "queue": queue_for(category),
            "reason": reason,
            "priority": priority_for(category, trusted_flagger=False, reports=1),
        },
    )


def _open_case(tx: CasesTransaction, content_id: str) -> CaseState:
    state = tx.cases.get(content_id, lock=True)
    if state is None or state.status is not CaseStatus.OPEN:
        raise NoCase(f"content {content_id} has no open case", content_id=content_id)
    return state


def claim(store: CasesStore, reviewer: Reviewer, content_id: str) -> CaseState:
    """Take a case for CLAIM_TIMEOUT: nobody else can decide it until then."""
    with store.transaction() as tx:
        now = store.clock.now()
        state = _open_case(tx, content_id)
        _check_claimable(reviewer, state, now)
        return apply_case_event(
            tx,
            state,
            "case.claimed",
            reviewer.id,
            {
                "content_id": content_id,
                "reviewer": reviewer.id,
                "expires_at": (now + CLAIM_TIMEOUT).isoformat(),
            },
        )


def claim_next(store: CasesStore, reviewer: Reviewer, queue: str) -> CaseState | None:
    """The most urgent unclaimed case in ``queue``, claimed; None when the queue is empty.
    Concurrent callers never get the same case (row locks that skip locked rows)."""
    if not reviewer.may_see(queue):
        raise NotPermitted(f"{reviewer.role.value} may not work the {queue} queue", queue=queue)
    with store.transaction() as tx:
        now = store.clock.now()
        state = tx.cases.next_claimable(queue, now=now, reviewer=reviewer.id)
        if state is None:
            return None
        return apply_case_event(
            tx,
            state,
            "case.claimed",
            reviewer.id,
            {
                "content_id": state.content_id,
                "reviewer": reviewer.id,
                "expires_at": (now + CLAIM_TIMEOUT).isoformat(),
            },
        )


def _check_claimable(reviewer: Reviewer, state: CaseState, now: datetime) -> None:
    if not reviewer.may_see(state.queue):
        raise NotPermitted(
            f"{reviewer.role.value} may not work the {state.queue} queue", queue=state.queue
        )
    holder = state.claimed_at(now)
    if holder is not None and holder != reviewer.id:
        raise CaseNotClaimable(
            f"case {state.content_id} is claimed by someone else", content_id=state.content_id
        )
    if state.excluded_reviewer == reviewer.id:
        raise CaseNotClaimable(
            "an appeal is decided by someone other than the first reviewer",
            content_id=state.content_id,
        )


def _held(
    tx: CasesTransaction, store: CasesStore, reviewer: Reviewer, content_id: str
) -> CaseState:
    state = _open_case(tx, content_id)
    if state.claimed_at(store.clock.now()) != reviewer.id:
        raise CaseNotClaimable(
            f"claim case {content_id} before acting on it", content_id=content_id
        )
    return state


def release(store: CasesStore, reviewer: Reviewer, content_id: str) -> CaseState:
    with store.transaction() as tx:
        state = _held(tx, store, reviewer, content_id)
        return apply_case_event(tx, state, "case.released", reviewer.id, {"content_id": content_id})


def escalate(store: CasesStore, reviewer: Reviewer, content_id: str, reason: str) -> CaseState:
    if not reason.strip():
        raise InvalidReview("say why the case is escalated", field="reason")
    with store.transaction() as tx:
        state = _held(tx, store, reviewer, content_id)
        return apply_case_event(
            tx,
            state,
            "case.escalated",
            reviewer.id,
            {
                "content_id": content_id,
                "queue": ESCALATIONS_QUEUE,
                "priority": state.priority + 20,
                "reason": f"escalated: {reason}",
            },
        )


@dataclass(frozen=True)
class ReviewDecision:
    outcome: str  # a key of REVIEW_OUTCOMES
    explanation: str  # the facts and circumstances (Art. 17(3)(b))
    ground: Ground = Ground.TERMS
    ground_reference: str = ""  # the rule, or the law for illegal content
    territorial_scope: tuple[str, ...] = ("worldwide",)
    duration_days: int | None = None  # None: until changed


def _check_review(review: ReviewDecision) -> None:
    if review.outcome not in REVIEW_OUTCOMES:
        raise InvalidReview(f"outcome must be one of {', '.join(REVIEW_OUTCOMES)}", field="outcome")
    if not review.explanation.strip() or len(review.explanation) > MAX_EXPLANATION:
        raise InvalidReview(
            "explain the decision (the statement of reasons quotes it)", field="explanation"
        )
    if review.outcome in RESTRICTIVE and not review.ground_reference.strip():
        raise InvalidReview(
            "a restriction needs its ground: the rule or the law", field="ground_reference"
        )
    if review.duration_days is not None and not 1 <= review.duration_days <= 3650:
        raise InvalidReview("duration_days must be 1-3650, or absent", field="duration_days")
    for region in review.territorial_scope:
        if region != "worldwide" and not re.fullmatch(r"[A-Z]{2}|EEA", region):
            raise InvalidReview(
                f"territorial scope {region!r} is not a country code, EEA or worldwide",
                field="territorial_scope",
            )


def _human_decision(
    tx: CasesTransaction,
    store: CasesStore,
    reviewer: Reviewer,
    content_id: str,
    review: ReviewDecision,
    source: Source,
    state_reports: tuple[str, ...] | list[str] = (),
) -> Decision:
    previous = tx.decisions.latest(content_id)
    now = store.clock.now()
    # Automated means count in detection only when the analysis flagged a harm; content the
    # machine let through and a notice brought to a person was detected by the notice.
    machine_flagged = bool(previous and previous.automated_detection and previous.categories)
    # The categories the decision is about: what the analysis found, and what the notices on
    # the case alleged (the statement of reasons and the transparency report count by them).
    categories = dict(previous.categories) if previous else {}
    for report_id in state_reports:
        report = tx.reports.get(report_id)
        if report is not None and report.notice.category in CATEGORY_IDS:
            categories.setdefault(report.notice.category, 1.0)
    decision = Decision(
        id=str(uuid.uuid4()),
        content_id=content_id,
        version=previous.version + 1 if previous else 1,
        made_at=now,
        decided_by=reviewer.id,
        job_id=None,
        outcome=review.outcome,
        treatments=[
            {
                "name": name,
                "rule": f"review:{review.outcome}",
                "reason": review.explanation,
                "params": {},
                "evidence": [],
            }
            for name in REVIEW_OUTCOMES[review.outcome]
        ],
        categories=categories,
        automated_detection=machine_flagged,
        automation=Automation.PARTIALLY if machine_flagged else Automation.NOT_AUTOMATED,
        policy_version=previous.policy_version if previous else "",
        source=source,
        ground=review.ground,
        ground_reference=review.ground_reference,
        explanation=review.explanation,
        territorial_scope=tuple(review.territorial_scope),
        ends_at=now + timedelta(days=review.duration_days) if review.duration_days else None,
    )
    tx.decisions.add(decision)
    schedule_webhook(tx, decision, platform=tx.content.get(content_id).platform, now=now)
    return decision


def decide(
    store: CasesStore, reviewer: Reviewer, content_id: str, review: ReviewDecision
) -> Decision:
    """A human decision on a claimed case: a new decision version, the case closed."""
    _check_review(review)
    if not reviewer.may_decide(review.outcome):
        raise NotPermitted(
            f"{reviewer.role.value} may not decide {review.outcome}", outcome=review.outcome
        )
    with store.transaction() as tx:
        state = _held(tx, store, reviewer, content_id)
        if state.appeal_id:
            raise InvalidReview(
                "this case is an appeal: decide it with decide_appeal", field="outcome"
            )
        source = Source.NOTICE if state.report_ids else Source.OWN_INITIATIVE
        decision = _human_decision(
            tx, store, reviewer, content_id, review, source, state.report_ids
        )
        apply_case_event(
            tx,
            state,
            "case.decided",
            reviewer.id,
            {
                "content_id": content_id,
                "reviewer": reviewer.id,
                "decision": decision.id,
                "decision_version": decision.version,
                "outcome": decision.outcome,
                "reports": list(state.report_ids),
            },
        )
    return decision


def appeal(
    store: CasesStore,
    *,
    platform: str,
    content_id: str,
    appellant_kind: AppellantKind,
    appellant_id: str,
    reason: str,
    actor: str,
) -> Appeal:
    """An internal complaint (Art. 20) against the content's current decision, by its author or
    by the notifier (named by the report id they were given), within six months."""
    if not reason.strip() or len(reason) > MAX_EXPLANATION:
        raise InvalidAppeal(f"say why, in 1-{MAX_EXPLANATION} characters", field="reason")
    with store.transaction() as tx:
        item = tx.content.get(content_id, platform=platform)
        decision = tx.decisions.latest(content_id)
        if decision is None:
            raise InvalidAppeal(
                "there is no decision on this content to appeal", field="content_id"
            )
        now = store.clock.now()
        if now > appeal_until(decision.made_at):  # DSA Art. 20(1): at least six months
            raise InvalidAppeal(
                "the six months for an appeal against this decision have passed", field="content_id"
            )
        if appellant_kind is AppellantKind.AFFECTED_USER:
            if not item.author_id or appellant_id != item.author_id:
                raise InvalidAppeal(
                    "only the content's author may appeal as the affected user",
                    field="appellant_id",
                )
        else:
            report = tx.reports.get(appellant_id)
            if report is None or report.notice.content_id != content_id:
                raise InvalidAppeal(
                    "a notifier appeals with the id of their report on this content",
                    field="appellant_id",
                )
        if tx.appeals.open_for(content_id) is not None:
            raise InvalidAppeal(
                "an appeal against this decision is already open", field="content_id"
            )
        filed = Appeal(
            str(uuid.uuid4()), content_id, decision.id, appellant_kind, appellant_id, reason, now
        )
        tx.appeals.add(filed)
        state = tx.cases.get(content_id, lock=True)
        human = decision.decided_by if decision.decided_by != "system" else None
        apply_case_event(
            tx,
            state,
            "case.appeal_received",
            actor,
            {
                "content_id": content_id,
                "appeal_id": filed.id,
                "decision": decision.id,
                "priority": 60,
                "reason": f"appeal by the {appellant_kind.value.replace('_', ' ')}",
                "excluded_reviewer": human,
            },
        )
    return filed


def decide_appeal(
    store: CasesStore,
    reviewer: Reviewer,
    content_id: str,
    *,
    reverse: bool,
    explanation: str,
    new_outcome: str = "keep",
) -> Appeal:
    """Uphold or reverse the appealed decision, with reasons. A reversal is a new decision
    (by default ``keep``: the content is restored) and is recorded as such."""
    if not explanation.strip() or len(explanation) > MAX_EXPLANATION:
        raise InvalidReview("explain the appeal decision", field="explanation")
    if reverse:
        _check_review(ReviewDecision(new_outcome, explanation, ground_reference="appeal"))
        if not reviewer.may_decide(new_outcome):
            raise NotPermitted(f"{reviewer.role.value} may not decide {new_outcome}")
    with store.transaction() as tx:
        state = _held(tx, store, reviewer, content_id)
        filed = tx.appeals.open_for(content_id)
        if filed is None or state.appeal_id != filed.id:
            raise NoCase(f"content {content_id} has no open appeal", content_id=content_id)
        if state.excluded_reviewer == reviewer.id:
            raise NotPermitted("an appeal is decided by someone other than the first reviewer")
        version = tx.decisions.latest(content_id).version
        if reverse:
            decision = _human_decision(
                tx,
                store,
                reviewer,
                content_id,
                ReviewDecision(new_outcome, explanation, ground_reference="appeal reversal"),
                Source.APPEAL,
            )
            version = decision.version
        now = store.clock.now()
        decided = tx.appeals.decide(
            filed.id,
            status=AppealStatus.REVERSED if reverse else AppealStatus.UPHELD,
            reviewer=reviewer.id,
            at=now,
            explanation=explanation,
        )
        apply_case_event(
            tx,
            state,
            "case.appeal_decided",
            reviewer.id,
            {
                "content_id": content_id,
                "appeal_id": filed.id,
                "reviewer": reviewer.id,
                "reversed": reverse,
                "decision_version": version,
            },
        )
    return decided
