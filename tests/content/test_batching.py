"""Texts decided in batches give each caller the answer it would get alone."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from haven.content.batching import TextBatcher
from haven.content.jobs import analyse_text
from haven.content.models import AgeBand, ContentItem, ContentKind, ContentState
from haven.policy import load_policy
from haven.signals import default_registry

TEXTS = [
    ("you're a worthless loser, nobody likes you", "comment", None, AgeBand.ADULT),
    ("how to kill myself painlessly", "search", "GB", AgeBand.AGE_13_15),
    ("what a lovely sunset", "comment", None, AgeBand.ADULT),
    ("the vaccine has a microchip in it", "caption", "US", AgeBand.ADULT),
    ("how to kill myself painlessly", "search", "US", AgeBand.ADULT),
    ("eres un perdedor", "comment", None, AgeBand.ADULT),
]


def _item(number: int, text: str, surface: str, region: str | None, band: AgeBand) -> ContentItem:
    language = "es" if text.startswith("eres") else "en"
    return ContentItem(
        f"c{number}",
        "p",
        ContentKind.TEXT,
        surface,
        language,
        band,
        region,
        None,
        text,
        None,
        datetime(2026, 1, 1, tzinfo=UTC),
        ContentState.PENDING,
    )


def test_batched_answers_equal_single_answers() -> None:
    policy = load_policy(None, known_signals=default_registry().signal_kinds())
    items = [_item(n, *fields) for n, fields in enumerate(TEXTS * 3)]
    alone = [analyse_text(item, policy) for item in items]
    batcher = TextBatcher(policy, max_wait=0.05)
    together: list[object] = [None] * len(items)

    def ask(index: int) -> None:
        together[index] = batcher.analyse(items[index])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(items))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for single, batched in zip(alone, together, strict=True):
        assert batched is not None
        assert (batched.outcome, batched.categories) == (single.outcome, single.categories)  # type: ignore[attr-defined]
        assert [t["name"] for t in batched.treatments] == [t["name"] for t in single.treatments]  # type: ignore[attr-defined]


def test_a_failure_reaches_its_own_caller() -> None:
    policy = load_policy(None, known_signals=default_registry().signal_kinds())
    batcher = TextBatcher(policy)
    broken = replace(_item(0, *TEXTS[0]), kind=ContentKind.VIDEO)
    with pytest.raises(ValueError, match="not text"):
        batcher.analyse(broken)
    assert batcher.analyse(_item(1, *TEXTS[2])).outcome == "allow"
