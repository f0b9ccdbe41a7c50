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
which texts are harm. A member past the first is a *branch*: it shares the first member's
adapted blocks below ``shared_blocks`` and has adapters of its own only above, so the
encoder runs the lower blocks once for all members (``training.SHARED_BLOCKS``; the
measurements are in docs/text-safety.md).

A fourth part reads again what the others find hard in one category (self-harm): the
*specialist*, one more adapted MiniLM with a classifier of one output, trained only on that
category's texts and on the texts the head gives it some probability (``Specialist``). It
runs only on the texts the head scores at least ``gate`` for the category, and its logit is
mixed with the head's there.

All of it lives in ``head.npz`` beside this module, rebuilt with fixed seeds from the labelled
data in ``datasets/text-safety/``; ``head.json`` holds the per-category decision thresholds,
the training facts and the sha256 of the data it was built from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from importlib.resources.abc import Traversable

import numpy as np

from haven.signals.text.fast_model import Adapter
from haven.signals.text.lexicon import LexiconResult
from haven.signals.text.minilm_graph import BLOCKS, HIDDEN
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


# Layer name (``encoder.layer.3.attention.self.query``) -> (down (inputs, rank), up (rank,
# outputs)); the layer's weight change is down @ up * scale.
Adapters = dict[str, tuple[np.ndarray, np.ndarray]]
# One trained member: its adapters and its classifier's output layer.
MemberWeights = tuple[Adapters, np.ndarray, np.ndarray]


def block_of(layer: str) -> int:
    """The block a linear layer of MiniLM sits in: ``encoder.layer.3.output.dense`` -> 3."""
    return int(layer.split(".")[2])


def weight_changes(adapters: Adapters, scale: float) -> dict[str, np.ndarray]:
    """Each adapted layer's weight change, (outputs, inputs), as the encoder adds it."""
    return {
        layer: (down @ up * scale).T.astype(np.float32) for layer, (down, up) in adapters.items()
    }


def as_kept(adapters: Adapters) -> Adapters:
    """The adapters as the head file keeps them (half precision) and the runtime reads them."""

    def kept(array: np.ndarray) -> np.ndarray:
        return array.astype(np.float16).astype(np.float32)

    return {layer: (kept(down), kept(up)) for layer, (down, up) in adapters.items()}


@dataclass(frozen=True)
class Member:
    """One adapted MiniLM (or a branch of the first) and the classifier over its tokens."""

    adapters: Adapters
    out_weight: np.ndarray  # (768 + lexicon features, categories)
    out_bias: np.ndarray

    @property
    def weights(self) -> MemberWeights:
        """What ``to_arrays`` writes of this member."""
        return self.adapters, self.out_weight, self.out_bias

    def logits(self, states: Sequence[np.ndarray], lexical: np.ndarray) -> np.ndarray:
        joined = np.hstack([np.stack([pooled(s) for s in states]), lexical])
        return joined @ self.out_weight + self.out_bias


def _digest(members: Sequence[Member], scale: float, shared_blocks: int) -> str:
    digest = hashlib.sha256(f"{scale}/{shared_blocks}".encode())
    for member in members:
        for layer in sorted(member.adapters):
            digest.update(layer.encode())
            for array in member.adapters[layer]:
                digest.update(np.ascontiguousarray(array, np.float32).tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Specialist:
    """A second reading of one category where the head is unsure.

    Why: the self-harm threshold is held low by its recall floor, so the hard negatives the
    head gives some self-harm probability ("cut myself shaving", a recovery post, a song
    that makes one "want to die") took most of the hard-negative budget (225 of the 322
    flagged on the validation split of the fourteenth session's head). A model trained on
    those texts alone, beside the people in crisis, errs on other texts than the head: mixed
    in (``training.SPECIALIST_SHARE``), it took the validation hard negatives flagged for
    self-harm at the recall floor from 226 to 157."""

    member: Member  # its adapters on every block, and a classifier of one output
    category: str
    gate: float  # the head's probability for the category from which the specialist reads
    share: float  # the specialist's share of the mixed logit
    scale: float

    @cached_property
    def adapter(self) -> Adapter:
        """Its change to the encoder: a derived model of its own, run on the gated texts."""
        return Adapter(
            _digest((self.member,), self.scale, 0),
            lambda: [weight_changes(self.member.adapters, self.scale)],
        )

    def mixed(self, probabilities: np.ndarray, logits: np.ndarray) -> np.ndarray:
        """The head's probabilities for the category and the specialist's logits for the
        same texts -> the mixed probabilities."""
        clipped = np.clip(probabilities.astype(np.float64), 1e-7, 1 - 1e-7)
        head_logits = np.log(clipped / (1 - clipped))
        mixed = (1 - self.share) * head_logits + self.share * logits
        return (1.0 / (1.0 + np.exp(-np.clip(mixed, -30, 30)))).astype(np.float32)


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
    # The first member's blocks that the others share (see the module's docstring).
    shared_blocks: int = 0
    specialist: Specialist | None = None

    @cached_property
    def adapter(self) -> Adapter:
        """All members' changes to the encoder, named by a digest of them: one derived model
        with one output per member."""

        def changes() -> list[dict[str, np.ndarray]]:
            return [weight_changes(m.adapters, self.scale) for m in self.members]

        return Adapter(
            _digest(self.members, self.scale, self.shared_blocks), changes, self.shared_blocks
        )

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


# Where head.npz keeps the specialist's weights, as a member's are kept under ``member{k}/``.
SPECIALIST_PREFIX = "specialist/"


def to_arrays(
    members: Sequence[MemberWeights],
    words: WordModel | None = None,
    shared_blocks: int = 0,
    specialist: MemberWeights | None = None,
) -> dict[str, np.ndarray]:
    """The arrays ``head.npz`` holds: member ``k``'s under the prefix ``member{k}/``, the
    specialist's under ``specialist/``."""
    arrays = words.to_arrays() if words else {}
    arrays["shared_blocks"] = np.array(shared_blocks, np.int64)
    for index, weights in enumerate(members):
        arrays |= _member_arrays(f"member{index}/", weights)
    if specialist is not None:
        arrays |= specialist_arrays(specialist)
    return arrays


def specialist_arrays(weights: MemberWeights) -> dict[str, np.ndarray]:
    """The specialist's arrays as ``head.npz`` holds them (under ``specialist/``)."""
    return _member_arrays(SPECIALIST_PREFIX, weights)


def _member_arrays(prefix: str, weights: MemberWeights) -> dict[str, np.ndarray]:
    adapters, out_weight, out_bias = weights
    arrays = {
        f"{prefix}out_weight": out_weight.astype(np.float32),
        f"{prefix}out_bias": out_bias.astype(np.float32),
    }
    # The adapters are kept in half precision (half the file); the runtime widens them,
    # and the thresholds are chosen on the model as read back from this file.
    for layer, (down, up) in adapters.items():
        arrays[f"{prefix}{layer}:down"] = down.astype(np.float16)
        arrays[f"{prefix}{layer}:up"] = up.astype(np.float16)
    return arrays


def _member(arrays: dict[str, np.ndarray], prefix: str) -> Member:
    layers = sorted(
        key.removeprefix(prefix).removesuffix(":down")
        for key in arrays
        if key.startswith(prefix) and key.endswith(":down")
    )
    return Member(
        adapters={
            layer: (
                arrays[f"{prefix}{layer}:down"].astype(np.float32),
                arrays[f"{prefix}{layer}:up"].astype(np.float32),
            )
            for layer in layers
        },
        out_weight=arrays[f"{prefix}out_weight"],
        out_bias=arrays[f"{prefix}out_bias"],
    )


def _members(arrays: dict[str, np.ndarray], shared_blocks: int) -> tuple[Member, ...]:
    members: list[Member] = []
    while f"member{len(members)}/out_weight" in arrays:
        member = _member(arrays, f"member{len(members)}/")
        if members and any(block_of(layer) < shared_blocks for layer in member.adapters):
            raise HeadUnavailable(
                f"member {len(members)} of the text head adapts blocks it shares with the"
                " first; retrain it"
            )
        members.append(member)
    if not members:
        raise HeadUnavailable("the text head file holds no trained member; retrain it")
    return tuple(members)


def _specialist(arrays: dict[str, np.ndarray], meta: dict[str, object]) -> Specialist | None:
    """The specialist, if head.npz holds one; head.json must then say how it is used."""
    if f"{SPECIALIST_PREFIX}out_weight" not in arrays:
        return None
    settings = meta.get("specialist")
    if not isinstance(settings, dict) or settings.get("category") not in CATEGORY_IDS:
        raise HeadUnavailable("the text head's specialist has no valid settings in head.json")
    member = _member(arrays, SPECIALIST_PREFIX)
    if member.out_weight.shape != (2 * HIDDEN + LEXICON_FEATURES, 1):
        raise HeadUnavailable("the text head's specialist must have one output; retrain it")
    return Specialist(
        member=member,
        category=str(settings["category"]),
        gate=float(settings["gate"]),
        share=float(settings["share"]),
        scale=float(meta["adapter_scale"]),  # type: ignore[arg-type]
    )


def from_files(weights: bytes, meta: dict[str, object]) -> Head:
    import io

    arrays = dict(np.load(io.BytesIO(weights)))
    categories = tuple(meta["categories"])  # type: ignore[arg-type]
    if categories != CATEGORY_IDS:
        raise HeadUnavailable("the text head was trained on another category list; retrain it")
    shared_blocks = int(arrays.get("shared_blocks", 0))
    if not 0 <= shared_blocks < BLOCKS:
        raise HeadUnavailable(f"the text head shares {shared_blocks} blocks of MiniLM's {BLOCKS}")
    return Head(
        members=_members(arrays, shared_blocks),
        scale=float(meta["adapter_scale"]),  # type: ignore[arg-type]
        categories=categories,
        thresholds={k: float(v) for k, v in meta["thresholds"].items()},  # type: ignore[union-attr]
        facts=meta,
        lexicon_veto=float(meta.get("lexicon_veto", 0.0)),  # type: ignore[arg-type]
        critical_veto=float(meta.get("critical_veto", 0.0)),  # type: ignore[arg-type]
        words=WordModel.from_arrays(arrays),
        blend=float(meta.get("blend", 1.0)),  # type: ignore[arg-type]
        shared_blocks=shared_blocks,
        specialist=_specialist(arrays, meta),
    )


def head_in(folder: Traversable) -> Head:
    """The head whose ``head.npz`` and ``head.json`` are in ``folder`` (e.g. one from a
    retraining, to compare with the shipped one)."""
    try:
        weights = folder.joinpath("head.npz").read_bytes()
        meta = json.loads(folder.joinpath("head.json").read_text("utf-8"))
    except FileNotFoundError as exc:
        raise HeadUnavailable(
            f"no text classifier head in {folder}; build it with scripts/train_text_head.py"
        ) from exc
    return from_files(weights, meta)


@cache
def shipped_head() -> Head:
    return head_in(resources.files("haven.signals.text"))
