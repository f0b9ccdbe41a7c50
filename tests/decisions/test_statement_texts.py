"""The statement of reasons' shipped languages: complete, and chosen as the user would expect."""

from __future__ import annotations

from datetime import datetime

import pytest

from haven.decisions.statements import _keys, appeal_until, pick_language, texts


def test_every_language_has_every_text_english_has() -> None:
    catalogue = texts()
    assert {"en", "de", "fr", "es", "it", "nl", "pt", "pl"} <= set(catalogue)
    reference = _keys(catalogue["en"])
    for code, language in catalogue.items():
        assert _keys(language) == reference, code
        assert all(str(v).strip() for v in _flatten(language)), code


def _flatten(tree: dict) -> list[object]:
    out: list[object] = []
    for value in tree.values():
        out.extend(_flatten(value) if isinstance(value, dict) else [value])
    return out


@pytest.mark.parametrize(
    ("wanted", "chosen"),
    [
        (("de",), "de"),
        (("DE-at",), "de"),
        ((None, "fr-CH, fr;q=0.9, en;q=0.8"), "fr"),
        ((None, "en;q=0.1, nl;q=0.9"), "nl"),
        ((None, "nl;q=0, it"), "it"),  # q=0 means "not this one"
        ((None, "ja, ko"), "en"),
        (("tlh", "ja", "pt"), "pt"),
        ((None, "de;q=abc, es"), "es"),  # a malformed weight counts as refused
        ((), "en"),
        ((None, "fr;q=0.5, xx;q=nan, de"), "de"),
        ((None, "de;q=0.5, fr;q=nan, it;q=0.9"), "it"),
        ((None, "de;q=inf, it;q=0.2"), "it"),
    ],
)
def test_the_language_is_picked_in_order_of_preference(
    wanted: tuple[str | None, ...], chosen: str
) -> None:
    assert pick_language(*wanted) == chosen


@pytest.mark.parametrize(
    ("decided", "until"),
    [
        ("2026-03-01T10:00:00+00:00", "2026-09-02T10:00:00+00:00"),
        ("2026-03-31T10:00:00+00:00", "2026-10-01T10:00:00+00:00"),
        ("2026-08-31T23:00:00+00:00", "2027-03-01T23:00:00+00:00"),
        ("2027-08-31T23:00:00+00:00", "2028-03-01T23:00:00+00:00"),  # 29 Feb 2028 + 1 day
    ],
)
def test_the_appeal_window_is_never_shorter_than_six_months(decided: str, until: str) -> None:
    assert appeal_until(datetime.fromisoformat(decided)) == datetime.fromisoformat(until)
