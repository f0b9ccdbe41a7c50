"""How optimistic the hard-negative budget is on texts its thresholds were not chosen on.

The trainer allows for it (``haven.signals.text.optimism``): this prints the measurement
for the shipped head or another. Inside the validation split alone (the held-out split is
never read), ``--draws`` times (fixed seed) the thresholds are chosen by
``training.choose`` on a random ``--share`` of the split, at the head's own blend and
lexicon veto (the trainer measures at those best for the target, usually the same), and the hard
negatives flagged are counted there and on the rest; then the mean gap and the budget it
gives for ``--budget``::

    .venv/bin/python benchmarks/text_budget_optimism.py [--draws 20] [--share 0.8]
        [--budget 0.05] [--head DIR]

A few minutes on 2 idle cores (one pass of the encoder, then ``choose`` once a draw).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

from haven.signals.text import optimism, training
from haven.signals.text.classify import stage_scores
from haven.signals.text.head import head_in, shipped_head

DATA = Path(__file__).resolve().parent.parent / "datasets" / "text-safety"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=optimism.DRAWS)
    parser.add_argument("--share", type=float, default=optimism.SHARE, help="chosen on, 0-1")
    parser.add_argument("--budget", type=float, default=training.HARD_NEGATIVE_BUDGET)
    parser.add_argument("--head", type=Path, help="a folder with head.npz and head.json")
    options = parser.parse_args()
    if options.draws < 2 or not 0 < options.budget <= 1 or not 0 < options.share < 1:
        parser.error("--draws is at least 2, --budget in (0, 1] and --share in (0, 1)")
    head = shipped_head() if options.head is None else head_in(options.head)
    files, _ = training.dataset_files(DATA)
    validation = [e for e in training.load_examples(files) if not e.test_split and e.validation]
    y = training.targets(validation)
    hard = np.array([e.kind == "hard_negative" for e in validation])
    learned, lexical = stage_scores([e.text for e in validation], head, (head.blend,))[head.blend]
    print(
        f"validation split: {len(validation)} texts, {int(hard.sum())} hard negatives;"
        f" blend {head.blend}, lexicon veto {head.lexicon_veto}, budget {options.budget:.1%},"
        f" {options.draws} random draws of {options.share:.0%} to choose on",
        flush=True,
    )
    gaps = optimism.gaps(
        learned,
        lexical,
        y,
        hard,
        options.budget,
        head.blend,
        head.lexicon_veto,
        options.draws,
        options.share,
    )
    for number, gap in enumerate(gaps, 1):
        print(
            f"  draw {number:>2}: chosen-on part {gap.chosen_on:.2%}, the rest {gap.rest:.2%},"
            f" gap {100 * gap.excess:+.2f} points"
        )
    points = [100 * gap.excess for gap in gaps]
    spread = statistics.stdev(points)
    print(
        f"mean gap {statistics.mean(points):+.2f} points (standard deviation {spread:.2f},"
        f" standard error {spread / len(points) ** 0.5:.2f}, range {min(points):+.2f} to"
        f" {max(points):+.2f}); the budget for {options.budget:.1%}: "
        f"{optimism.corrected_budget(options.budget, gaps):.2%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
