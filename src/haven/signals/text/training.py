"""Training the classifier head from the labelled data set, reproducibly.

The data: JSON Lines files in ``datasets/text-safety/`` (``text``, ``labels``, ``kind``,
``surface``). ``external-eval.jsonl`` was written separately, never trains anything and only
reports generalisation. The rest is split by a hash of each text: one in five goes to the
held-out test split, the same way on every machine, whatever the file order.

Thresholds per category come from out-of-fold predictions on the training split (5 folds):
the threshold that maximises F1, or F2 for self-harm and grooming (missing a person in crisis
or a child being groomed costs most). The test split is
never looked at while training or choosing thresholds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from haven.signals.text.head import FEATURES, Head
from haven.taxonomy import CATEGORY_IDS

EXTERNAL_FILE = "external-eval.jsonl"
KINDS = ("harm", "benign", "hard_negative")
SEED = 20261128
# No category fires below this score, however its out-of-fold F-score came out.
MIN_THRESHOLD = 0.2
HIDDEN = 256
EPOCHS = 400
LEARNING_RATE = 2e-3
WEIGHT_DECAY = 1e-4
# Categories where a miss costs most are tuned for F-beta with beta 2 (recall weighs four times
# precision) instead of F1: a person in crisis, a child being groomed.
RECALL_WEIGHTED = {"self_harm_suicide": 2.0, "child_sexual_exploitation_grooming": 2.0}


class DatasetError(ValueError):
    pass


@dataclass(frozen=True)
class Example:
    text: str
    labels: frozenset[str]
    kind: str
    surface: str
    source: str

    @property
    def test_split(self) -> bool:
        digest = hashlib.sha256(self.text.strip().casefold().encode("utf-8")).digest()
        return digest[0] % 5 == 0


def load_examples(paths: Iterable[Path]) -> list[Example]:
    examples: list[Example] = []
    seen: set[str] = set()
    for path in sorted(paths):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                record = json.loads(line)
                text, labels = str(record["text"]), list(record["labels"])
                kind, surface = str(record["kind"]), str(record["surface"])
            except (ValueError, KeyError, TypeError) as exc:
                raise DatasetError(f"{where}: not a valid record ({exc})") from exc
            unknown = set(labels) - set(CATEGORY_IDS)
            if unknown or kind not in KINDS or bool(labels) != (kind == "harm"):
                raise DatasetError(f"{where}: bad labels {labels} or kind {kind!r}")
            key = text.strip().casefold()
            if key in seen:
                continue  # the same text written twice counts once
            seen.add(key)
            examples.append(Example(text, frozenset(labels), kind, surface, path.name))
    return examples


def dataset_files(folder: Path) -> tuple[list[Path], Path]:
    files = sorted(p for p in folder.glob("*.jsonl") if p.name != EXTERNAL_FILE)
    return files, folder / EXTERNAL_FILE


def data_sha256(files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def targets(examples: list[Example]) -> np.ndarray:
    return np.array(
        [[category in e.labels for category in CATEGORY_IDS] for e in examples], np.float32
    )


def _fit(features: np.ndarray, y: np.ndarray, seed: int) -> Head:
    """Adam on class-weighted binary cross-entropy, full batch, fixed seed."""
    rng = np.random.default_rng(seed)
    n, classes = y.shape
    params = {
        "w1": rng.normal(0, np.sqrt(2 / FEATURES), (FEATURES, HIDDEN)).astype(np.float32),
        "b1": np.zeros(HIDDEN, np.float32),
        "w2": rng.normal(0, np.sqrt(1 / HIDDEN), (HIDDEN, classes)).astype(np.float32),
        "b2": np.zeros(classes, np.float32),
    }
    positives = y.sum(axis=0)
    pos_weight = np.clip((n - positives) / np.maximum(positives, 1), 1, 20).astype(np.float32)
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    for step in range(1, EPOCHS + 1):
        hidden_in = features @ params["w1"] + params["b1"]
        hidden = np.maximum(hidden_in, 0)
        logits = hidden @ params["w2"] + params["b2"]
        probs = 1 / (1 + np.exp(-np.clip(logits, -30, 30)))
        weights = np.where(y > 0, pos_weight, 1.0)
        d_logits = weights * (probs - y) / n
        grads = {
            "w2": hidden.T @ d_logits + WEIGHT_DECAY * params["w2"],
            "b2": d_logits.sum(axis=0),
        }
        d_hidden = (d_logits @ params["w2"].T) * (hidden_in > 0)
        grads["w1"] = features.T @ d_hidden + WEIGHT_DECAY * params["w1"]
        grads["b1"] = d_hidden.sum(axis=0)
        for key, grad in grads.items():
            first, second = moments[key]
            first[:] = 0.9 * first + 0.1 * grad
            second[:] = 0.999 * second + 0.001 * grad**2
            corrected = first / (1 - 0.9**step)
            scale = np.sqrt(second / (1 - 0.999**step)) + 1e-8
            params[key] = (params[key] - LEARNING_RATE * corrected / scale).astype(np.float32)
    return Head(params["w1"], params["b1"], params["w2"], params["b2"], CATEGORY_IDS, {}, {})


def _best_threshold(scores: np.ndarray, truth: np.ndarray, beta: float = 1.0) -> float:
    """The threshold with the best F-beta on these out-of-fold scores."""
    best, best_score = 0.5, -1.0
    for threshold in np.unique(np.round(scores, 4)):
        predicted = scores >= threshold
        tp = float((predicted & truth).sum())
        fp = float((predicted & ~truth).sum())
        fn = float((~predicted & truth).sum())
        score = (1 + beta**2) * tp / max((1 + beta**2) * tp + beta**2 * fn + fp, 1)
        if score > best_score:
            best, best_score = float(threshold), score
    return float(min(max(best, MIN_THRESHOLD), 0.95))


def train(features: np.ndarray, y: np.ndarray, folds: int = 5) -> Head:
    """Fit the head on all of ``features``; thresholds from out-of-fold predictions."""
    n = len(features)
    order = np.random.default_rng(SEED).permutation(n)
    out_of_fold = np.zeros_like(y)
    for fold in range(folds):
        held = order[fold::folds]
        kept = np.setdiff1d(order, held)
        model = _fit(features[kept], y[kept], SEED + fold)
        out_of_fold[held] = model.probabilities(features[held])
    head = _fit(features, y, SEED)
    truth = y > 0
    head.thresholds = {
        category: _best_threshold(
            out_of_fold[:, index], truth[:, index], RECALL_WEIGHTED.get(category, 1.0)
        )
        for index, category in enumerate(CATEGORY_IDS)
    }
    return head


def save(head: Head, folder: Path, facts: dict[str, object]) -> None:
    np.savez_compressed(
        folder / "head.npz",
        w1=head.w1.astype(np.float32),
        b1=head.b1.astype(np.float32),
        w2=head.w2.astype(np.float32),
        b2=head.b2.astype(np.float32),
    )
    meta = {
        "categories": list(CATEGORY_IDS),
        "thresholds": {k: round(v, 4) for k, v in head.thresholds.items()},
        **facts,
    }
    (folder / "head.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
