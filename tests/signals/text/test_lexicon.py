"""The lexicon stage: whole words only, strong and weak terms, contexts that disarm."""

from __future__ import annotations

import pytest

from haven.signals.text.lexicon import Lexicon, LexiconError, lexicon
from haven.signals.text.normalise import normalise


def _match(text: str):
    english = lexicon("en")
    assert english is not None
    return english.match(normalise(text))


def test_strong_term_decides_and_reports_the_written_span() -> None:
    text = "honestly just k1ll y0urself"
    result = _match(text)
    assert result.decisive("harassment_bullying") and result.decisive("self_harm_suicide")
    hit = next(h for h in result.hits if h.category == "self_harm_suicide")
    assert text[hit.start : hit.end] == "k1ll y0urself"


@pytest.mark.parametrize(
    "text", ["Scunthorpe United won", "a cocktail at Dickens' bar", "shiitake"]
)
def test_words_inside_words_do_not_match(text: str) -> None:
    assert _match(text).hits == []


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("calling refugees vermin is dehumanising", "counter_speech"),
        ("if you feel suicidal please call 988", "support"),
        ("I killed it at the gym today", "hyperbole"),
        ("fact check: vaccines cause autism is a debunked claim", "news"),
        ('"kys" is not a joke, my cousin was bullied with it for months', "counter_speech"),
        ("2 years self harm free today, never thought i'd make it", "support"),
    ],
)
def test_safe_contexts_weaken_hits(text: str, context: str) -> None:
    result = _match(text)
    assert context in result.contexts
    assert not any(result.decisive(category) for category in result.scores)


def test_language_without_a_lexicon() -> None:
    assert lexicon("xx") is None


def test_a_lexicon_with_an_unknown_category_is_refused() -> None:
    with pytest.raises(LexiconError, match="unknown category 'gossip'"):
        Lexicon({"language": "en", "version": "1", "categories": {"gossip": {"strong": ["x"]}}})


def test_a_safe_context_disarms_only_nearby_hits_of_categories_it_explains() -> None:
    # Support explains a mention of suicide, not a slur or an order to die.
    assert _match("you're a faggot, my therapist says I'm in recovery").decisive("hate_speech")
    assert _match("kill yourself 988").decisive("harassment_bullying")
    # Far from the context, a hit keeps its force.
    far = "if you are struggling call 988. " + "filler words here " * 6 + "kys"
    assert _match(far).decisive("harassment_bullying")


def test_terms_too_short_after_normalisation_are_refused() -> None:
    with pytest.raises(LexiconError, match="too short"):
        Lexicon(
            {
                "language": "en",
                "version": "1",
                "categories": {"sexual_content": {"strong": ["xxx"]}},
            }
        )
    assert _match("Follow me on X").hits == []


def test_one_term_written_two_ways_is_one_hit() -> None:
    result = _match("what a n1gger")
    assert len([h for h in result.hits if h.category == "hate_speech"]) == 1


def test_talk_of_therapy_does_not_disarm_a_crisis() -> None:
    # Only recovery and helpline phrases are support: a person in crisis mentions therapy too.
    assert _match("therapy isn't working and i want to die").decisive("self_harm_suicide")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("corpse bride diet starts monday, who's in", "eating_disorders"),
        ("the kalergi plan is real, google it", "hate_speech"),
        ("u should ctb tonight fr", "self_harm_suicide"),
    ],
)
def test_coded_terms_decide(text: str, category: str) -> None:
    assert _match(text).decisive(category)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # "Zog" is also a children's book, Troon a Scottish town: they only feed the learned stage.
        ("reading zog to my toddler again", "hate_speech"),
        ("golf weekend in troon with my dad", "hate_speech"),
        ("we catch the bus at 7 every morning", "self_harm_suicide"),
    ],
)
def test_coded_terms_with_everyday_meanings_only_weigh(text: str, category: str) -> None:
    result = _match(text)
    assert not result.decisive(category) and result.scores.get(category, 0) > 0


@pytest.mark.parametrize(
    "text",
    [
        "lol i'm gonna stab you after school 😂",
        "i am going to find you and hurt you badly",
        "say that again and i'll make you bleed",
    ],
)
def test_a_stated_intent_to_wound_decides_whatever_laughs_beside_it(text: str) -> None:
    assert _match(text).decisive("violent_threats")


def test_the_same_verbs_without_a_wounded_reader_only_weigh() -> None:
    result = _match("stab the potatoes with a fork before they go in the oven")
    assert not result.decisive("violent_threats") and result.scores["violent_threats"] > 0
