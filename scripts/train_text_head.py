"""Rebuild the text model's adapters and classifier from the labelled data set, reproducibly.

    .venv/bin/python scripts/train_text_head.py

Reads ``datasets/text-safety/*.jsonl`` (all but ``external-*.jsonl``) and splits it by a
hash of each text (``haven.signals.text.training``): the held-out test split is left alone,
the validation split chooses the thresholds, the rest is fitted. It trains the adapters and
the classifier with PyTorch on MiniLM's weights as read from the packaged ONNX file
(``haven.signals.text.tuning``), once from each of the first ``training.MEMBERS`` fixed
seeds (``training.SEEDS``: the head's members, each past the first a branch sharing its
lower blocks; ``--keep-first-member`` keeps the first as trained before and trains the
others), then the word model on the same texts
(``training.fit_word_model``), then the self-harm specialist on the texts the head is
unsure of (``tuning.fit_specialist``; ``--specialist-only`` keeps the members and the word
model and trains it alone, about 11 minutes), and writes ``src/haven/signals/text/head.npz``.
Then it runs the validation texts through the model as Haven runs it (the derived int8
encoder with the adapters, the lexicon, the head and the word model in numpy) and writes the
blend of the two and the thresholds that score best there, within the hard-negative budget
(``--hard-negative-budget``), into ``head.json`` with the training facts. About 40 minutes
a member on 2 idle cores (62,000 texts); ``--words-only`` keeps the members and takes a few
minutes; ``--thresholds-only`` about a minute on idle cores
(``benchmarks/text_threshold_step.py``). The held-out split and the external sets are only
read by the benchmarks (``benchmarks/text_quality.py``, ``text_budgets.py``,
``text_model_variants.py``).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from haven.signals.text import optimism, training, tuning
from haven.signals.text.head import SPECIALIST_PREFIX, from_files, specialist_arrays, to_arrays
from haven.signals.text.lexicon import lexicon
from haven.signals.text.words import WordModel

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "datasets" / "text-safety"
OUTPUT = ROOT / "src" / "haven" / "signals" / "text"
# What head.json holds that is chosen on validation, not trained.
CHOSEN_ON_VALIDATION = (
    "categories",
    "thresholds",
    "lexicon_veto",
    "critical_veto",
    "blend",
    "hard_negative_budget",
    "hard_negative_target",
    "budget_optimism",
    "self_harm_confidence",
)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the labelled data folder")
    parser.add_argument(
        "--thresholds-only",
        action="store_true",
        help="keep the trained head.npz; choose the thresholds and the veto again (after a"
        " change to the lexicon or to how the stages combine)",
    )
    parser.add_argument(
        "--words-only",
        action="store_true",
        help="keep the trained members (adapters and classifiers) in head.npz; fit the word"
        " model again"
        " and choose the blend and the thresholds",
    )
    parser.add_argument(
        "--specialist-only",
        action="store_true",
        help="keep the trained members and word model in head.npz; train the specialist"
        " again and choose the thresholds",
    )
    parser.add_argument(
        "--hard-negative-budget",
        type=float,
        default=training.HARD_NEGATIVE_BUDGET,
        help="the share of unseen hard negatives the thresholds may flag (default"
        " %(default)s; the validation split's budget is this less the optimism measured on it,"
        " haven.signals.text.optimism; 1 keeps the thresholds with the best F-score per"
        " category)",
    )
    parser.add_argument(
        "--keep-first-member",
        action="store_true",
        help="keep the first member in head.npz (trained from the first seed on the same data)"
        " and train the others again",
    )
    options = parser.parse_args(argv)
    if not 0 < options.hard_negative_budget <= 1:
        parser.error("--hard-negative-budget must be above 0 and at most 1")
    budget = options.hard_negative_budget
    files, _ = training.dataset_files(options.data)
    examples = [e for e in training.load_examples(files) if not e.test_split]
    fitted = [e for e in examples if not e.validation]
    validation = [e for e in examples if e.validation]
    if options.thresholds_only or options.words_only or options.specialist_only:
        facts = json.loads((OUTPUT / "head.json").read_text("utf-8"))
        for chosen_before in CHOSEN_ON_VALIDATION:
            facts.pop(chosen_before, None)
        trained = dict(np.load(OUTPUT / "head.npz"))
        if options.words_only:
            kept = {
                k: v
                for k, v in trained.items()
                if k.startswith(("member", SPECIALIST_PREFIX)) or k == "shared_blocks"
            }
            words = training.fit_word_model(fitted)
            training.save_weights(kept | words.to_arrays(), OUTPUT)
            facts |= word_facts(words)
        if options.specialist_only:
            kept = {k: v for k, v in trained.items() if not k.startswith(SPECIALIST_PREFIX)}
            facts.pop("specialist", None)
            specialist, facts["specialist"] = fit_specialist(kept, facts, fitted)
            training.save_weights(kept | specialist, OUTPUT)
        choose_thresholds((OUTPUT / "head.npz").read_bytes(), validation, facts, budget)
        return 0
    print(f"fitting {len(fitted)} texts, validating on {len(validation)}", file=sys.stderr)
    first = None
    if options.keep_first_member:
        meta = json.loads((OUTPUT / "head.json").read_text("utf-8"))
        if meta.get("data_sha256") != training.data_sha256(files):
            parser.error("--keep-first-member: the kept head was trained on other data")
        first = from_files((OUTPUT / "head.npz").read_bytes(), meta).members[0].weights
    members = tuning.fit_members(fitted, first=first)
    words = training.fit_word_model(fitted)
    arrays = to_arrays(members, words, training.SHARED_BLOCKS)
    facts: dict[str, object] = {
        "adapter_rank": training.RANK,
        "adapter_scale": training.SCALE,
        "seeds": list(training.SEEDS[: training.MEMBERS]),
        "shared_blocks": training.SHARED_BLOCKS,
        "epochs": training.EPOCHS,
        "fitted_on": len(fitted),
        "validated_on": len(validation),
        "kinds": dict(Counter(e.kind for e in fitted)),
        "positives": {
            c: int(v)
            for c, v in zip(training.CATEGORY_IDS, training.targets(fitted).sum(0), strict=True)
        },
        "data_files": [f.name for f in files],
        "data_sha256": training.data_sha256(files),
        "lexicon_version": lexicon("en").version if lexicon("en") else None,
        **word_facts(words),
    }
    specialist_arrays, facts["specialist"] = fit_specialist(arrays, facts, fitted)
    training.save_weights(arrays | specialist_arrays, OUTPUT)
    choose_thresholds((OUTPUT / "head.npz").read_bytes(), validation, facts, budget)
    return 0


def fit_specialist(
    arrays: dict[str, np.ndarray], facts: dict[str, object], fitted: list[training.Example]
) -> tuple[dict[str, np.ndarray], dict[str, object]]:
    """The specialist for the head of ``arrays`` (members and word model, no specialist):
    its arrays for head.npz and its settings for head.json."""
    import io

    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    probe = from_files(
        buffer.getvalue(), {"categories": list(training.CATEGORY_IDS), "thresholds": {}, **facts}
    )
    subset = training.specialist_subset(fitted, probe)
    weights = tuning.fit_specialist(subset)
    settings: dict[str, object] = {
        "category": training.SPECIALIST,
        "gate": training.SPECIALIST_GATE,
        "share": training.SPECIALIST_SHARE,
        "seed": training.SPECIALIST_SEED,
        "subset_gate": training.SPECIALIST_SUBSET_GATE,
        "subset_blend": training.SPECIALIST_SUBSET_BLEND,
        "fitted_on": len(subset),
    }
    return specialist_arrays(weights), settings


def word_facts(words: WordModel) -> dict[str, object]:
    terms = len(words.vocabulary.columns)
    return {"word_model_terms": terms, "word_model_c": training.WORD_MODEL_C}


def choose_thresholds(
    weights: bytes, validation: list[training.Example], facts: dict[str, object], budget: float
) -> None:
    # The validation texts through the model as Haven runs it, adapters and all.
    probe = from_files(
        weights, {"categories": list(training.CATEGORY_IDS), "thresholds": {}, **facts}
    )
    # The target is a share of unseen hard negatives; the budget, of the validation split's.
    rules: dict[str, object] = {"hard_negative_target": budget}
    if budget < 1:
        budgeted = optimism.choose_for_target(validation, probe, budget)
        choice = budgeted.choice
        excess = optimism.mean_excess(budgeted.gaps)
        print(
            f"budget optimism on validation: {100 * excess:+.2f} points (mean of"
            f" {len(budgeted.gaps)} draws); choosing within {budgeted.budget:.2%}",
            file=sys.stderr,
        )
        rules |= {"budget_optimism": round(excess, 5), "hard_negative_budget": budgeted.budget}
    else:
        choice = training.choose_on(validation, probe, budget)
        rules |= {"hard_negative_budget": budget}
    rules |= {
        # How sure the validation split must be of self-harm recall (its floor follows).
        "self_harm_confidence": training.SELF_HARM_CONFIDENCE,
    }
    training.save_meta(OUTPUT, choice, rules | facts)
    print(f"wrote {OUTPUT / 'head.npz'} and head.json; {choice}")


if __name__ == "__main__":
    sys.exit(main())
