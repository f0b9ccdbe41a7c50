"""The text classifier end to end, and its bad input."""

from __future__ import annotations

import dataclasses

import pytest

from haven.signals.text.classify import (
    CRITICAL,
    MAX_TEXT_CHARACTERS,
    TextTooLong,
    classify_texts,
)
from haven.signals.text.head import shipped_head
from haven.taxonomy import CATEGORY_IDS


def _flagged(text: str, language: str = "en") -> list[str]:
    return classify_texts([text], language)[0].categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I can't do this anymore, tonight I end it all", "self_harm_suicide"),
        ("join the blackout challenge, hold it till you pass out", "dangerous_challenges"),
        ("DM me to earn $500 a day from home, guaranteed", "spam_scams"),
        ("the covid vaccine has a microchip so they can track you", "misinformation_health"),
        (
            "how old are you? add me on snap and don't tell your parents",
            "child_sexual_exploitation_grooming",
        ),
    ],
)
def test_clear_cases_are_flagged(text: str, category: str) -> None:
    assert category in _flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "I killed it at the gym today 💪",
        "Great recipe, I added extra garlic",
        "If you're struggling, you can call or text 988 any time",
    ],
)
def test_benign_and_hard_negative_texts_are_not_flagged(text: str) -> None:
    assert _flagged(text) == []


def test_every_category_gets_a_score_and_flags_carry_spans_and_stage() -> None:
    text = "you're a worthless loser, kys"
    result = classify_texts([text])[0]
    assert set(result.scores) == set(CATEGORY_IDS)
    assert all(0.0 <= score <= 1.0 for score in result.scores.values())
    finding = next(f for f in result.findings if f.category == "harassment_bullying")
    assert finding.stage == "lexicon"
    assert any(text[s.start : s.end] == s.text for s in finding.spans)


def test_the_learned_stage_may_overrule_a_lexicon_term_it_reads_in_context() -> None:
    text = "you're a worthless loser, kys"
    trusting = dataclasses.replace(shipped_head(), lexicon_veto=0.0)
    doubting = dataclasses.replace(shipped_head(), lexicon_veto=1.01)  # no score reaches it
    trusted = classify_texts([text], head=trusting)[0]
    assert {f.stage for f in trusted.findings} >= {"lexicon"}
    overruled = classify_texts([text], head=doubting)[0]
    assert all(f.stage == "learned" for f in overruled.findings if f.category not in CRITICAL)
    assert any("harassment_bullying term" in note for note in overruled.notes)


def test_a_crisis_term_is_overruled_by_the_critical_veto_alone() -> None:
    # A learned stage that doubted every term: the person in crisis is still seen, unless
    # the critical categories' own veto is raised past the learned score too.
    text = "i want to die, need thinspo and purge tips"
    doubting = dataclasses.replace(shipped_head(), lexicon_veto=1.01, critical_veto=0.0)
    result = classify_texts([text], head=doubting)[0]
    crisis = next(f for f in result.findings if f.category == "self_harm_suicide")
    assert crisis.stage == "lexicon"
    assert not any("self_harm_suicide term" in note for note in result.notes)
    wholly_doubting = dataclasses.replace(doubting, critical_veto=1.01)
    result = classify_texts([text], head=wholly_doubting)[0]
    assert any("self_harm_suicide term" in note for note in result.notes)
    assert all(f.stage == "learned" for f in result.findings)


def test_the_shipped_head_still_sees_the_crisis_beside_the_eating_disorder_terms() -> None:
    result = classify_texts(["i want to die, need thinspo and purge tips"])[0]
    assert "self_harm_suicide" in result.categories


def test_empty_text_is_allowed_and_says_so() -> None:
    result = classify_texts([""])[0]
    assert result.findings == [] and "empty text" in result.notes


def test_text_over_the_limit_is_refused() -> None:
    with pytest.raises(TextTooLong, match="longer than"):
        classify_texts(["a" * (MAX_TEXT_CHARACTERS + 1)])


def test_long_text_is_read_in_windows_and_the_span_points_at_the_harm() -> None:
    filler = "We talked about the weather and the garden for a while. " * 30
    text = filler + "Honestly I want to kill myself tonight. " + filler
    finding = next(
        f for f in classify_texts([text])[0].findings if f.category == "self_harm_suicide"
    )
    assert any("kill myself" in span.text for span in finding.spans)


def test_mixed_scripts_and_a_language_without_lexicon() -> None:
    result = classify_texts(["Привет, это просто хорошее видео 😊 great video"], "ru")[0]
    assert any("no lexicon" in note for note in result.notes)
    assert result.findings == []


def test_the_shipped_head_records_its_data() -> None:
    facts = shipped_head().facts
    assert facts["seeds"] and len(str(facts["data_sha256"])) == 64
    assert set(shipped_head().thresholds) == set(CATEGORY_IDS)


def test_a_run_of_emoji_does_not_hide_the_words_after_it() -> None:
    text = "😂" * 40 + " i am going to find you and hurt you badly tonight, you will bleed"
    assert "violent_threats" in _flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "😂 i am going to find you and hurt you badly tonight, you will bleed",
        "i am going to find you and hurt you badly tonight, you will bleed 😂😂😂",
        "lol i'm going to stab you in the car park after your shift tomorrow",
    ],
)
def test_a_laughing_mark_does_not_launder_an_explicit_threat(text: str) -> None:
    # "Only joking" marks are common in real abuse; a head trained on jokes with emoji once
    # learned to read any threat beside 😂 as banter (2026-12-07).
    assert "violent_threats" in _flagged(text)


def test_invalid_unicode_and_language_tags() -> None:
    from haven.signals.text.classify import InvalidLanguage, InvalidText, language_code

    with pytest.raises(InvalidText, match="not valid Unicode"):
        classify_texts(["bad \ud800"])
    assert language_code("EN-us") == "en"
    with pytest.raises(InvalidLanguage, match="invalid language"):
        language_code("../../etc/evil")


def test_each_text_is_read_in_its_own_language() -> None:
    from haven.signals.base import TextItem
    from haven.signals.text.analyzer import TextAnalyzer

    items = [
        TextItem("kys loser", "comment"),
        TextItem("hola, buen video", "transcript", language="es"),
    ]
    report = TextAnalyzer().analyze_texts(items).report
    assert [item["language"] for item in report["items"]] == ["en", "es"]
    assert any("no lexicon" in note for note in report["items"][1]["notes"])


def test_a_batch_with_one_bad_text_is_refused_whole() -> None:
    from haven.signals.text.classify import InvalidText

    texts = ["fine text"] * 64 + ["bad \ud800"]
    with pytest.raises(InvalidText):
        classify_texts(texts)
