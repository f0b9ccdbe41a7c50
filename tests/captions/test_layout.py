"""Words laid out as cues that follow common caption style."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from haven.captions import CaptionStyle, Cue, Word, cues_from_words

STYLE = CaptionStyle()


def _words(
    text: str, *, start: float = 0.0, pace: float = 0.3, pauses: dict[int, float] | None = None
) -> list[Word]:
    """Words at ``pace`` seconds each; ``pauses`` adds silence before word i."""
    words, t = [], start
    for i, token in enumerate(text.split()):
        t += (pauses or {}).get(i, 0.0)
        words.append(Word(token, round(t, 3), round(t + pace * 0.8, 3)))
        t += pace
    return words


def _check_style(cues: list[Cue]) -> None:
    for cue in cues:
        assert 1 <= len(cue.lines) <= STYLE.max_lines
        assert all(len(line) <= STYLE.max_line_chars for line in cue.lines), cue.lines
        assert cue.end - cue.start <= STYLE.max_seconds + 1e-6
    for earlier, later in itertools.pairwise(cues):
        assert earlier.end <= later.start + 1e-6  # never two cues on screen at once


def test_short_sentence_is_one_cue_held_for_a_second() -> None:
    (cue,) = cues_from_words(_words("Hello there."))
    assert cue.lines == ("Hello there.",)
    assert cue.start == 0.0 and cue.end == pytest.approx(1.0)


def test_long_speech_respects_line_length_lines_and_duration() -> None:
    rng = np.random.default_rng(0)
    vocabulary = [
        "the",
        "quick",
        "brown",
        "fox",
        "jumps",
        "over",
        "a",
        "lazy",
        "dog",
        "while",
        "we",
        "talk",
        "about",
        "captions",
    ]
    text = " ".join(rng.choice(vocabulary, 300))
    cues = cues_from_words(_words(text, pace=0.25))
    _check_style(cues)
    assert " ".join(c.text for c in cues) == text  # nothing lost, nothing added


def test_breaks_prefer_sentence_then_clause_boundaries() -> None:
    text = (
        "This is the first sentence of our video. Here comes the second one, which has a "
        "clause in it, and keeps going on for a while longer."
    )
    cues = cues_from_words(_words(text))
    _check_style(cues)
    assert cues[0].text.endswith("video.")
    assert any(cue.text.endswith(",") for cue in cues[1:-1])


def test_no_cue_spans_a_long_silence() -> None:
    words = _words("Before the pause. After the pause.", pauses={3: 4.0})
    cues = cues_from_words(words)
    assert [c.text for c in cues] == ["Before the pause.", "After the pause."]
    assert cues[0].end <= words[3].start


def test_lines_are_balanced() -> None:
    (cue,) = cues_from_words(_words("one two three four five six seven eight nine ten eleven"))
    first, second = cue.lines
    assert abs(len(first) - len(second)) <= 8


def test_words_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="time order"):
        cues_from_words([Word("b", 1.0, 1.2), Word("a", 0.5, 0.7)])


def test_no_words_no_cues() -> None:
    assert cues_from_words([]) == []
