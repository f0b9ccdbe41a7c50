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

The first two can be trained more than once, from different seeds (``training.SEEDS``):
each pair of adapters and classifier is a *member*, and the classifier's logits are the
members' mean. Members trained alike still err on different texts, so their mean is surer of
which texts are harm; but each member runs the encoder once more, and the shipped head has
one (``training.MEMBERS``; the measurements are in docs/text-safety.md).

All of it lives in ``head.npz`` beside this module, rebuilt with fixed seeds from the labelled
data in ``datasets/text-safety/``; ``head.json`` holds the per-category decision thresholds,
the training facts and the sha256 of the data it was built from.
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


# One trained member: its adapters and its classifier's output layer.
MemberWeights = tuple[dict[str, tuple[np.ndarray, np.ndarray]], np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Member:
    """One adapted MiniLM and the classifier over its token states."""

    # Layer name -> (down (inputs, rank), up (rank, outputs)); change = down @ up * scale.
    adapters: dict[str, tuple[np.ndarray, np.ndarray]]
    out_weight: np.ndarray  # (768 + lexicon features, categories)
    out_bias: np.ndarray
    digest: str  # names the adapted model derived for this member

    @property
    def weights(self) -> MemberWeights:
        """What ``to_arrays`` writes of this member."""
        return self.adapters, self.out_weight, self.out_bias

    def adapter(self, scale: float) -> Adapter:
        def changes() -> dict[str, np.ndarray]:
            """Each adapted layer's weight change, (outputs, inputs), as the encoder adds it."""
            return {
                layer: (down @ up * scale).T.astype(np.float32)
                for layer, (down, up) in self.adapters.items()
            }

        return Adapter(self.digest, changes)

    def logits(self, states: Sequence[np.ndarray], lexical: np.ndarray) -> np.ndarray:
        joined = np.hstack([np.stack([pooled(s) for s in states]), lexical])
        return joined @ self.out_weight + self.out_bias


@dataclass
class Head:
    members: tuple[Member, ...]
    scale: float
    categories: tuple[str, ...]
    thresholds: dict[str, float]
    facts: dict[str, object]
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
    def adapters(self) -> list[Adapter]:
        """Each member's adapter, in order: the encoder runs a text once per member."""
        return [member.adapter(self.scale) for member in self.members]

    def logits(
        self,
        states: Sequence[Sequence[np.ndarray]],
        lexical: np.ndarray,
        normalised_texts: Sequence[str],
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Per member, per text its adapted token states; per text its lexicon features and
        the normalised text -> the classifier's logits (the members' mean) and the word
        model's (None without one), kept apart so a trainer can try several blends on one
        pass of the encoder."""
        if not normalised_texts:
            empty = np.zeros((0, len(self.categories)), np.float32)
            return empty, (empty if self.words is not None else None)
        classifier = np.mean(
            [m.logits(s, lexical) for m, s in zip(self.members, states, strict=True)], axis=0
        )
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
    members: Sequence[MemberWeights], words: WordModel | None = None
) -> dict[str, np.ndarray]:
    """The arrays ``head.npz`` holds: member ``k``'s under the prefix ``member{k}/``."""
    arrays = words.to_arrays() if words else {}
    for index, (adapters, out_weight, out_bias) in enumerate(members):
        prefix = f"member{index}/"
        arrays[f"{prefix}out_weight"] = out_weight.astype(np.float32)
        arrays[f"{prefix}out_bias"] = out_bias.astype(np.float32)
        # The adapters are kept in half precision (half the file); the runtime widens them,
        # and the thresholds are chosen on the model as read back from this file.
        for layer, (down, up) in adapters.items():
            arrays[f"{prefix}{layer}:down"] = down.astype(np.float16)
            arrays[f"{prefix}{layer}:up"] = up.astype(np.float16)
    return arrays


def _members(arrays: dict[str, np.ndarray], file_digest: str) -> tuple[Member, ...]:
    members = []
    while f"member{len(members)}/out_weight" in arrays:
        prefix = f"member{len(members)}/"
        layers = sorted(
            key.removeprefix(prefix).removesuffix(":down")
            for key in arrays
            if key.startswith(prefix) and key.endswith(":down")
        )
        members.append(
            Member(
                adapters={
                    layer: (
                        arrays[f"{prefix}{layer}:down"].astype(np.float32),
                        arrays[f"{prefix}{layer}:up"].astype(np.float32),
                    )
                    for layer in layers
                },
                out_weight=arrays[f"{prefix}out_weight"],
                out_bias=arrays[f"{prefix}out_bias"],
                # Each member's derived model is named apart, though they share one file.
                digest=hashlib.sha256(f"{file_digest}/{prefix}".encode()).hexdigest(),
            )
        )
    if not members:
        raise HeadUnavailable("the text head file holds no trained member; retrain it")
    return tuple(members)


def from_files(weights: bytes, meta: dict[str, object]) -> Head:
    import io

    arrays = dict(np.load(io.BytesIO(weights)))
    categories = tuple(meta["categories"])  # type: ignore[arg-type]
    if categories != CATEGORY_IDS:
        raise HeadUnavailable("the text head was trained on another category list; retrain it")
    return Head(
        members=_members(arrays, hashlib.sha256(weights).hexdigest()),
        scale=float(meta["adapter_scale"]),  # type: ignore[arg-type]
        categories=categories,
        thresholds={k: float(v) for k, v in meta["thresholds"].items()},  # type: ignore[union-attr]
        facts=meta,
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
