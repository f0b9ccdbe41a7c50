"""Word error rate: normalisation and edit distance."""

from __future__ import annotations

import pytest

from haven.evaluation import corpus_word_error_rate, normalise_words, word_error_rate


def test_normalisation_ignores_case_punctuation_and_hyphens() -> None:
    assert normalise_words("Mr. John's ill-disposed, cold—hearted 5!") == [
        "mister", "john's", "ill", "disposed", "cold", "hearted", "five",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("reference", "hypothesis", "expected"),
    [
        ("the cat sat", "the cat sat", 0.0),
        ("the cat sat", "the bat sat", 1 / 3),  # substitution
        ("the cat sat", "the sat", 1 / 3),  # deletion
        ("the cat sat", "the fat cat sat", 1 / 3),  # insertion
        ("the cat sat", "", 1.0),
        ("a b", "c d e f", 2.0),  # more errors than reference words
    ],
)
def test_word_error_rate(reference: str, hypothesis: str, expected: float) -> None:
    assert word_error_rate(reference, hypothesis) == pytest.approx(expected)


def test_corpus_rate_weights_by_reference_length() -> None:
    pairs = [("one two three four", "one two three four"), ("five six", "five")]
    assert corpus_word_error_rate(pairs) == pytest.approx(1 / 6)


def test_empty_reference_is_an_error() -> None:
    with pytest.raises(ValueError, match="no words"):
        word_error_rate("  ...  ", "words")
