"""The trainer's MiniLM is the packaged one, its adapters go into the graph as learned,
training is reproducible, and the shipped head matches the data in the repository."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
import torch

from haven.signals.text import minilm_graph, training, tuning
from haven.signals.text.embeddings import MODEL, tokenizer
from haven.signals.text.head import LEXICON_FEATURES, shipped_head
from haven.signals.text.onnx_weights import UnexpectedGraph, read_weights, with_changes
from haven.taxonomy import CATEGORY_IDS

DATA = Path(__file__).resolve().parents[3] / "datasets" / "text-safety"
SENTENCES = ["you are a worthless idiot", "I killed it at the gym today", "call 988 for help"]


@pytest.fixture(scope="module")
def packaged() -> tuple[object, dict[str, np.ndarray]]:
    model = onnx.load(str(MODEL.locate()))
    return model, read_weights(model)


def _session(model: object) -> onnxruntime.InferenceSession:
    return onnxruntime.InferenceSession(
        model.SerializeToString(),  # type: ignore[attr-defined]
        providers=["CPUExecutionProvider"],
    )


def _states(model: object, ids: list[int]) -> np.ndarray:
    batch = np.array([ids], np.int64)
    feed = {"input_ids": batch, "attention_mask": np.ones_like(batch)}
    return _session(model).run(None, feed | {"token_type_ids": np.zeros_like(batch)})[0][0]


def test_the_trainer_s_minilm_is_the_packaged_model(packaged) -> None:  # type: ignore[no-untyped-def]
    # The adapters are trained on MiniLM written out in PyTorch: it must compute what the
    # packaged ONNX model computes, or the adapters would be learned for another model.
    model, weights = packaged
    network = tuning.MiniLM(weights, rank=4, scale=2.0)
    for text in SENTENCES:
        ids = tokenizer().encode(text).ids
        assert np.abs(_states(model, ids) - tuning.token_states(network, ids)).max() < 1e-4


def test_the_runtime_s_graph_computes_what_the_packaged_model_computes(packaged) -> None:  # type: ignore[no-untyped-def]
    # minilm_graph writes MiniLM again with fused operators: in float it must give the
    # packaged model's token states, for a padded batch too (the mask is each row's length).
    model, weights = packaged
    built = minilm_graph.build([weights])
    encodings = tokenizer().encode_batch(SENTENCES)
    assert len({sum(e.attention_mask) for e in encodings}) > 1  # the batch is padded
    batch = np.array([e.ids for e in encodings], np.int64)
    mask = np.array([e.attention_mask for e in encodings], np.int64)
    feed = {"input_ids": batch, "attention_mask": mask, "token_type_ids": np.zeros_like(batch)}
    ours = _session(built).run(None, feed)[0]
    theirs = _session(model).run(None, feed)[0]
    kept = mask.astype(bool)
    assert np.abs(ours[kept] - theirs[kept]).max() < 1e-4


def test_learned_changes_written_into_the_graph_compute_what_the_trainer_learned(
    packaged,  # type: ignore[no-untyped-def]
) -> None:
    model, weights = packaged
    network = tuning.MiniLM(weights, rank=4, scale=2.0)
    torch.manual_seed(1)
    for layer in network.linears.values():
        layer.up.data.normal_(0, 0.02)  # type: ignore[operator]
    adapted = minilm_graph.build([with_changes(weights, network.changes())])
    ids = tokenizer().encode(SENTENCES[1]).ids
    after = _states(adapted, ids)
    assert np.abs(after - tuning.token_states(network, ids)).max() < 1e-4
    assert np.abs(after - _states(model, ids)).max() > 0.05  # the changes did change it


def _randomised(network: tuning.MiniLM, seed: int) -> tuning.MiniLM:
    torch.manual_seed(seed)
    for layer in network.linears.values():
        if isinstance(layer, tuning.AdaptedLinear):
            layer.up.data.normal_(0, 0.02)
    return network


def test_a_branch_member_s_output_is_what_the_trainer_s_branch_computes(packaged) -> None:  # type: ignore[no-untyped-def]
    # A head of two members: the second shares the first's lower blocks (its adapters
    # included) and adapts its own upper ones. The one graph gives both members' states.
    _, weights = packaged
    first = _randomised(tuning.MiniLM(weights, rank=4, scale=2.0), 1)
    shared = {k: v for k, v in first.changes().items() if int(k.split(".")[2]) < 4}
    branch = _randomised(tuning.MiniLM(with_changes(weights, shared), 4, 2.0, first_adapted=4), 2)
    assert {int(k.split(".")[2]) for k in branch.changes()} == {4, 5}
    built = minilm_graph.build(
        [with_changes(weights, first.changes()), with_changes(weights, branch.changes())],
        shared_blocks=4,
    )
    ids = tokenizer().encode(SENTENCES[0]).ids
    batch = np.array([ids], np.int64)
    feed = {"input_ids": batch, "attention_mask": np.ones_like(batch)}
    outputs = _session(built).run(None, feed | {"token_type_ids": np.zeros_like(batch)})
    assert len(outputs) == 2
    assert np.abs(outputs[0][0] - tuning.token_states(first, ids)).max() < 1e-4
    assert np.abs(outputs[1][0] - tuning.token_states(branch, ids)).max() < 1e-4
    assert np.abs(outputs[1][0] - outputs[0][0]).max() > 0.05  # the branch is its own


def test_a_graph_of_no_member_or_sharing_every_block_is_refused(packaged) -> None:  # type: ignore[no-untyped-def]
    _, weights = packaged
    with pytest.raises(ValueError, match="cannot build"):
        minilm_graph.build([])
    with pytest.raises(ValueError, match="cannot build"):
        minilm_graph.build([weights, weights], shared_blocks=minilm_graph.BLOCKS)


def test_a_change_for_a_layer_the_model_lacks_is_refused(packaged) -> None:  # type: ignore[no-untyped-def]
    _, weights = packaged
    with pytest.raises(UnexpectedGraph, match="no such linear layers"):
        with_changes(weights, {"encoder.layer.9.output.dense": np.zeros((384, 1536), np.float32)})
    with pytest.raises(UnexpectedGraph, match="change"):
        with_changes(weights, {"encoder.layer.0.output.dense": np.zeros((3, 3), np.float32)})


def test_training_is_deterministic(packaged) -> None:  # type: ignore[no-untyped-def]
    _, weights = packaged
    rng = np.random.default_rng(0)
    ids = [
        [101, *rng.integers(1000, 20000, int(rng.integers(1, 9))).tolist(), 102] for _ in range(24)
    ]
    lexical = rng.random((24, LEXICON_FEATURES)).astype(np.float32)
    labels = (rng.random((24, len(CATEGORY_IDS))) < 0.2).astype(np.float32)

    def trained() -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], np.ndarray]:
        model = tuning.fit(
            weights, ids, lexical, labels, seed=3, rank=2, scale=2.0, epochs=1, batch=8,
            learning_rate=1e-3,
        )  # fmt: skip
        return tuning.adapters(model), tuning.classifier_weights(model)[0]

    first, second = trained(), trained()
    assert first[0].keys() == second[0].keys() and len(first[0]) == 36
    for layer, (down, up) in first[0].items():
        assert np.array_equal(down, second[0][layer][0]) and np.array_equal(up, second[0][layer][1])
    assert np.array_equal(first[1], second[1])
    assert any(np.abs(up).max() > 0 for _, up in first[0].values())  # it learned something


def test_a_branch_member_trains_from_the_shared_states_as_from_the_tokens(packaged) -> None:  # type: ignore[no-untyped-def]
    # A branch member's lower blocks are frozen: the trainer computes their states once and
    # trains the upper blocks from them. That must be the same network run from the tokens.
    _, weights = packaged
    rng = np.random.default_rng(0)
    ids = [[101, *rng.integers(1000, 20000, int(n)).tolist(), 102] for n in (3, 7, 1, 5)]
    lexical = rng.random((4, LEXICON_FEATURES)).astype(np.float32)
    labels = (rng.random((4, len(CATEGORY_IDS))) < 0.3).astype(np.float32)
    model = tuning.fit(
        weights, ids, lexical, labels, seed=3, rank=2, scale=2.0, epochs=1, batch=2,
        learning_rate=1e-2, first_adapted=4,
    )  # fmt: skip
    assert {int(k.split(".")[2]) for k in tuning.adapters(model)} == {4, 5}
    assert len(tuning.adapters(model)) == 12
    batch, mask = tuning.padded(ids)
    shared = tuning.padded_states(tuning.shared_states(model.encoder, ids))
    extra = torch.from_numpy(lexical)
    with torch.no_grad():
        from_tokens = model(batch, mask, extra)
        from_shared = model.from_shared(shared, mask, extra)
    assert torch.allclose(from_tokens, from_shared, atol=1e-5)


def test_a_branch_member_needs_the_first_member_s_adapters() -> None:
    example = training.Example("hi", frozenset(), "benign", "comment", "t")
    with pytest.raises(ValueError, match="first member"):
        tuning.fit_examples([example], shared_blocks=4)


def test_fit_examples_trains_on_labelled_texts_from_the_packaged_weights() -> None:
    examples = [
        training.Example("i will find you and hurt you", frozenset({"violent_threats"}), "harm",
                         "comment", "t"),
        training.Example("i killed it at the gym today", frozenset(), "hard_negative",
                         "comment", "t"),
    ] * 4  # fmt: skip
    model = tuning.fit_examples(examples, rank=2, epochs=1)
    out_weight, out_bias = tuning.classifier_weights(model)
    assert out_weight.shape[1] == len(CATEGORY_IDS) == out_bias.shape[0]
    assert len(tuning.adapters(model)) == 36


def test_the_shipped_head_was_built_from_the_data_in_the_repository() -> None:
    files, external = training.dataset_files(DATA)
    facts = shipped_head().facts
    assert facts["data_sha256"] == training.data_sha256(files), (
        "datasets/text-safety changed since the head was built: run scripts/train_text_head.py"
    )
    assert external and not {e.name for e in external} & set(facts["data_files"])


def test_the_data_set_meets_its_own_rules() -> None:
    files, _ = training.dataset_files(DATA)
    examples = training.load_examples(files)
    assert len(examples) >= 1500
    assert sum(not e.labels for e in examples) / len(examples) >= 0.4
    assert {c for e in examples for c in e.labels} == set(CATEGORY_IDS)
    held_out = {e.text for e in examples if e.test_split}
    assert 0.15 < len(held_out) / len(examples) < 0.25
    assert not held_out & {e.text for e in examples if not e.test_split}


def test_the_data_waiting_to_be_trained_on_is_valid_and_new() -> None:
    # datasets/text-safety-next: written and checked, not yet in the shipped head.
    waiting = sorted((DATA.parent / "text-safety-next").glob("*.jsonl"))
    examples = training.load_examples(waiting)  # the same format and label checks
    files, external = training.dataset_files(DATA)
    known = {e.text.strip().casefold() for e in training.load_examples([*files, *external])}
    assert not {e.text.strip().casefold() for e in examples} & known
    assert not {p.name for p in waiting} & {p.name for p in [*files, *external]}


def test_bad_records_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "labels": ["gossip"], "kind": "harm", "surface": "comment"}\n')
    with pytest.raises(training.DatasetError, match="bad labels"):
        training.load_examples([bad])


def test_thresholds_are_raised_until_hard_negatives_are_within_budget() -> None:
    rng = np.random.default_rng(7)
    categories = len(CATEGORY_IDS)
    self_harm = CATEGORY_IDS.index("self_harm_suicide")
    hate = CATEGORY_IDS.index("hate_speech")
    # 200 harm texts (half self-harm, half hate) scoring high in their category, 200 hard
    # negatives, a quarter of which score in the middle for hate or self-harm.
    truth = np.zeros((400, categories), bool)
    truth[:100, self_harm] = True
    truth[100:200, hate] = True
    scores = rng.uniform(0.0, 0.1, (400, categories))
    scores[:100, self_harm] = rng.uniform(0.3, 1.0, 100)
    scores[100:200, hate] = rng.uniform(0.5, 1.0, 100)
    scores[200:250, hate] = rng.uniform(0.3, 0.7, 50)
    scores[250:260, self_harm] = rng.uniform(0.3, 0.5, 10)
    hard_negative = np.arange(400) >= 200
    start = np.full(categories, 0.3)

    cut = training.within_budget(scores, truth, hard_negative, start, budget=0.05)

    flagged = (scores[hard_negative] >= cut).any(axis=1).mean()
    assert flagged <= 0.05
    recall = (scores[:100, self_harm] >= cut[self_harm]).mean()
    assert recall >= training.self_harm_recall_floor(100)
    assert cut[hate] > 0.3  # the cheap category was tightened
    assert np.all(cut >= start)  # thresholds are only ever raised


def test_no_threshold_moves_when_the_hard_negatives_are_already_within_budget() -> None:
    truth = np.zeros((10, len(CATEGORY_IDS)), bool)
    truth[:5, 0] = True
    scores = np.where(truth, 0.9, 0.05)
    start = np.full(len(CATEGORY_IDS), 0.5)
    cut = training.within_budget(scores, truth, np.arange(10) >= 5, start, budget=0.05)
    assert np.array_equal(cut, start)


def test_choose_returns_its_score_a_known_veto_and_a_threshold_per_category() -> None:
    rng = np.random.default_rng(3)
    truth = rng.random((60, len(CATEGORY_IDS))) < 0.2
    learned = np.where(truth, rng.uniform(0.5, 1.0, truth.shape), rng.uniform(0, 0.4, truth.shape))
    lexical = np.zeros_like(truth)
    hard_negative = ~truth.any(axis=1)
    score, veto, critical, chosen = training.choose(
        learned, lexical, truth.astype(np.float32), hard_negative
    )
    assert 0.95 < score <= 1.0  # the scores separate the harms
    assert veto in training.LEXICON_VETOES and set(chosen) == set(CATEGORY_IDS)
    assert critical == max(training.CRITICAL_VETOES)  # no critical term to keep


_SELF_HARM = CATEGORY_IDS.index("self_harm_suicide")
_GROOMING = CATEGORY_IDS.index("child_sexual_exploitation_grooming")


def test_the_critical_veto_overrules_no_validation_text_truly_of_the_category() -> None:
    truth = np.zeros((4, len(CATEGORY_IDS)), bool)
    lexical = np.zeros_like(truth)
    learned = np.full(truth.shape, 0.5)
    lexical[:, _SELF_HARM] = True
    truth[:2, _SELF_HARM] = True  # two crises with a self-harm term, two jokes
    learned[:, _SELF_HARM] = [0.9, 0.03, 0.001, 0.002]
    assert training.critical_veto(learned, lexical, truth) == 0.02  # the largest <= 0.03
    learned[1, _SELF_HARM] = 0.02  # a crisis at exactly the veto is not overruled
    assert training.critical_veto(learned, lexical, truth) == 0.02


def test_the_critical_veto_looks_at_grooming_too_and_never_passes_its_cap() -> None:
    truth = np.zeros((3, len(CATEGORY_IDS)), bool)
    lexical = np.zeros_like(truth)
    learned = np.full(truth.shape, 0.9, np.float32)
    lexical[:, _GROOMING] = truth[0, _GROOMING] = True
    assert training.critical_veto(learned, lexical, truth) == max(training.CRITICAL_VETOES)
    learned[0, _GROOMING] = 0.005
    assert training.critical_veto(learned, lexical, truth) == 0.0
    # A harm text without the term, or a term on a text of another category, does not count.
    lexical[0, _GROOMING] = False
    truth[1, _SELF_HARM] = True
    learned[1, _SELF_HARM] = 0.001
    assert training.critical_veto(learned, lexical, truth) == max(training.CRITICAL_VETOES)


def test_choices_for_several_budgets_are_those_chosen_for_each_alone() -> None:
    examples = [e for e in training.load_examples(training.dataset_files(DATA)[0]) if e.validation][
        :120
    ]
    budgets = (1.0, 0.05)
    together = training.choices_on(examples, shipped_head(), budgets)
    assert list(together) == list(budgets)
    for budget in budgets:
        assert together[budget] == training.choose_on(examples, shipped_head(), budget)


def _scores_with_hard_negatives(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validation-like scores: harm texts of every category, hard negatives scoring in the
    middle of one category or another."""
    rng = np.random.default_rng(seed)
    categories = len(CATEGORY_IDS)
    truth = np.zeros((900, categories), bool)
    truth[np.arange(500), rng.integers(0, categories, 500)] = True
    scores = rng.uniform(0.0, 0.15, truth.shape)
    scores[truth] = rng.uniform(0.2, 1.0, truth.sum())
    hard = np.arange(900) >= 500
    scores[np.arange(500, 900), rng.integers(0, categories, 400)] = rng.uniform(0.2, 0.9, 400)
    return scores, truth, hard


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_smaller_budget_continues_from_where_a_larger_one_stopped(seed: int) -> None:
    scores, truth, hard = _scores_with_hard_negatives(seed)
    start = np.full(len(CATEGORY_IDS), 0.2)
    larger = training.within_budget(scores, truth, hard, start, budget=0.2)
    smaller = training.within_budget(scores, truth, hard, start, budget=0.05)
    assert not np.array_equal(larger, smaller)  # the smaller budget raised further
    continued = training.within_budget(scores, truth, hard, larger, budget=0.05)
    assert np.array_equal(continued, smaller)


def test_choose_resumed_chooses_what_it_chooses_afresh() -> None:
    scores, truth, hard = _scores_with_hard_negatives(4)
    lexical = np.zeros_like(truth)
    y = truth.astype(np.float32)
    raised: training.Raised = {}
    training.choose(scores, lexical, y, hard, 0.2, resume=raised)
    assert set(raised) == set(training.LEXICON_VETOES)
    resumed = training.choose(scores, lexical, y, hard, 0.05, resume=raised)
    assert resumed == training.choose(scores, lexical, y, hard, 0.05)
    assert all(budget == 0.05 for budget, _ in raised.values())


@pytest.mark.parametrize("beta", [1.0, 2.0])
def test_the_best_threshold_is_the_lowest_rounded_score_where_f_beta_peaks(beta: float) -> None:
    rng = np.random.default_rng(5)
    truth = rng.random(2000) < 0.3
    # Scores on a coarse grid, so many texts share a score and F-beta has ties.
    scores = np.where(truth, rng.uniform(0.3, 1, 2000), rng.uniform(0, 0.7, 2000))
    scores = (np.round(scores * 40) / 40).astype(np.float32)
    best, best_score = 0.5, -1.0
    for threshold in np.unique(np.round(scores, 4)):  # every candidate, one at a time
        predicted = scores >= threshold
        tp = float((predicted & truth).sum())
        fp, fn = float((predicted & ~truth).sum()), float((~predicted & truth).sum())
        score = (1 + beta**2) * tp / max((1 + beta**2) * tp + beta**2 * fn + fp, 1)
        if score > best_score:
            best, best_score = float(threshold), score
    assert 0.3 < best < 0.7
    assert training._best_threshold(scores, truth, beta) == best


def _wilson_lower(flagged: int, total: int) -> float:
    """The one-sided Wilson lower bound at ``SELF_HARM_CONFIDENCE``, by scipy (the lower end
    of a two-sided interval that leaves as much out on each side)."""
    from scipy.stats import binomtest

    two_sided = 2 * training.SELF_HARM_CONFIDENCE - 1
    return binomtest(flagged, total).proportion_ci(two_sided, method="wilson").low


@pytest.mark.parametrize("in_crisis", [100, 288, 313, 1000])
def test_the_self_harm_floor_is_the_least_recall_whose_lower_bound_meets_the_target(
    in_crisis: int,
) -> None:
    floor = training.self_harm_recall_floor(in_crisis)
    flagged = round(floor * in_crisis)
    assert _wilson_lower(flagged, in_crisis) >= training.SELF_HARM_RECALL_TARGET
    assert _wilson_lower(flagged - 1, in_crisis) < training.SELF_HARM_RECALL_TARGET


def test_the_self_harm_floor_asks_more_of_a_small_validation_split() -> None:
    floors = [training.self_harm_recall_floor(n) for n in (100, 300, 1000, 10_000)]
    assert floors == sorted(floors, reverse=True)
    assert floors[0] > 0.95 and 0.9 < floors[-1] < 0.91
    assert training.self_harm_recall_floor(0) == training.SELF_HARM_RECALL_TARGET
