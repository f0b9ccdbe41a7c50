"""A month of generated activity on one platform, made through Haven's real services (the text
pipeline with its model, notices, moderators' decisions, appeals, orders, suspensions): what the
transparency report and the statement batch are tested on.

Everything happens in time order on a moving clock. The generator keeps its own tally of what it
did, so the report's figures are checked against facts gathered independently of the report's
code."""

from __future__ import annotations

import heapq
import random
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

from haven.access.roles import Reviewer, Role
from haven.cases import service as cases
from haven.cases.models import AppellantKind, ReporterKind, ReportIn
from haven.cases.service import ReviewDecision
from haven.clock import FixedClock
from haven.content.jobs import AnalyseContent
from haven.content.models import TextSubmission
from haven.content.service import check_text_now
from haven.decisions.models import Decision
from haven.store.transactions import SqlStore
from haven.transparency import service as transparency
from haven.transparency.records import (
    ActiveRecipients,
    Order,
    OrderKind,
    Suspension,
    SuspensionReason,
)

PLATFORM = "clips"
# What restricts a recipient's content (DSA Art. 17), written here on its own so the expected
# figures do not come from the code under test.
RESTRICTING = {
    "remove",
    "hold_for_review",
    "age_restrict",
    "not_recommended",
    "warning_screen",
    "unverified_label",
}


def restricts(decision: Decision) -> bool:
    return any(t["name"] in RESTRICTING for t in decision.treatments)


ALICE = Reviewer("moderator:alice", Role.MODERATOR)
BOB = Reviewer("moderator:bob", Role.MODERATOR)
BENIGN = [
    "Loved this recipe, thank you for sharing!",
    "What camera do you use for these shots?",
    "I killed it at the gym today, new personal best",
    "This song is stuck in my head all week",
    "The sunset at the end is beautiful",
    "Can you do a tutorial on the second move?",
]
HARMFUL = [
    "you are a worthless idiot and everyone hates you",
    "nobody would miss you if you disappeared, loser",
    "I want to kill myself tonight, I cannot go on",
    "buy followers now cheap click my link http://spam.example",
    "go back to your country you filthy animals",
]
NOTICE_CATEGORIES = ["harassment_bullying", "hate_speech", "spam_scams", "violent_threats"]


@dataclass
class Tally:
    """What the generator did, counted as it went."""

    contents: int = 0
    automated: list[Decision] = field(default_factory=list)
    notices: Counter[str] = field(default_factory=Counter)
    trusted_flagger_notices: int = 0
    notice_hours: list[float] = field(default_factory=list)
    removed_by_notice: int = 0
    kept_after_notice: int = 0
    pending_notices: int = 0
    complaints: int = 0
    reversed: int = 0
    upheld: int = 0
    open_complaints: int = 0
    orders: int = 0
    suspensions: Counter[str] = field(default_factory=Counter)
    recipients: int = 0

    @property
    def own_initiative_restrictions(self) -> int:
        return sum(1 for d in self.automated if restricts(d))

    @property
    def median_notice_hours(self) -> float:
        return round(statistics.median(self.notice_hours), 2)


def generate_month(
    store: SqlStore, clock: FixedClock, analyser: AnalyseContent, *, year: int, month: int
) -> Tally:
    """84 texts, 30 notices (six left pending), 12 appeals (two left open), 3 orders, 2
    suspensions and the month's active recipients, spread over the month in time order."""
    rng = random.Random(f"{year}-{month}")
    tally = Tally()
    start = datetime(year, month, 1, 8, tzinfo=UTC)
    events: list[tuple[datetime, int, Callable[[], None]]] = []

    def at(when: datetime, action: Callable[[], None]) -> None:
        heapq.heappush(events, (when, len(events), action))

    benign: list[str] = []
    removed: list[str] = []

    def post(day: int, index: int) -> None:
        text = rng.choice(HARMFUL if rng.random() < 0.35 else BENIGN)
        checked = check_text_now(
            store,
            analyser,
            platform=PLATFORM,
            submission=TextSubmission(
                f"{text} #{day}-{index}", "comment", author_id=f"user-{day}-{index}"
            ),
            actor="key:clips",
        )
        tally.contents += 1
        tally.automated.append(checked.decision)
        if not restricts(checked.decision) and checked.decision.outcome == "allow":
            benign.append(checked.content.id)

    for day in range(28):
        for index in range(3):
            at(start + timedelta(days=day, minutes=17 * (index + 1)), partial(post, day, index))

    def notice(number: int) -> None:
        content_id = benign.pop(rng.randrange(len(benign)))
        category = NOTICE_CATEGORIES[number % len(NOTICE_CATEGORIES)]
        trusted = number % 5 == 0
        cases.receive_report(
            store,
            platform=PLATFORM,
            notice=ReportIn(
                content_id=content_id,
                category=category,
                explanation="This comment is abusive towards another user.",
                reporter_kind=ReporterKind.TRUSTED_FLAGGER if trusted else ReporterKind.USER,
                good_faith=True,
                reporter_id=None if trusted else f"user-n{number}",
                notifier_name="Flag Org" if trusted else f"Notifier {number}",
                notifier_email="reports@flag.example" if trusted else f"n{number}@mail.example",
            ),
            actor="key:clips",
        )
        tally.notices[category] += 1
        tally.trusted_flagger_notices += trusted
        if number >= 24:  # the last six stay pending
            tally.pending_notices += 1
            return
        received = clock.now()
        at(
            received + timedelta(hours=2 + (number * 7) % 30),
            partial(answer, number, content_id, received),
        )

    def answer(number: int, content_id: str, received: datetime) -> None:
        cases.claim(store, ALICE, content_id)
        remove = number % 3 != 2
        cases.decide(
            store,
            ALICE,
            content_id,
            ReviewDecision(
                "remove" if remove else "keep",
                "The comment insults another user by name."
                if remove
                else "The comment is rude but breaks no rule.",
                ground_reference="terms:community-guidelines#harassment",
            ),
        )
        tally.notice_hours.append((clock.now() - received).total_seconds() / 3600)
        if remove:
            tally.removed_by_notice += 1
            removed.append(content_id)
        else:
            tally.kept_after_notice += 1

    for number in range(30):
        at(start + timedelta(days=2, hours=number * 17, minutes=5), partial(notice, number))

    def complain(number: int) -> None:
        content_id = removed[number]
        with store.transaction(write=False) as tx:
            author = str(tx.content.get(content_id).author_id)
        cases.appeal(
            store,
            platform=PLATFORM,
            content_id=content_id,
            appellant_kind=AppellantKind.AFFECTED_USER,
            appellant_id=author,
            reason="I was joking with a friend.",
            actor="key:clips",
        )
        tally.complaints += 1
        if number >= 10:  # two stay open
            tally.open_complaints += 1
            return
        at(clock.now() + timedelta(hours=3 + number), partial(settle, number, content_id))

    def settle(number: int, content_id: str) -> None:
        cases.claim(store, BOB, content_id)
        reverse = number % 3 == 0
        cases.decide_appeal(
            store,
            BOB,
            content_id,
            reverse=reverse,
            explanation="The context shows a joke between friends."
            if reverse
            else "The comment is an insult whatever the intent.",
        )
        tally.reversed += reverse
        tally.upheld += not reverse

    for number in range(12):
        at(start + timedelta(days=26, minutes=30 * number), partial(complain, number))

    while events:
        when, _, action = heapq.heappop(events)
        if when > clock.now():
            clock.advance(when - clock.now())
        action()

    # Orders from authorities, suspensions, and the month's active recipients.
    for number, (kind, state) in enumerate(
        [(OrderKind.ACT, "DE"), (OrderKind.ACT, "FR"), (OrderKind.INFORMATION, "NL")]
    ):
        received = start + timedelta(days=5 + 7 * number)
        transparency.record_order(
            store,
            Order(
                "",
                PLATFORM,
                kind,
                state,
                f"Authority {state}",
                "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
                f"ORD-{year}-{number + 1}",
                received,
                acknowledged_at=received + timedelta(hours=2),
                effect_at=received + timedelta(hours=20),
            ),
            actor="key:clips",
        )
        tally.orders += 1
    for number, reason in enumerate(
        [SuspensionReason.ILLEGAL_CONTENT, SuspensionReason.UNFOUNDED_NOTICES]
    ):
        begins = start + timedelta(days=10 + number)
        transparency.record_suspension(
            store,
            Suspension(
                "",
                PLATFORM,
                f"user-s{number}",
                reason,
                begins - timedelta(days=3),
                begins,
                begins + timedelta(days=14),
                "moderator:alice",
            ),
            actor="key:clips",
        )
        tally.suspensions[reason.value] += 1
    tally.recipients = 48_250
    transparency.report_active_recipients(
        store,
        ActiveRecipients(
            PLATFORM, f"{year}-{month:02d}", tally.recipients, "distinct signed-in EU accounts"
        ),
        actor="key:clips",
    )
    return tally
