"""Training the classifier head from the labelled data set, reproducibly.

The data: JSON Lines files in ``datasets/text-safety/`` (``text``, ``labels``, ``kind``,
``surface``). ``external-eval.jsonl`` was written separately, never trains anything and only
reports generalisation. The rest is split by a hash of each text: one in five goes to the
held-out test split, the same way on every machine, whatever the file order.

Thresholds per category come from out-of-fold predictions on the training split (3 folds):
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

from haven.signals.text.conv import WINDOW, pooled, windows
from haven.signals.text.head import FEATURES, Head
from haven.taxonomy import CATEGORY_IDS

EXTERNAL_FILE = "external-eval.jsonl"
KINDS = ("harm", "benign", "hard_negative")
SEED = 20261128
# No category fires below this score, however its out-of-fold F-score came out.
MIN_THRESHOLD = 0.2
RECALL_WEIGHTED_FLOOR = 0.02
FILTERS = 256
HIDDEN = 64
EPOCHS = 30
MINIBATCH = 128
FOLDS = 3
LEARNING_RATE = 1e-3
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


def _fit(states: list[np.ndarray], features: np.ndarray, y: np.ndarray, seed: int) -> Head:
    """Adam on class-weighted binary cross-entropy, minibatches, fixed seed."""
    rng = np.random.default_rng(seed)
    n, classes = y.shape
    width = WINDOW * 384
    params = {
        "wc": rng.normal(0, np.sqrt(2 / width), (width, FILTERS)).astype(np.float32),
        "bc": np.zeros(FILTERS, np.float32),
        "w1": rng.normal(0, np.sqrt(2 / (FILTERS + FEATURES)), (FILTERS + FEATURES, HIDDEN)),
        "b1": np.zeros(HIDDEN, np.float32),
        "w2": rng.normal(0, np.sqrt(1 / HIDDEN), (HIDDEN, classes)).astype(np.float32),
        "b2": np.zeros(classes, np.float32),
    }
    params["w1"] = params["w1"].astype(np.float32)
    positives = y.sum(axis=0)
    pos_weight = np.clip((n - positives) / np.maximum(positives, 1), 1, 20).astype(np.float32)
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    step = 0
    for _ in range(EPOCHS):
        order = rng.permutation(n)
        for first in range(0, n, MINIBATCH):
            batch = order[first : first + MINIBATCH]
            unfolded, mask = windows([states[i] for i in batch])
            filters, activation, positions = pooled(unfolded, mask, params["wc"], params["bc"])
            joined = np.hstack([filters, features[batch]])
            hidden_in = joined @ params["w1"] + params["b1"]
            hidden = np.maximum(hidden_in, 0)
            logits = hidden @ params["w2"] + params["b2"]
            probs = 1 / (1 + np.exp(-np.clip(logits, -30, 30)))
            weights = np.where(y[batch] > 0, pos_weight, 1.0)
            d_logits = (weights * (probs - y[batch]) / len(batch)).astype(np.float32)
            d_hidden = (d_logits @ params["w2"].T) * (hidden_in > 0)
            d_filters = (d_hidden @ params["w1"].T)[:, :FILTERS] * (filters > 0)
            d_activation = np.zeros_like(activation)
            np.put_along_axis(d_activation, positions[:, None, :], d_filters[:, None, :], axis=1)
            d_activation *= activation > 0
            grads = {
                "w2": hidden.T @ d_logits + WEIGHT_DECAY * params["w2"],
                "b2": d_logits.sum(axis=0),
                "w1": joined.T @ d_hidden + WEIGHT_DECAY * params["w1"],
                "b1": d_hidden.sum(axis=0),
                "wc": unfolded.reshape(-1, width).T @ d_activation.reshape(-1, FILTERS)
                + WEIGHT_DECAY * params["wc"],
                "bc": d_activation.sum(axis=(0, 1)),
            }
            step += 1
            for key, grad in grads.items():
                first_moment, second_moment = moments[key]
                first_moment[:] = 0.9 * first_moment + 0.1 * grad
                second_moment[:] = 0.999 * second_moment + 0.001 * grad**2
                corrected = first_moment / (1 - 0.9**step)
                scale = np.sqrt(second_moment / (1 - 0.999**step)) + 1e-8
                params[key] = (params[key] - LEARNING_RATE * corrected / scale).astype(np.float32)
    return Head(
        params["wc"], params["bc"], params["w1"], params["b1"], params["w2"], params["b2"],
        CATEGORY_IDS, {}, {},
    )  # fmt: skip


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
    # A recall-weighted category may go lower: missing a person in crisis costs most.
    floor = RECALL_WEIGHTED_FLOOR if beta > 1 else MIN_THRESHOLD
    return float(min(max(best, floor), 0.95))


def train(
    states: list[np.ndarray], features: np.ndarray, y: np.ndarray, folds: int = FOLDS
) -> Head:
    """Fit the head on everything given; thresholds from out-of-fold predictions."""
    n = len(features)
    order = np.random.default_rng(SEED).permutation(n)
    out_of_fold = np.zeros_like(y)
    for fold in range(folds):
        held = order[fold::folds]
        kept = np.setdiff1d(order, held)
        model = _fit([states[i] for i in kept], features[kept], y[kept], SEED + fold)
        out_of_fold[held] = model.probabilities([states[i] for i in held], features[held])
    head = _fit(states, features, y, SEED)
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
        wc=head.wc.astype(np.float32),
        bc=head.bc.astype(np.float32),
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
