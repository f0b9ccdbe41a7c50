"""The word model: its terms, their weights, its training, its file, and its part in the head."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest

from haven.signals.text import training
from haven.signals.text.classify import classify_texts, stage_scores
from haven.signals.text.head import from_files, shipped_head, to_arrays
from haven.signals.text.normalise import normalise
from haven.signals.text.words import Vocabulary, WordModel, terms
from haven.taxonomy import CATEGORY_IDS

THREAT = CATEGORY_IDS.index("violent_threats")


def _example(text: str, labels: set[str]) -> training.Example:
    kind = "harm" if labels else "hard_negative"
    return training.Example(text, frozenset(labels), kind, "comment", "test")


TOY = [
    _example("i will find you and hurt you", {"violent_threats"}),
    _example("i know where you live and i will hurt you", {"violent_threats"}),
    _example("you will get hurt when i find you", {"violent_threats"}),
    _example("i killed it at the gym today", set()),
    _example("the gym today was great, i killed that workout", set()),
    _example("we will find a great gym near where you live", set()),
] * 3


def test_terms_are_the_words_and_each_pair_of_neighbours() -> None:
    assert terms("i will hurt you") == [
        "i", "will", "hurt", "you", "i will", "will hurt", "hurt you",
    ]  # fmt: skip
    assert terms("") == []
    assert terms("  ...  ") == []


def test_a_term_in_too_few_texts_gets_no_weight() -> None:
    vocabulary = Vocabulary.build(["hurt you", "hurt me", "gym"], min_texts=2)
    assert set(vocabulary.columns) == {"hurt"}
    columns, values = vocabulary.weigh("gym hurt gym")
    assert columns.tolist() == [vocabulary.columns["hurt"]]
    assert values.tolist() == pytest.approx([1.0])  # unknown words do not dilute its length


def test_weights_are_of_unit_length_and_rarer_terms_weigh_more() -> None:
    vocabulary = Vocabulary.build(["a b", "a c", "a b c", "a"], min_texts=2)
    columns, values = vocabulary.weigh("a b")
    assert np.sqrt((values**2).sum()) == pytest.approx(1.0)
    weight = dict(zip(columns.tolist(), values.tolist(), strict=True))
    assert weight[vocabulary.columns["b"]] > weight[vocabulary.columns["a"]]
    assert vocabulary.weigh("zzz")[0].size == 0  # nothing known: no terms, no division by 0


def test_fitting_learns_the_words_of_a_harm_and_is_reproducible() -> None:
    first, second = training.fit_word_model(TOY), training.fit_word_model(TOY)
    assert np.array_equal(first.weight, second.weight) and np.array_equal(first.bias, second.bias)
    threat, gym = first.logits(["i will hurt you", "i killed it at the gym"])
    assert threat[THREAT] > 0 > gym[THREAT]


def test_a_batch_gets_each_text_s_weighed_terms_times_the_weights() -> None:
    model = training.fit_word_model(TOY)
    texts = ["i will hurt you, i will", "", "zzz unknown", "the gym where you live"]
    expected = []
    for text in texts:  # one text at a time, as ``Vocabulary.weigh`` weighs it
        columns, values = model.vocabulary.weigh(text)
        expected.append(values @ model.weight[columns] + model.bias)
    together = model.logits(texts)
    assert together.shape == (4, len(CATEGORY_IDS)) and together.dtype == np.float32
    assert np.allclose(together, np.stack(expected), atol=1e-5)
    assert np.array_equal(together[1], together[2])  # nothing known: the bias alone
    assert model.logits([]).shape == (0, len(CATEGORY_IDS))


def test_the_word_model_survives_its_file() -> None:
    model = training.fit_word_model(TOY)
    back = WordModel.from_arrays(model.to_arrays())
    assert back is not None and back.vocabulary.columns == model.vocabulary.columns
    texts = ["i will hurt you", "gym today", ""]
    # The weights are stored in half precision.
    assert np.abs(back.logits(texts) - model.logits(texts)).max() < 1e-2
    assert WordModel.from_arrays({}) is None  # a head without a word model
    empty = WordModel(Vocabulary({}, np.zeros(0, np.float32)), np.zeros((0, 13)), np.zeros(13))
    assert WordModel.from_arrays(empty.to_arrays()).vocabulary.columns == {}  # type: ignore[union-attr]


def test_the_head_blends_the_word_model_as_recorded() -> None:
    shipped = shipped_head()
    assert shipped.words is not None and 0 < shipped.blend < 1, "the shipped head blends"
    members = [m.weights for m in shipped.members]
    buffer = io.BytesIO()
    np.savez(buffer, **to_arrays(members, shipped.words, shipped.shared_blocks))
    meta = shipped.facts | {"blend": 0.25}
    reloaded = from_files(buffer.getvalue(), meta)
    assert reloaded.blend == 0.25 and reloaded.words is not None
    assert len(reloaded.members) == len(shipped.members)
    for again, member in zip(reloaded.members, shipped.members, strict=True):
        assert set(again.adapters) == set(member.adapters)  # the word model is not a layer


def test_the_blend_changes_the_learned_scores() -> None:
    text = "i know where you live"
    alone = dataclasses.replace(shipped_head(), blend=1.0)
    blended = dataclasses.replace(shipped_head(), blend=0.0)  # the word model alone
    scores_alone = classify_texts([text], head=alone)[0].scores
    scores_words = classify_texts([text], head=blended)[0].scores
    shipped = dataclasses.replace(shipped_head(), words=None)
    assert classify_texts([text], head=shipped)[0].scores == scores_alone
    assert scores_words != scores_alone
    model = shipped_head().words
    assert model is not None

    # Harassment: the lexicon does not decide it here, so its score is the learned stage's.
    logit = model.logits([normalise(text).text])[0][CATEGORY_IDS.index("harassment_bullying")]
    expected = 1 / (1 + np.exp(-logit))
    assert scores_words["harassment_bullying"] == pytest.approx(expected, abs=1e-3)


def test_stage_scores_try_every_blend_on_one_pass_as_each_blend_alone_would() -> None:
    texts = ["i know where you live", "take care of yourselves", "buy followers cheap"]
    blends = (1.0, 0.6, 0.3)
    together = stage_scores(texts, shipped_head(), blends)
    assert list(together) == list(blends)
    for blend in blends:
        alone = dataclasses.replace(shipped_head(), blend=blend)
        learned, lexical = together[blend]
        for index, result in enumerate(classify_texts(texts, head=alone)):
            for c, category in enumerate(CATEGORY_IDS):
                if lexical[index, c]:
                    continue  # a decisive lexicon term raises the text's score above the learned
                assert learned[index, c] == pytest.approx(result.scores[category], abs=1e-4)
    assert not np.array_equal(together[1.0][0], together[0.3][0])
