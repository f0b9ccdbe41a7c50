"""The hard-negative budget's optimism, measured inside the validation split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from haven.signals.text import optimism, training
from haven.signals.text.head import shipped_head
from haven.signals.text.optimism import Gap
from haven.taxonomy import CATEGORY_IDS

DATA = Path(__file__).resolve().parents[3] / "datasets" / "text-safety"


def _overlapping_scores() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """600 texts: 150 harm texts in three categories, 450 hard negatives whose scores in
    those categories overlap the harm texts', so the budget binds and thresholds land just
    above particular hard negatives."""
    rng = np.random.default_rng(11)
    noisy = [
        CATEGORY_IDS.index(c) for c in ("hate_speech", "harassment_bullying", "violent_threats")
    ]
    truth = np.zeros((600, len(CATEGORY_IDS)), bool)
    truth[np.arange(150), np.array(noisy)[np.arange(150) % 3]] = True
    learned = np.full(truth.shape, 0.01, np.float32)
    learned[:, noisy] = rng.uniform(0, 0.75, (600, 3))
    learned[truth] = rng.uniform(0.4, 1.0, int(truth.sum()))
    return learned, np.zeros_like(truth), truth.astype(np.float32), ~truth.any(axis=1)


def test_thresholds_chosen_on_a_part_flag_more_of_the_rest() -> None:
    learned, lexical, y, hard = _overlapping_scores()
    gaps = optimism.gaps(learned, lexical, y, hard, 0.05, 1.0, 0.5, draws=10)
    assert len(gaps) == 10
    assert all(gap.chosen_on <= 0.05 for gap in gaps)  # the budget holds where it was chosen
    assert np.mean([gap.excess for gap in gaps]) > 0.005  # and is optimistic elsewhere
    # A fixed seed: the same draws every time.
    assert optimism.gaps(learned, lexical, y, hard, 0.05, 1.0, 0.5, draws=10) == gaps


def test_the_budget_is_lowered_by_the_mean_gap_only_when_it_is_more_than_noise() -> None:
    small = [Gap(0.05, 0.051), Gap(0.05, 0.054)]  # mean 0.25 points: noise
    assert optimism.corrected_budget(0.05, small) == 0.05
    large = [Gap(0.049, 0.055), Gap(0.05, 0.06), Gap(0.05, 0.048)]  # mean 0.47 points
    assert optimism.corrected_budget(0.05, large) == pytest.approx(
        0.05 - (0.006 + 0.01 - 0.002) / 3
    )
    assert optimism.corrected_budget(0.05, []) == 0.05
    assert optimism.corrected_budget(0.05, [Gap(0.0, 0.2)]) == 0.0  # never below nothing
    assert optimism.corrected_budget(1.0, large) == 1.0  # no budget stays no budget


def test_no_hard_negatives_are_none_flagged() -> None:
    learned, lexical, y, _ = _overlapping_scores()
    choice = training.Choice(1.0, 0.0, 0.0, dict.fromkeys(CATEGORY_IDS, 0.5))
    nothing = np.zeros(len(y), bool)
    assert optimism.flagged_share(learned, lexical, nothing, choice) == 0.0


def test_the_trainer_s_choice_is_made_within_the_corrected_budget() -> None:
    files, _ = training.dataset_files(DATA)
    examples = [e for e in training.load_examples(files) if e.validation][:150]
    budgeted = optimism.choose_for_target(examples, shipped_head(), 0.05)
    assert budgeted.target == 0.05 and len(budgeted.gaps) == optimism.DRAWS
    assert budgeted.budget == optimism.corrected_budget(0.05, budgeted.gaps) <= 0.05
    assert budgeted.choice == training.choose_on(examples, shipped_head(), budgeted.budget)
