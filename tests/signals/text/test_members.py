"""The text head's members: each reads the text through its own adapted encoder, and the
classifier's logits are their mean."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest

from haven.signals.text.classify import classify_texts
from haven.signals.text.embeddings import encode
from haven.signals.text.head import HeadUnavailable, from_files, shipped_head, to_arrays
from haven.signals.text.normalise import normalise

TEXTS = ["i know where you live", "i killed it at the gym today", "see you saturday x"]


def test_the_shipped_head_has_a_member_per_seed_each_with_its_own_encoder() -> None:
    head = shipped_head()
    assert len(head.members) == len(head.facts["seeds"]) >= 1  # type: ignore[arg-type]
    digests = [adapter.digest for adapter in head.adapters]
    assert len(set(digests)) == len(digests), "each member's derived model is named apart"


def test_the_classifier_logits_are_the_mean_of_the_members() -> None:
    head = shipped_head()
    first = head.members[0]
    # A second member with its own output layer over the first one's encoder.
    rng = np.random.default_rng(0)
    other = dataclasses.replace(
        first,
        out_weight=(first.out_weight * rng.uniform(0, 2, first.out_weight.shape)).astype(
            np.float32
        ),
        out_bias=first.out_bias - 1,
    )
    pair = dataclasses.replace(head, members=(first, other))
    normalised = [normalise(t).text for t in TEXTS]
    states = encode(normalised, first.adapter(head.scale))[1]
    lexical = np.zeros((len(TEXTS), first.out_weight.shape[0] - 768), np.float32)
    mean, _ = pair.logits([states, states], lexical, normalised)
    expected = (first.logits(states, lexical) + other.logits(states, lexical)) / 2
    assert np.allclose(mean, expected, atol=1e-5)
    assert not np.allclose(mean, first.logits(states, lexical), atol=1e-3)


def test_members_in_another_order_or_twice_over_score_the_same() -> None:
    head = shipped_head()
    alone = classify_texts(TEXTS, head=dataclasses.replace(head, members=head.members[:1]))
    twice = classify_texts(TEXTS, head=dataclasses.replace(head, members=head.members[:1] * 2))
    assert [r.scores for r in twice] == [r.scores for r in alone]
    backwards = dataclasses.replace(head, members=head.members[::-1])
    forwards = classify_texts(TEXTS, head=head)
    for again, result in zip(classify_texts(TEXTS, head=backwards), forwards, strict=True):
        assert again.scores == pytest.approx(result.scores, abs=2e-4)


def test_a_head_file_is_written_and_read_back_member_by_member() -> None:
    head = shipped_head()
    members = [m.weights for m in head.members]
    buffer = io.BytesIO()
    np.savez(buffer, **to_arrays(members * 2, head.words))
    again = from_files(buffer.getvalue(), head.facts)
    assert len(again.members) == 2 * len(head.members)
    for read, written in zip(again.members, head.members * 2, strict=True):
        assert np.array_equal(read.out_weight, written.out_weight)
        assert read.adapters.keys() == written.adapters.keys()


def test_a_head_file_without_a_member_is_refused() -> None:
    head = shipped_head()
    buffer = io.BytesIO()
    np.savez(buffer, **to_arrays([], head.words))
    with pytest.raises(HeadUnavailable, match="no trained member"):
        from_files(buffer.getvalue(), head.facts)
