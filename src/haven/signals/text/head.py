"""The learned stage's classifier head: a small network over embeddings and lexicon features.

Input per text: its MiniLM token states, read by a convolution over 3-token windows
(``conv.py``); its sentence embedding (384 numbers); and the lexicon stage's findings (a score
per category and a flag per kind of safe context), so the head learns when a term matters and
when its context disarms it. One hidden layer of ReLU units, then one sigmoid output per
category (a text can be hate speech and profanity at once).

The weights live in ``head.npz`` beside this module, rebuilt by ``scripts/train_text_head.py``
from the labelled data in ``datasets/text-safety/`` with a fixed seed; ``head.json`` holds the
per-category decision thresholds, the training facts and the sha256 of the data it was built
from. Training is plain numpy (Adam on a class-weighted cross-entropy), here too, so the
runtime and the trainer share one forward pass.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from haven.signals.text.conv import pooled, windows
from haven.signals.text.lexicon import LexiconResult
from haven.taxonomy import CATEGORY_IDS

CONTEXT_KINDS = ("counter_speech", "news", "support", "hyperbole")
# The dense features beside the token states: sentence embedding and lexicon findings.
FEATURES = 384 + len(CATEGORY_IDS) + len(CONTEXT_KINDS)


def lexicon_features(result: LexiconResult | None) -> np.ndarray:
    features = np.zeros(len(CATEGORY_IDS) + len(CONTEXT_KINDS), np.float32)
    if result is None:
        return features
    for index, category in enumerate(CATEGORY_IDS):
        features[index] = result.scores.get(category, 0.0)
    for index, kind in enumerate(CONTEXT_KINDS):
        features[len(CATEGORY_IDS) + index] = float(kind in result.contexts)
    return features


@dataclass
class Head:
    """Token convolution (``wc``, ``bc``), then [pooled filters, dense features] through one
    ReLU layer (``w1``, ``b1``) to one logit per category (``w2``, ``b2``)."""

    wc: np.ndarray
    bc: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    categories: tuple[str, ...]
    thresholds: dict[str, float]
    facts: dict[str, object]

    def logits(self, states: Sequence[np.ndarray], features: np.ndarray) -> np.ndarray:
        out = np.zeros((len(states), self.w2.shape[1]), np.float32)
        for first in range(0, len(states), 256):
            unfolded, mask = windows(states[first : first + 256])
            filters = pooled(unfolded, mask, self.wc, self.bc)[0]
            joined = np.hstack([filters, features[first : first + 256]])
            hidden = np.maximum(joined @ self.w1 + self.b1, 0.0)
            out[first : first + 256] = hidden @ self.w2 + self.b2
        return out

    def probabilities(self, states: Sequence[np.ndarray], features: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(states, features), -30, 30)))


class HeadUnavailable(RuntimeError):
    pass


@cache
def shipped_head() -> Head:
    folder = resources.files("haven.signals.text")
    try:
        with folder.joinpath("head.npz").open("rb") as handle:
            arrays = dict(np.load(handle))
        meta = json.loads(folder.joinpath("head.json").read_text("utf-8"))
    except FileNotFoundError as exc:
        raise HeadUnavailable(
            "the text classifier head is missing; build it with scripts/train_text_head.py"
        ) from exc
    categories = tuple(meta["categories"])
    if categories != CATEGORY_IDS:
        raise HeadUnavailable("the text head was trained on another category list; retrain it")
    return Head(
        arrays["wc"], arrays["bc"], arrays["w1"], arrays["b1"], arrays["w2"], arrays["b2"],
        categories, {k: float(v) for k, v in meta["thresholds"].items()}, meta,
    )  # fmt: skip
