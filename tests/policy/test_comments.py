"""Creator comment filters only make decisions stricter; bulk actions are bounded."""

from __future__ import annotations

import pytest

from haven.policy.comments import CommentFilterError, CreatorFilters, bulk_action


def test_hold_all_holds_everything_but_a_block_stays_a_block() -> None:
    filters = CreatorFilters(hold_all=True)
    assert filters.apply("nice video", "allow", [])[0] == "hold"
    assert filters.apply("anything", "block", ["violent_threats"]) == ("block", [])


def test_spam_and_offensive_filter() -> None:
    filters = CreatorFilters(filter_spam_and_offensive=True)
    decision, reasons = filters.apply("free followers dm me", "allow", ["spam_scams"])
    assert decision == "hold" and "spam_scams" in reasons[0]
    assert filters.apply("great edit", "allow", []) == ("allow", [])


def test_keywords_match_whole_words_through_evasions() -> None:
    filters = CreatorFilters(keywords=("spoiler", "ex"))
    assert filters.apply("SP0ILER: he dies", "allow", [])[0] == "hold"
    assert filters.apply("my ex is here lol", "nudge", [])[0] == "hold"
    assert filters.apply("the next episode", "allow", [])[0] == "allow"  # "ex" inside "next"


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (lambda: CreatorFilters(keywords=("!!!",)), "no letters or digits"),
        (lambda: CreatorFilters(keywords=tuple(f"w{i}" for i in range(501))), "at most 500"),
    ],
)
def test_bad_filters_are_refused(filters, message: str) -> None:
    with pytest.raises(CommentFilterError, match=message):
        filters()


def test_bulk_actions_take_at_most_100_distinct_comments() -> None:
    assert bulk_action("delete", [str(i) for i in range(100)]).action == "delete"
    with pytest.raises(CommentFilterError, match="at most 100"):
        bulk_action("delete", [str(i) for i in range(101)])
    with pytest.raises(CommentFilterError, match="listed twice"):
        bulk_action("report", ["a", "a"])
    with pytest.raises(CommentFilterError, match="unknown bulk action"):
        bulk_action("nuke", ["a"])
    with pytest.raises(CommentFilterError, match="at least one"):
        bulk_action("approve", [])
