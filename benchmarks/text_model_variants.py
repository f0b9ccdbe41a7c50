"""Training variants of the text model, each scored on texts it was not trained on.

For each variant given, trains the adapters and classifier on the fitted split exactly as
``scripts/train_text_head.py`` does but with the variant's settings (and the word model),
chooses the blend, the thresholds and the lexicon veto on the validation split (run as Haven
runs), and prints macro F1, the false positive rate on hard negatives and self-harm recall on
the held-out split and on the external sets (``benchmarks/text_quality.py`` evaluates them).
Nothing in the repository is written. About 25 minutes a member on 2 cores.

A variant is a list of settings, ``rank=16 epochs=4 lr=1e-3 hard_weight=1
max_positive_weight=10 budget=0.1 word_c=16 members=1 shared_blocks=4`` (``word_c=0``: no
word model; ``members=2``: a member from each of the first two seeds, the second sharing the
first's blocks below ``shared_blocks``); each given setting replaces the shipped one::

    .venv/bin/python benchmarks/text_model_variants.py "rank=8" "rank=16 hard_weight=3"
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np

from haven.signals.text import training, tuning
from haven.signals.text.head import Head, from_files, to_arrays
from haven.signals.text.minilm_graph import BLOCKS
from text_quality import evaluate

DATA = Path(__file__).resolve().parent.parent / "datasets" / "text-safety"
SHIPPED = {
    "rank": training.RANK,
    "epochs": training.EPOCHS,
    "lr": training.LEARNING_RATE,
    "hard_weight": 1.0,
    "max_positive_weight": 10.0,
    # share of validation hard negatives the thresholds may flag (1 = thresholds by F-score only)
    "budget": training.HARD_NEGATIVE_BUDGET,
    # the word model's inverse L2 penalty; 0 leaves the word model out
    "word_c": training.WORD_MODEL_C,
    # how many members (each trained from the next of training.SEEDS), at most len(SEEDS)
    "members": training.MEMBERS,
    # the first member's blocks that the others share (0 to 5)
    "shared_blocks": training.SHARED_BLOCKS,
}


def settings_of(variant: str) -> dict[str, float]:
    settings = dict(SHIPPED)
    for item in variant.split():
        name, _, value = item.partition("=")
        if name not in SHIPPED:
            raise SystemExit(f"unknown setting {name!r}; known: {', '.join(SHIPPED)}")
        settings[name] = float(value)
    if not 1 <= settings["members"] <= len(training.SEEDS):
        raise SystemExit(f"members must be 1 to {len(training.SEEDS)} (one per seed)")
    if not 0 <= settings["shared_blocks"] < BLOCKS:
        raise SystemExit(f"shared_blocks must be 0 to {BLOCKS - 1}")
    return settings


def trained(settings: dict[str, float], examples: list[training.Example]) -> Head:
    fitted = [e for e in examples if not e.validation]
    validation = [e for e in examples if e.validation]
    hard = np.array([e.kind == "hard_negative" for e in fitted])
    shared_blocks = int(settings["shared_blocks"])
    members = tuning.fit_members(
        fitted,
        int(settings["members"]),
        shared_blocks,
        rank=int(settings["rank"]),
        epochs=int(settings["epochs"]),
        learning_rate=settings["lr"],
        max_positive_weight=settings["max_positive_weight"],
        example_weight=np.where(hard, settings["hard_weight"], 1.0).astype(np.float32),
    )
    words = training.fit_word_model(fitted, settings["word_c"]) if settings["word_c"] else None
    buffer = io.BytesIO()
    arrays = to_arrays(members, words, shared_blocks)
    np.savez(buffer, **arrays)
    meta: dict[str, object] = {
        "categories": list(training.CATEGORY_IDS),
        "thresholds": {},
        "adapter_scale": training.SCALE,
    }
    probe = from_files(buffer.getvalue(), meta)
    choice = training.choose_on(validation, probe, settings["budget"])
    return choice.applied_to(from_files(buffer.getvalue(), meta))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", help='settings, e.g. "rank=8 epochs=8"')
    parser.add_argument("--data", type=Path, default=DATA)
    options = parser.parse_args()
    variants = [settings_of(v) for v in options.variants]  # refuse a typo before training
    files, external = training.dataset_files(options.data)
    examples = [e for e in training.load_examples(files) if not e.test_split]
    sets = {"held-out": [e for e in training.load_examples(files) if e.test_split]}
    sets |= {p.name: training.load_examples([p]) for p in external}
    for settings in variants:
        began = time.perf_counter()
        head = trained(settings, examples)
        figures = {name: evaluate(name, texts, head, io.StringIO()) for name, texts in sets.items()}
        print(
            f"{settings} blend {head.blend} veto {head.lexicon_veto}"
            f" critical veto {head.critical_veto}"
            f" ({time.perf_counter() - began:.0f} s)\n"
            + "\n".join(
                f"  {name:<24} macro F1 {f['macro_f1']:.3f}  hard-negative FPR"
                f" {f['hard_fpr']:.1%}  self-harm recall {f['self_harm_recall']:.3f}"
                for name, f in figures.items()
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
