"""Quality of the text analyzer on texts it was not trained on.

Three evaluation sets, none ever used for training or for choosing a threshold:

held-out split
    One text in five of ``datasets/text-safety/`` (all files but ``external-*.jsonl``),
    chosen by a hash of the text (``haven.signals.text.training.Example.test_split``).
external sets
    ``external-eval.jsonl`` (390 texts), ``external-eval-2.jsonl`` (524) and
    ``external-eval-3.jsonl`` (612), each written separately without sight of the training
    files, in deliberately different wording: a measure of generalisation. (The third was
    written after the hard-negative budget was chosen, so nothing was tuned with it in view.)

Printed per set: precision, recall, F1 and the confusion counts (TP FP FN TN) per category;
macro F1 over the 13 harm categories; the false positive rate on benign hard negatives (a hard
negative given any category) and on ordinary benign texts; self-harm recall; and which
categories the misses went to. Targets from the issue (held-out split): macro F1 >= 0.85,
hard-negative FPR <= 5 %, self-harm recall >= 0.9.

Run from the repository root::

    .venv/bin/python benchmarks/text_quality.py
"""

from __future__ import annotations

import functools
import re
import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

from haven.signals.text import training
from haven.signals.text.classify import classify_texts
from haven.signals.text.head import Head
from haven.taxonomy import CATEGORY_IDS

DATA = Path(__file__).resolve().parent.parent / "datasets" / "text-safety"


def evaluate(
    name: str,
    examples: list[training.Example],
    head: Head | None = None,
    out: TextIO = sys.stdout,
) -> dict[str, float]:
    """Print the figures of one set (to ``out``) and return the three of the targets."""
    say = functools.partial(print, file=out)
    results = classify_texts([e.text for e in examples], head=head)
    predicted = [set(r.categories) for r in results]
    say(f"\n== {name}: {len(examples)} texts ({dict(Counter(e.kind for e in examples))})")
    say(
        f"{'category':<36}{'n':>5}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>6}{'prec':>7}{'rec':>7}{'F1':>7}"
    )
    f1s = {}
    for category in CATEGORY_IDS:
        truth = [category in e.labels for e in examples]
        guess = [category in p for p in predicted]
        tp = sum(t and g for t, g in zip(truth, guess, strict=True))
        fp = sum(g and not t for t, g in zip(truth, guess, strict=True))
        fn = sum(t and not g for t, g in zip(truth, guess, strict=True))
        tn = len(examples) - tp - fp - fn
        precision = tp / max(tp + fp, 1)
        recall = tp / max(tp + fn, 1)
        f1s[category] = 2 * tp / max(2 * tp + fp + fn, 1)
        say(
            f"{category:<36}{sum(truth):>5}{tp:>5}{fp:>5}{fn:>5}{tn:>6}"
            f"{precision:>7.2f}{recall:>7.2f}{f1s[category]:>7.2f}"
        )
    macro = sum(f1s.values()) / len(f1s)
    hard = [p for e, p in zip(examples, predicted, strict=True) if e.kind == "hard_negative"]
    benign = [p for e, p in zip(examples, predicted, strict=True) if e.kind == "benign"]
    hard_fpr = sum(bool(p) for p in hard) / max(len(hard), 1)
    benign_fpr = sum(bool(p) for p in benign) / max(len(benign), 1)
    self_harm = [
        "self_harm_suicide" in p
        for e, p in zip(examples, predicted, strict=True)
        if "self_harm_suicide" in e.labels
    ]
    recall_sh = sum(self_harm) / max(len(self_harm), 1)
    say(f"macro F1 over the harm categories: {macro:.3f}")
    say(
        f"false positive rate, hard negatives: {hard_fpr:.1%}"
        f" ({sum(bool(p) for p in hard)} of {len(hard)} texts)"
    )
    say(
        f"false positive rate, ordinary benign: {benign_fpr:.1%}"
        f" ({sum(bool(p) for p in benign)} of {len(benign)} texts)"
    )
    say(f"self-harm recall: {recall_sh:.3f}")
    confusion: Counter[tuple[str, str]] = Counter()
    for example, guess in zip(examples, predicted, strict=True):
        for category in example.labels - guess:
            confusion[(category, ",".join(sorted(guess)) or "(nothing)")] += 1
        if not example.labels and guess:
            confusion[("(benign)", ",".join(sorted(guess)))] += 1
    say("misses and false alarms (truth -> predicted):")
    for (truth, guess), count in confusion.most_common(15):
        say(f"  {count:>3}  {truth} -> {guess}")
    return {"macro_f1": macro, "hard_fpr": hard_fpr, "self_harm_recall": recall_sh}


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9']+", text.casefold()))


def near_twins(texts: list[str], trained: list[str], share: float = 0.5) -> int:
    """How many of ``texts`` share at least ``share`` of their words (Jaccard over word sets)
    with some text the model was trained or validated on: a measure of how much an
    evaluation set leans on paraphrases of the training data."""
    known = [_words(t) for t in trained]
    holding: dict[str, list[int]] = {}
    for index, words in enumerate(known):
        for word in words:
            holding.setdefault(word, []).append(index)
    twins = 0
    for text in texts:
        words = _words(text)
        shared: Counter[int] = Counter()
        for word in words:
            shared.update(holding.get(word, ()))
        twins += any(
            count / len(words | known[index]) >= share for index, count in shared.most_common(50)
        )
    return twins


def main() -> int:
    files, external = training.dataset_files(DATA)
    examples = training.load_examples(files)
    trained = [e.text for e in examples if not e.test_split]
    sets = {"held-out split": [e for e in examples if e.test_split]}
    sets |= {
        f"external set {p.name} (written separately)": training.load_examples([p]) for p in external
    }
    figures = {}
    for name, texts in sets.items():
        figures[name] = evaluate(name, texts)
        twins = near_twins([e.text for e in texts], trained)
        print(f"texts sharing half their words with a training text: {twins} of {len(texts)}")
    held_out = figures["held-out split"]
    ok = (
        held_out["macro_f1"] >= 0.85
        and held_out["hard_fpr"] <= 0.05
        and held_out["self_harm_recall"] >= 0.9
    )
    print(
        "\ntargets on the held-out split (macro F1 >= 0.85, hard-negative FPR <= 5 %,"
        f" self-harm recall >= 0.9): {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
