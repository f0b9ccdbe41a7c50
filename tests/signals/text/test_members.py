"""The text head's members: one run of the adapted encoder gives each member's token
states (a member past the first shares the first's lower blocks), and the classifier's
logits are the members' mean."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest

from haven.signals.text.classify import classify_texts
from haven.signals.text.embeddings import member_states
from haven.signals.text.head import (
    Head,
    HeadUnavailable,
    Member,
    block_of,
    from_files,
    shipped_head,
    to_arrays,
)
from haven.signals.text.minilm_graph import BLOCKS
from haven.signals.text.normalise import normalise

TEXTS = ["i know where you live", "i killed it at the gym today", "see you saturday x"]


def _upper(member: Member, shared_blocks: int) -> Member:
    """The member's own adapters above the shared blocks only: a branch of itself."""
    kept = {k: v for k, v in member.adapters.items() if block_of(k) >= shared_blocks}
    return dataclasses.replace(member, adapters=kept)


def _pair(head: Head, shared_blocks: int) -> Head:
    first = head.members[0]
    return dataclasses.replace(
        head, members=(first, _upper(first, shared_blocks)), shared_blocks=shared_blocks
    )


def test_one_run_of_the_encoder_gives_each_member_its_token_states() -> None:
    head = shipped_head()
    normalised = [normalise(t).text for t in TEXTS]
    states = member_states(normalised, head.adapter)
    assert len(states) == len(head.members) == len(head.facts["seeds"])  # type: ignore[arg-type]
    assert all(len(member) == len(TEXTS) for member in states)


def test_the_derived_model_is_named_by_the_members_it_holds() -> None:
    head = shipped_head()
    first = head.members[0]
    names = {
        _pair(head, 4).adapter.digest,
        _pair(head, 2).adapter.digest,
        dataclasses.replace(head, members=(first,)).adapter.digest,
    }
    assert len(names) == 3


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
    states = member_states(normalised, pair.adapter)
    lexical = np.zeros((len(TEXTS), first.out_weight.shape[0] - 768), np.float32)
    mean, _ = pair.logits(states, lexical, normalised)
    expected = (first.logits(states[0], lexical) + other.logits(states[1], lexical)) / 2
    assert np.allclose(mean, expected, atol=1e-5)
    assert not np.allclose(mean, first.logits(states[0], lexical), atol=1e-3)


@pytest.mark.parametrize("shared_blocks", [0, 4])
def test_a_member_and_its_own_branch_score_as_the_member_alone(shared_blocks: int) -> None:
    # The branch has the first member's upper adapters over the trunk: the same network,
    # so the same scores; this checks the trunk and the branch are wired as trained.
    head = shipped_head()
    alone = classify_texts(TEXTS, head=dataclasses.replace(head, members=head.members[:1]))
    pair = classify_texts(TEXTS, head=_pair(head, shared_blocks))
    assert [r.scores for r in pair] == [r.scores for r in alone]


def test_a_branch_member_changes_the_scores() -> None:
    head = shipped_head()
    first = _upper(head.members[0], 4)
    rng = np.random.default_rng(1)
    other = dataclasses.replace(
        first,
        adapters={
            k: (d, (u + rng.normal(0, 0.05, u.shape)).astype(np.float32))
            for k, (d, u) in first.adapters.items()
        },
    )
    pair = dataclasses.replace(head, members=(head.members[0], other), shared_blocks=4)
    alone = dataclasses.replace(head, members=head.members[:1])
    changed = classify_texts(TEXTS, head=pair)
    assert [r.scores for r in changed] != [r.scores for r in classify_texts(TEXTS, head=alone)]


def test_a_head_file_is_written_and_read_back_member_by_member() -> None:
    head = _pair(shipped_head(), 4)
    buffer = io.BytesIO()
    np.savez(buffer, **to_arrays([m.weights for m in head.members], head.words, 4))
    again = from_files(buffer.getvalue(), head.facts)
    assert again.shared_blocks == 4 and len(again.members) == 2
    for read, written in zip(again.members, head.members, strict=True):
        assert np.array_equal(read.out_weight, written.out_weight)
        assert read.adapters.keys() == written.adapters.keys()
    assert again.adapter.digest == head.adapter.digest


def test_a_head_file_without_a_member_is_refused() -> None:
    head = shipped_head()
    buffer = io.BytesIO()
    np.savez(buffer, **to_arrays([], head.words))
    with pytest.raises(HeadUnavailable, match="no trained member"):
        from_files(buffer.getvalue(), head.facts)


def test_a_branch_that_adapts_a_shared_block_is_refused() -> None:
    head = shipped_head()
    whole = head.members[0].weights  # adapters on every block, the shared ones too
    buffer = io.BytesIO()
    np.savez(buffer, **to_arrays([whole, whole], head.words, 4))
    with pytest.raises(HeadUnavailable, match="adapts blocks it shares"):
        from_files(buffer.getvalue(), head.facts)


@pytest.mark.parametrize("shared_blocks", [-1, BLOCKS])
def test_a_head_sharing_no_block_that_exists_is_refused(shared_blocks: int) -> None:
    head = shipped_head()
    buffer = io.BytesIO()
    np.savez(buffer, **to_arrays([head.members[0].weights], head.words, shared_blocks))
    with pytest.raises(HeadUnavailable, match="shares"):
        from_files(buffer.getvalue(), head.facts)
