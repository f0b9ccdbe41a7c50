"""Normalisation undoes evasion and maps every character back to the text as written."""

from __future__ import annotations

import pytest

from haven.signals.text.normalise import normalise


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("k1ll y0urs3lf", "kill yourself"),  # leetspeak
        ("kіll", "kill"),  # Cyrillic i
        ("k\u200bi\u200dll", "kill"),  # zero-width space and joiner
        ("KIIIIILL", "kill"),  # repeats
        ("k i l l yourself", "kill yourself"),  # spaced out
        ("k.y.s", "kys"),
        ("\U0001d424\U0001d422\U0001d425\U0001d425", "kill"),  # mathematical bold letters
        ("ｋｉｌｌ", "kill"),  # full width
        ("Nóbody", "nobody"),  # accents
        ("$lut", "slut"),
        ("go back 🐒", "go back monkey"),  # emoji spelt out
        ("k\x00i\x1fll", "kill"),  # control characters
        ("ki\ufe0fll yourself", "kill yourself"),  # variation selector
        ("k\u034fys", "kys"),  # combining grapheme joiner
        ("kill\u2800yourself", "kill yourself"),  # braille blank used as a space
        ("I\u2019ll kill you", "i'll kill you"),  # typographic apostrophe
        ("😂😂😂😂 no", "face with tears of joy no"),  # a run of one emoji is read once
        ("1 w4n7 70 d13.", "i want to die."),  # all in leetspeak: digit-only words too
        ("k 1 l l yourself", "kill yourself"),  # spaced out and in leetspeak
        ("she's s u r r o u n d e d", "she's surrounded"),  # not joined to the "s" of she's
        ("3 m e s s a g e s", "3 messages"),  # nor to a number before it
    ],
)
def test_evasions_are_undone(written: str, normalised: str) -> None:
    assert normalise(written).text == normalised


@pytest.mark.parametrize(
    "text",
    [
        "2024 election",
        "1488",
        "I scored 100!",
        "cool",
        "see you at 5:30",
        "Scunthorpe",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert normalise(text).text == text.lower()


def test_numbers_stay_numbers_beside_one_word_in_leetspeak() -> None:
    assert normalise("i'm 17 and want to d13").text == "i'm 17 and want to die"


def test_spans_map_back_to_the_written_text() -> None:
    written = "ur a l0$er, k y s"
    result = normalise(written)
    assert result.text == "ur a loser, kys"
    start = result.text.index("loser")
    first, last = result.span(start, start + len("loser"))
    assert written[first:last] == "l0$er"
    start = result.text.index("kys")
    first, last = result.span(start, start + 3)
    assert written[first:last] == "k y s"


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "🙂"])
def test_empty_and_symbol_only_text(text: str) -> None:
    result = normalise(text)
    assert len(result.text) == len(result.origin)
