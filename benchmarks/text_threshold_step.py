"""How long the trainer's threshold step takes, part by part, on the shipped head's scores.

``scripts/train_text_head.py`` ends by choosing the blend, the lexicon veto and the
thresholds on the validation split (``optimism.choose_for_target``): one pass of the encoder,
then ``training.best_choice`` at the target budget (every blend and veto), the optimism
draws at one blend and veto, and ``best_choice`` again at the corrected budget, which
continues from where the target's raising stopped (``training.choose``'s ``resume``). This
times each part, and the second choice made afresh for comparison, and checks the two
agree::

    .venv/bin/python benchmarks/text_threshold_step.py [--head DIR] [--budget 0.05]

Nothing is written. The corrected budget is the one head.json records for the head
(``hard_negative_budget``), or the target less 0.7 points if it records none below the
target. About five minutes on 2 idle cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from haven.signals.text import optimism, training
from haven.signals.text.head import head_in, shipped_head

DATA = Path(__file__).resolve().parent.parent / "datasets" / "text-safety"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--head", type=Path, help="a folder with head.npz and head.json")
    parser.add_argument("--budget", type=float, default=training.HARD_NEGATIVE_BUDGET)
    options = parser.parse_args()
    if not 0 < options.budget < 1:
        parser.error("--budget is a share above 0 and under 1")
    head = shipped_head() if options.head is None else head_in(options.head)
    recorded = float(head.facts.get("hard_negative_budget", options.budget))  # type: ignore[arg-type]
    corrected = recorded if recorded < options.budget else options.budget - 0.007
    files, _ = training.dataset_files(DATA)
    validation = [e for e in training.load_examples(files) if not e.test_split and e.validation]

    started = time.perf_counter()
    scores, y, hard = training.validation_scores(validation, head)
    print(
        f"validation split: {len(validation)} texts, {int(hard.sum())} hard negatives,"
        f" {len(scores)} blends x {len(training.LEXICON_VETOES)} vetoes",
        flush=True,
    )
    report("the encoder's pass", started)

    raised: dict[float, training.Raised] = {}
    started = time.perf_counter()
    first = training.best_choice(scores, y, hard, options.budget, raised)
    report(f"choice within {options.budget:.2%}", started)

    learned, lexical = scores[first.blend]
    started = time.perf_counter()
    optimism.gaps(learned, lexical, y, hard, options.budget, first.blend, first.lexicon_veto)
    report(f"{optimism.DRAWS} optimism draws", started)

    started = time.perf_counter()
    resumed = training.best_choice(scores, y, hard, corrected, raised)
    report(f"choice within {corrected:.2%}, continued", started)
    started = time.perf_counter()
    afresh = training.best_choice(scores, y, hard, corrected)
    report(f"choice within {corrected:.2%}, afresh", started)
    print(f"  the continued choice is the fresh one: {resumed == afresh}")
    return 0 if resumed == afresh else 1


def report(part: str, started: float) -> None:
    print(f"  {part:<34} {time.perf_counter() - started:7.1f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
