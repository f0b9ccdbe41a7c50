"""The self-harm specialist: kept in the head file beside the members, read only where the
head gives its category at least the gate, on each window widened by half a window, and
mixed into that category alone."""

from __future__ import annotations

import dataclasses
import io
import json

import numpy as np
import pytest

from haven.signals.text import classify
from haven.signals.text.classify import classify_texts, stage_scores
from haven.signals.text.head import (
    LEXICON_FEATURES,
    Head,
    HeadUnavailable,
    Member,
    Specialist,
    as_kept,
    from_files,
    shipped_head,
    to_arrays,
)
from haven.signals.text.minilm_graph import HIDDEN
from haven.taxonomy import CATEGORY_IDS

SELF_HARM = CATEGORY_IDS.index("self_harm_suicide")
CRISIS = "i can't do this anymore, tonight i'm going to end my life"
HARMLESS = "see you saturday at the market x"


def _specialist(bias: float, gate: float = 0.1, share: float = 0.5) -> Specialist:
    """A specialist on the packaged encoder (one adapter that changes nothing) whose
    logit is ``bias`` for every text."""
    rng = np.random.default_rng(0)
    adapters = {
        "encoder.layer.5.output.dense": (
            rng.normal(size=(1536, 4)).astype(np.float32),
            np.zeros((4, HIDDEN), np.float32),
        )
    }
    member = Member(
        as_kept(adapters),  # as the head file keeps them
        np.zeros((2 * HIDDEN + LEXICON_FEATURES, 1), np.float32),
        np.array([bias], np.float32),
    )
    return Specialist(member, "self_harm_suicide", gate, share, shipped_head().scale)


def _with(specialist: Specialist | None) -> Head:
    return dataclasses.replace(shipped_head(), specialist=specialist)


def test_the_specialist_is_mixed_into_its_category_where_the_head_is_unsure() -> None:
    alone = stage_scores([CRISIS, HARMLESS], _with(None), (0.5,))[0.5][0]
    doubting = stage_scores([CRISIS, HARMLESS], _with(_specialist(-20.0)), (0.5,))[0.5][0]
    assert alone[0, SELF_HARM] > 0.9 and alone[1, SELF_HARM] < 0.1
    # The crisis was gated and read: a specialist sure it is harmless pulls it down by its
    # share of the logit.
    logit = np.log(alone[0, SELF_HARM] / (1 - alone[0, SELF_HARM]))
    expected = 1 / (1 + np.exp(-(0.5 * logit + 0.5 * -20.0)))
    assert doubting[0, SELF_HARM] == pytest.approx(expected, rel=1e-4)
    # The harmless text was under the gate, so not read; no other category moves.
    assert doubting[1, SELF_HARM] == alone[1, SELF_HARM]
    others = [c for c in range(len(CATEGORY_IDS)) if c != SELF_HARM]
    assert np.array_equal(doubting[:, others], alone[:, others])


def test_a_gate_over_every_score_leaves_the_head_alone() -> None:
    alone = stage_scores([CRISIS, HARMLESS], _with(None), (0.5,))[0.5][0]
    never = stage_scores([CRISIS, HARMLESS], _with(_specialist(-20.0, gate=1.01)), (0.5,))
    assert np.array_equal(never[0.5][0], alone)


def test_classify_texts_decides_with_the_specialist_s_reading() -> None:
    [flagged] = classify_texts([CRISIS], head=_with(None))
    [overruled] = classify_texts([CRISIS], head=_with(_specialist(-20.0, share=0.9)))
    assert "self_harm_suicide" in flagged.categories
    assert overruled.scores["self_harm_suicide"] < flagged.scores["self_harm_suicide"]


def test_the_specialist_reads_each_window_with_half_a_window_around_it() -> None:
    text = " ".join(f"w{k}" for k in range(60))
    windows = classify._windows(text)
    widened = classify._windows(text, margin=classify.WINDOW_WORDS // 2)
    assert len(windows) == len(widened) == 4
    assert text[slice(*windows[1])].split()[0] == "w12"
    assert text[slice(*widened[1])].split() == [f"w{k}" for k in range(0, 48)]
    assert text[slice(*widened[-1])].split()[-1] == "w59"
    short = "one window only"
    assert classify._windows(short, margin=12) == classify._windows(short) == [(0, len(short))]


def _files(head: Head, settings: object) -> tuple[bytes, dict[str, object]]:
    members = [m.weights for m in head.members]
    specialist = head.specialist.member.weights if head.specialist else None
    buffer = io.BytesIO()
    np.savez(buffer, **to_arrays(members, head.words, head.shared_blocks, specialist))
    meta = json.loads(json.dumps(head.facts)) | {"specialist": settings}
    return buffer.getvalue(), meta


def test_a_head_file_with_a_specialist_is_written_and_read_back() -> None:
    head = _with(_specialist(-3.0, gate=0.2, share=0.4))
    settings = {"category": "self_harm_suicide", "gate": 0.2, "share": 0.4}
    read = from_files(*_files(head, settings))
    assert read.specialist is not None
    assert (read.specialist.gate, read.specialist.share) == (0.2, 0.4)
    assert read.specialist.member.out_bias.tolist() == [-3.0]
    assert read.specialist.adapter.digest == head.specialist.adapter.digest  # type: ignore[union-attr]
    assert read.specialist.adapter.digest != read.adapter.digest


@pytest.mark.parametrize(
    "settings", [None, {"category": "gossip", "gate": 0.1, "share": 0.3}, "self_harm_suicide"]
)
def test_a_specialist_without_valid_settings_is_refused(settings: object) -> None:
    with pytest.raises(HeadUnavailable, match="specialist"):
        from_files(*_files(_with(_specialist(0.0)), settings))


def test_a_specialist_of_more_than_one_output_is_refused() -> None:
    wide = _specialist(0.0)
    member = dataclasses.replace(
        wide.member,
        out_weight=np.zeros((2 * HIDDEN + LEXICON_FEATURES, 2), np.float32),
        out_bias=np.zeros(2, np.float32),
    )
    settings = {"category": "self_harm_suicide", "gate": 0.1, "share": 0.3}
    head = _with(dataclasses.replace(wide, member=member))
    with pytest.raises(HeadUnavailable, match="one output"):
        from_files(*_files(head, settings))
