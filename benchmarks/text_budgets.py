"""The trade the hard-negative budget makes, on the shipped text model.

For each budget given (the share of validation hard negatives the thresholds may flag, 1 for
thresholds chosen by F-score alone), chooses the blend, the thresholds and the lexicon
veto for the shipped adapters, classifier and word model on the validation split as
``scripts/train_text_head.py --thresholds-only`` would within a validation budget of B (the
trainer first lowers its target by the optimism it measures, ``text_budget_optimism.py``:
pass head.json's ``hard_negative_budget`` to see what ships), and prints
macro F1, the false positive rate on hard negatives and self-harm recall on the validation
split (where they were chosen: the budget rule of docs/text-safety.md reads this row), the
held-out split and every external set. Nothing is trained and nothing in the repository is
written; a few minutes a budget on 2 cores::

    .venv/bin/python benchmarks/text_budgets.py 1 0.1 0.05

``--head DIR`` reads another head (``head.npz`` and ``head.json``) in place of the shipped
one, to compare two heads on the same texts, e.g. the one before a retraining::

    mkdir -p /tmp/old && for f in head.npz head.json; do
      git show COMMIT:src/haven/signals/text/$f > /tmp/old/$f; done
    .venv/bin/python benchmarks/text_budgets.py 0.05 --head /tmp/old
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from haven.signals.text import training
from haven.signals.text.head import head_in, shipped_head
from text_quality import evaluate

DATA = Path(__file__).resolve().parent.parent / "datasets" / "text-safety"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("budgets", nargs="+", type=float, help="shares of hard negatives, 0-1")
    parser.add_argument("--head", type=Path, help="a folder with head.npz and head.json")
    options = parser.parse_args()
    if not all(0 < budget <= 1 for budget in options.budgets):
        parser.error("a budget is a share above 0 and at most 1")
    files, external = training.dataset_files(DATA)
    examples = training.load_examples(files)
    validation = [e for e in examples if not e.test_split and e.validation]
    sets = {"validation": validation, "held-out": [e for e in examples if e.test_split]}
    sets |= {path.name: training.load_examples([path]) for path in external}
    head = shipped_head() if options.head is None else head_in(options.head)
    for budget, choice in training.choices_on(validation, head, options.budgets).items():
        rechosen = choice.applied_to(head)
        print(
            f"budget {budget:.1%} (blend {choice.blend}, lexicon veto {choice.lexicon_veto},"
            f" critical veto {choice.critical_veto})"
        )
        for name, texts in sets.items():
            figures = evaluate(name, texts, rechosen, io.StringIO())
            print(
                f"  {name:<24} macro F1 {figures['macro_f1']:.3f}  hard-negative FPR"
                f" {figures['hard_fpr']:.1%}  self-harm recall {figures['self_harm_recall']:.3f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
