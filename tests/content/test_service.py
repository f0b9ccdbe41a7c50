"""Submitting text: every bad field is refused by name and changes nothing."""

from __future__ import annotations

import pytest

from haven.content.errors import InvalidSubmission, UnknownContent
from haven.content.models import AgeBand, ContentState, TextSubmission
from haven.content.service import submit_text
from haven.jobs.queue import HueyQueue
from haven.store.transactions import SqlStore


def test_a_submission_is_stored_with_its_context(store: SqlStore, job_queue: HueyQueue) -> None:
    submitted = submit_text(
        store,
        platform="p1",
        actor="key:1",
        submission=TextSubmission("hi there", "caption", "en-GB", AgeBand.AGE_13_15, "gb", "v-9"),
    )
    with store.transaction() as tx:
        item = tx.content.get(submitted.content.id, platform="p1")
        with pytest.raises(UnknownContent):
            tx.content.get(submitted.content.id, platform="another-platform")
    assert (item.language, item.region, item.author_age_band) == ("en", "GB", AgeBand.AGE_13_15)
    assert item.external_id == "v-9" and item.state is ContentState.PENDING
    assert item.author_age_band.minor


@pytest.mark.parametrize(
    ("submission", "field"),
    [
        (TextSubmission("", "comment"), "text"),
        (TextSubmission("   ", "comment"), "text"),
        (TextSubmission("x" * 100_001, "comment"), "text"),
        (TextSubmission("bad \udc80 surrogate", "comment"), "text"),
        (TextSubmission("hi", "billboard"), "surface"),
        (TextSubmission("hi", "comment", language="english!"), "language"),
        (TextSubmission("hi", "comment", region="Germany"), "region"),
        (TextSubmission("hi", "comment", external_id=""), "external_id"),
        (TextSubmission("hi", "comment", external_id="a\nb"), "external_id"),
        (TextSubmission("hi", "comment", author_age_band="teen"), "author_age_band"),  # type: ignore[arg-type]
    ],
)
def test_bad_submissions_change_nothing(
    store: SqlStore, job_queue: HueyQueue, submission: TextSubmission, field: str
) -> None:
    with pytest.raises(InvalidSubmission) as raised:
        submit_text(store, platform="p1", actor="key:1", submission=submission)
    assert raised.value.data["field"] == field
    with store.transaction() as tx:
        assert list(tx.audit.entries()) == []
    assert job_queue.pending() == 0
