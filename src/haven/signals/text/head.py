"""The learned stage's trained part: adapters for MiniLM and the classifier over its tokens.

Two things are trained together (``tuning.py``, run by ``scripts/train_text_head.py``), and a
third beside them:

- a low-rank change to each of MiniLM's 36 weight matrices (``down @ up * scale``), which the
  runtime adds to the packaged model before deriving its int8 form (``fast_model.py``), so
  the encoder itself tells "I killed it at the gym" from a threat;
- a linear classifier over the adapted model's token states, pooled as [mean, max], and the
  lexicon stage's findings (a score per category and a flag per kind of safe context): one
  sigmoid output per category, since a text can be hate speech and profanity at once;
- a linear model over the text's words and word pairs (``words.py``), whose logits are blended
  with the classifier's (``blend``, the classifier's share).

All three live in ``head.npz`` beside this module, rebuilt with a fixed seed from the labelled data
in ``datasets/text-safety/``; ``head.json`` holds the per-category decision thresholds, the
training facts and the sha256 of the data it was built from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from haven.signals.text.fast_model import Adapter
from haven.signals.text.lexicon import LexiconResult
from haven.signals.text.words import WordModel
from haven.taxonomy import CATEGORY_IDS

CONTEXT_KINDS = ("counter_speech", "news", "support", "hyperbole")
# The lexicon's findings given to the classifier beside the pooled token states.
LEXICON_FEATURES = len(CATEGORY_IDS) + len(CONTEXT_KINDS)


def lexicon_features(result: LexiconResult | None) -> np.ndarray:
    features = np.zeros(LEXICON_FEATURES, np.float32)
    if result is None:
        return features
    for index, category in enumerate(CATEGORY_IDS):
        features[index] = result.scores.get(category, 0.0)
    for index, kind in enumerate(CONTEXT_KINDS):
        features[len(CATEGORY_IDS) + index] = float(kind in result.contexts)
    return features


def pooled(states: np.ndarray) -> np.ndarray:
    """[mean, max] over one text's token states (tokens, 384): 768 numbers."""
    return np.concatenate([states.mean(axis=0), states.max(axis=0)])


@dataclass
class Head:
    # Adapter: layer name -> (down (inputs, rank), up (rank, outputs)); change = down@up*scale.
    adapters: dict[str, tuple[np.ndarray, np.ndarray]]
    scale: float
    out_weight: np.ndarray  # (768 + lexicon features, categories)
    out_bias: np.ndarray
    categories: tuple[str, ...]
    thresholds: dict[str, float]
    facts: dict[str, object]
    digest: str  # sha256 of the weights file: names the adapted model derived from it
    # Below this learned probability, a strong lexicon term does not decide its category
    # alone (English, where the learned stage was trained): chosen on the validation split.
    lexicon_veto: float = 0.0
    # The same for the critical categories (self-harm, grooming), where a miss costs most:
    # only a learned stage surer than it ever was on a validation text truly of the category
    # overrules their terms (``training.critical_veto``). 0: never overruled.
    critical_veto: float = 0.0
    words: WordModel | None = None
    # The classifier's share of the logits blended with the word model's (1: the classifier
    # alone): chosen on the validation split.
    blend: float = 1.0

    @property
    def adapter(self) -> Adapter:
        return Adapter(self.digest, self.changes)

    def changes(self) -> dict[str, np.ndarray]:
        """Each adapted layer's weight change, (outputs, inputs), as the encoder adds it."""
        return {
            layer: (down @ up * self.scale).T.astype(np.float32)
            for layer, (down, up) in self.adapters.items()
        }

    def logits(
        self, states: Sequence[np.ndarray], lexical: np.ndarray, normalised_texts: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Per text: its adapted token states, its lexicon features and the normalised text ->
        the classifier's logits and the word model's (None without one), kept apart so a
        trainer can try several blends on one pass of the encoder."""
        if not states:
            empty = np.zeros((0, len(self.categories)), np.float32)
            return empty, (empty if self.words is not None else None)
        joined = np.hstack([np.stack([pooled(s) for s in states]), lexical])
        classifier = joined @ self.out_weight + self.out_bias
        words = self.words.logits(normalised_texts) if self.words is not None else None
        return classifier, words

    def blended(
        self, classifier: np.ndarray, words: np.ndarray | None, blend: float | None = None
    ) -> np.ndarray:
        """The probability per text and category from the two logits, the classifier's
        share being ``blend`` (the head's own unless given)."""
        share = self.blend if blend is None else blend
        logits = (
            classifier if words is None or share >= 1 else share * classifier + (1 - share) * words
        )
        return (1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))).astype(np.float32)


class HeadUnavailable(RuntimeError):
    pass


def to_arrays(
    adapters: dict[str, tuple[np.ndarray, np.ndarray]],
    out_weight: np.ndarray,
    out_bias: np.ndarray,
    words: WordModel | None = None,
) -> dict[str, np.ndarray]:
    arrays = {"out_weight": out_weight.astype(np.float32), "out_bias": out_bias.astype(np.float32)}
    arrays |= words.to_arrays() if words else {}
    # The adapters are kept in half precision (half the file); the runtime widens them, and
    # the thresholds are chosen on the model as read back from this file.
    for layer, (down, up) in adapters.items():
        arrays[f"{layer}:down"] = down.astype(np.float16)
        arrays[f"{layer}:up"] = up.astype(np.float16)
    return arrays


def from_files(weights: bytes, meta: dict[str, object]) -> Head:
    import io

    arrays = dict(np.load(io.BytesIO(weights)))
    layers = sorted(key.removesuffix(":down") for key in arrays if key.endswith(":down"))
    categories = tuple(meta["categories"])  # type: ignore[arg-type]
    if categories != CATEGORY_IDS:
        raise HeadUnavailable("the text head was trained on another category list; retrain it")
    return Head(
        adapters={
            layer: (
                arrays[f"{layer}:down"].astype(np.float32),
                arrays[f"{layer}:up"].astype(np.float32),
            )
            for layer in layers
        },
        scale=float(meta["adapter_scale"]),  # type: ignore[arg-type]
        out_weight=arrays["out_weight"],
        out_bias=arrays["out_bias"],
        categories=categories,
        thresholds={k: float(v) for k, v in meta["thresholds"].items()},  # type: ignore[union-attr]
        facts=meta,
        digest=hashlib.sha256(weights).hexdigest(),
        lexicon_veto=float(meta.get("lexicon_veto", 0.0)),  # type: ignore[arg-type]
        critical_veto=float(meta.get("critical_veto", 0.0)),  # type: ignore[arg-type]
        words=WordModel.from_arrays(arrays),
        blend=float(meta.get("blend", 1.0)),  # type: ignore[arg-type]
    )


@cache
def shipped_head() -> Head:
    folder = resources.files("haven.signals.text")
    try:
        weights = folder.joinpath("head.npz").read_bytes()
        meta = json.loads(folder.joinpath("head.json").read_text("utf-8"))
    except FileNotFoundError as exc:
        raise HeadUnavailable(
            "the text classifier head is missing; build it with scripts/train_text_head.py"
        ) from exc
    return from_files(weights, meta)
