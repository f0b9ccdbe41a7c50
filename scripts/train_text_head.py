"""Rebuild the text classifier head from the labelled data set, reproducibly.

    .venv/bin/python scripts/train_text_head.py

Reads ``datasets/text-safety/*.jsonl`` (all but ``external-eval.jsonl``), keeps the training
split (four texts in five, chosen by a hash of the text), computes the features (MiniLM
embedding of the normalised text + lexicon findings), trains with a fixed seed and writes
``src/haven/signals/text/head.npz`` and ``head.json`` (thresholds, counts, data sha256).
It takes a few minutes on 2 cores (three folds for the thresholds, then the final head).
The held-out split and the external set are only read by ``benchmarks/text_quality.py``.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

from haven.signals.text import training
from haven.signals.text.embeddings import encode
from haven.signals.text.head import lexicon_features
from haven.signals.text.lexicon import lexicon
from haven.signals.text.normalise import normalise

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "datasets" / "text-safety"
OUTPUT = ROOT / "src" / "haven" / "signals" / "text"


def features_for(texts: list[str]) -> tuple[list[np.ndarray], np.ndarray]:
    """Token states and dense features (sentence embedding + lexicon findings) per text."""
    english = lexicon("en")
    normalised = [normalise(t) for t in texts]
    lexical = np.stack(
        [lexicon_features(english.match(n) if english else None) for n in normalised]
    )
    means, states = encode([n.text or " " for n in normalised])
    return states, np.hstack([means, lexical])


def main() -> int:
    files, _ = training.dataset_files(DATA)
    examples = [e for e in training.load_examples(files) if not e.test_split]
    y = training.targets(examples)
    print(f"training on {len(examples)} texts from {len(files)} files", file=sys.stderr)
    states, features = features_for([e.text for e in examples])
    head = training.train(states, features, y)
    facts = {
        "seed": training.SEED,
        "trained_on": len(examples),
        "kinds": dict(Counter(e.kind for e in examples)),
        "positives": {c: int(v) for c, v in zip(training.CATEGORY_IDS, y.sum(axis=0), strict=True)},
        "data_files": [f.name for f in files],
        "data_sha256": training.data_sha256(files),
        "lexicon_version": lexicon("en").version if lexicon("en") else None,
    }
    training.save(head, OUTPUT, facts)
    print(f"wrote {OUTPUT / 'head.npz'} and head.json; thresholds {head.thresholds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
