"""Training the text model: low-rank adapters on MiniLM and the classifier over its tokens.

Only the trainer (``scripts/train_text_head.py``) and the variants benchmark use this module
(``fit_examples``), and it alone imports PyTorch: the runtime computes with onnxruntime and
numpy (``fast_model.py``, ``head.py``).

Why adapters. A frozen MiniLM places "I killed it at the gym" next to "I will kill you": a
head on frozen embeddings flagged a fifth of the benign texts that share words with harm.
Adapting the encoder itself separates them. Full fine-tuning would mean shipping a second
90 MB model; a low-rank adapter per matrix (``W + A @ B``, rank 16, half precision) is
1.4 MB, and the runtime adds ``A @ B`` to the packaged weights before it derives the int8
model.

The network here is MiniLM written out again (embeddings, six BERT blocks, erf GELU, layer
norm eps 1e-12) over the float weights read from the packaged ONNX file
(``onnx_weights.read_weights``): a test checks it gives the ONNX model's token states.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from haven.signals.text import training
from haven.signals.text.embeddings import MODEL
from haven.signals.text.head import MemberWeights, as_kept, block_of, weight_changes
from haven.signals.text.minilm_graph import BLOCKS, EPSILON, HEADS, HIDDEN
from haven.signals.text.onnx_weights import read_weights, with_changes
from haven.taxonomy import CATEGORY_IDS

ADAPTED = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


class AdaptedLinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank change ``x @ down @ up * scale``."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray, rank: int, scale: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.from_numpy(weight), requires_grad=False)
        self.bias = nn.Parameter(torch.from_numpy(bias), requires_grad=False)
        outputs, inputs = weight.shape
        self.down = nn.Parameter(torch.randn(inputs, rank) / math.sqrt(inputs))
        self.up = nn.Parameter(torch.zeros(rank, outputs))  # starts as the packaged model
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.linear(x, self.weight, self.bias) + (x @ self.down) @ self.up * (
            self.scale
        )

    def change(self) -> np.ndarray:
        """The learned change to the weight, (outputs, inputs), as the runtime adds it."""
        with torch.no_grad():
            return (self.down @ self.up * self.scale).T.numpy().astype(np.float32)


class FrozenLinear(nn.Module):
    """A linear layer kept as it is: the blocks a branch member shares with the first."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.from_numpy(weight), requires_grad=False)
        self.bias = nn.Parameter(torch.from_numpy(bias), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.linear(x, self.weight, self.bias)


class MiniLM(nn.Module):
    """MiniLM with a trainable adapter on every linear layer of the blocks from
    ``first_adapted`` on; the blocks below keep ``weights`` as given."""

    def __init__(
        self, weights: dict[str, np.ndarray], rank: int, scale: float, first_adapted: int = 0
    ) -> None:
        super().__init__()
        self.first_adapted = first_adapted

        def fixed(name: str) -> nn.Parameter:
            return nn.Parameter(torch.from_numpy(weights[name]), requires_grad=False)

        self.words = fixed("embeddings.word_embeddings.weight")
        self.positions = fixed("embeddings.position_embeddings.weight")
        self.token_type = fixed("embeddings.token_type_embeddings.weight")
        self.norm = (
            fixed("embeddings.LayerNorm.weight"),
            fixed("embeddings.LayerNorm.bias"),
        )
        self.linears = nn.ModuleDict()
        self.norms = nn.ParameterDict()
        for block in range(BLOCKS):
            for part in ADAPTED:
                name = f"encoder.layer.{block}.{part}"
                weight, bias = weights[f"{name}.weight"], weights[f"{name}.bias"]
                self.linears[name.replace(".", "/")] = (
                    AdaptedLinear(weight, bias, rank, scale)
                    if block >= first_adapted
                    else FrozenLinear(weight, bias)
                )
            for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
                for kind in ("weight", "bias"):
                    key = f"encoder.layer.{block}.{norm}.{kind}"
                    self.norms[key.replace(".", "/")] = fixed(key)
        for index, parameter in enumerate(self.norm):
            self.register_parameter(f"embedding_norm_{index}", parameter)

    def _linear(self, block: int, part: str, x: torch.Tensor) -> torch.Tensor:
        return self.linears[f"encoder/layer/{block}/{part.replace('.', '/')}"](x)

    def _norm(self, block: int, name: str, x: torch.Tensor) -> torch.Tensor:
        key = f"encoder/layer/{block}/{name}"
        weight, bias = self.norms[f"{key}/weight"], self.norms[f"{key}/bias"]
        return nn.functional.layer_norm(x, (HIDDEN,), weight, bias, EPSILON)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Token states (batch, tokens, 384); padding positions are masked out of attention."""
        return self.blocks(self.embedded(ids), mask, 0, BLOCKS)

    def embedded(self, ids: torch.Tensor) -> torch.Tensor:
        tokens = ids.shape[1]
        x = self.words[ids] + self.positions[:tokens] + self.token_type[0]
        return nn.functional.layer_norm(x, (HIDDEN,), self.norm[0], self.norm[1], EPSILON)

    def blocks(self, x: torch.Tensor, mask: torch.Tensor, first: int, end: int) -> torch.Tensor:
        """The token states ``x`` entering block ``first`` through the blocks up to ``end``."""
        batch, tokens, _ = x.shape
        blocked = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        size = HIDDEN // HEADS
        for block in range(first, end):

            def heads(t: torch.Tensor) -> torch.Tensor:
                return t.view(batch, tokens, HEADS, size).transpose(1, 2)

            query = heads(self._linear(block, "attention.self.query", x))
            key = heads(self._linear(block, "attention.self.key", x))
            value = heads(self._linear(block, "attention.self.value", x))
            attention = torch.softmax(query @ key.transpose(-1, -2) / math.sqrt(size) + blocked, -1)
            context = (attention @ value).transpose(1, 2).reshape(batch, tokens, HIDDEN)
            x = self._norm(
                block,
                "attention/output/LayerNorm",
                x + self._linear(block, "attention.output.dense", context),
            )
            inner = nn.functional.gelu(self._linear(block, "intermediate.dense", x))
            x = self._norm(
                block, "output/LayerNorm", x + self._linear(block, "output.dense", inner)
            )
        return x

    def changes(self) -> dict[str, np.ndarray]:
        return {
            name.replace("/", "."): layer.change()
            for name, layer in self.linears.items()
            if isinstance(layer, AdaptedLinear)
        }


def pooled(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """[mean, max] of the token states under the mask: (batch, 768). The mean keeps the gist,
    the max keeps the strongest phrase wherever it sits ("if you want to die, call 988" and
    "I want to die" differ in a few tokens, not on average)."""
    kept = mask[..., None].float()
    mean = (states * kept).sum(1) / kept.sum(1).clamp(min=1)
    peak = (states + (kept - 1) * 1e4).max(1).values
    return torch.cat([mean, peak], 1)


class Classifier(nn.Module):
    def __init__(self, encoder: MiniLM, extra: int, classes: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.out = nn.Linear(2 * HIDDEN + extra, classes)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, extra: torch.Tensor) -> torch.Tensor:
        return self.read(self.encoder(ids, mask), mask, extra)

    def from_shared(
        self, shared: torch.Tensor, mask: torch.Tensor, extra: torch.Tensor
    ) -> torch.Tensor:
        """The logits from the token states entering the first adapted block."""
        states = self.encoder.blocks(shared, mask, self.encoder.first_adapted, BLOCKS)
        return self.read(states, mask, extra)

    def read(self, states: torch.Tensor, mask: torch.Tensor, extra: torch.Tensor) -> torch.Tensor:
        joined = torch.cat([pooled(states, mask), extra], 1)
        return self.out(self.dropout(joined))


def padded(token_ids: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(len(t) for t in token_ids)
    ids = torch.zeros(len(token_ids), longest, dtype=torch.long)
    mask = torch.zeros(len(token_ids), longest, dtype=torch.long)
    for row, tokens in enumerate(token_ids):
        ids[row, : len(tokens)] = torch.tensor(tokens)
        mask[row, : len(tokens)] = 1
    return ids, mask


def shared_states(
    encoder: MiniLM, token_ids: Sequence[Sequence[int]], batch: int = 64
) -> list[torch.Tensor]:
    """Each text's token states entering the encoder's first adapted block, (tokens, 384).

    The blocks below it are frozen and MiniLM has no dropout, so these never change while a
    branch member trains: computed once, they spare every epoch those blocks' work."""
    order = np.argsort([len(t) for t in token_ids], kind="stable")
    states: list[torch.Tensor] = [None] * len(token_ids)  # type: ignore[list-item]
    with torch.no_grad():
        for first in range(0, len(order), batch):
            rows = order[first : first + batch]
            ids, mask = padded([token_ids[i] for i in rows])
            lower = encoder.blocks(encoder.embedded(ids), mask, 0, encoder.first_adapted)
            for row, index in enumerate(rows):
                states[index] = lower[row, : len(token_ids[index])].clone()
    return states


def padded_states(states: Sequence[torch.Tensor]) -> torch.Tensor:
    longest = max(len(s) for s in states)
    out = torch.zeros(len(states), longest, HIDDEN)
    for row, text in enumerate(states):
        out[row, : len(text)] = text
    return out


def length_batches(
    token_ids: Sequence[Sequence[int]], size: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Minibatches of texts of similar length (little padding to compute), in random order."""
    order = rng.permutation(len(token_ids))
    # Sort within chunks of 50 batches: similar lengths together, still shuffled overall.
    chunk = size * 50
    batches = []
    for first in range(0, len(order), chunk):
        part = order[first : first + chunk]
        part = part[np.argsort([len(token_ids[i]) for i in part], kind="stable")]
        batches += [part[k : k + size] for k in range(0, len(part), size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def fit(
    weights: dict[str, np.ndarray],
    token_ids: Sequence[Sequence[int]],
    extra: np.ndarray,
    y: np.ndarray,
    *,
    seed: int,
    rank: int,
    scale: float,
    epochs: int,
    batch: int,
    learning_rate: float,
    max_positive_weight: float = 10.0,
    example_weight: np.ndarray | None = None,
    threads: int = 2,
    first_adapted: int = 0,
) -> Classifier:
    """Adapters and classifier trained on class-weighted binary cross-entropy, AdamW with a
    one-cycle schedule, in a fixed order from ``seed``. A category's positives weigh as
    much as its negatives up to ``max_positive_weight``; ``example_weight`` weighs whole
    texts (the hard negatives, which the model must learn to leave alone). Adapters go on
    the blocks from ``first_adapted`` on (a branch member's); the blocks below keep
    ``weights``."""
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(seed)
    model = Classifier(MiniLM(weights, rank, scale, first_adapted), extra.shape[1], y.shape[1])
    shared = shared_states(model.encoder, token_ids) if first_adapted else None
    targets = torch.from_numpy(y)
    extras = torch.from_numpy(extra)
    positives = targets.sum(0)
    weight = torch.clamp((len(y) - positives) / positives.clamp(min=1), 1, max_positive_weight)
    loss_of = nn.BCEWithLogitsLoss(pos_weight=weight, reduction="none")
    per_text = torch.from_numpy(
        np.ones(len(y), np.float32) if example_weight is None else example_weight.astype(np.float32)
    )
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=0.01)
    steps = epochs * math.ceil(len(y) / batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=learning_rate, total_steps=steps, pct_start=0.1
    )
    model.train()
    for _ in range(epochs):
        for rows in length_batches(token_ids, batch, rng):
            ids, mask = padded([token_ids[i] for i in rows])
            logits = (
                model(ids, mask, extras[rows])
                if shared is None
                else model.from_shared(padded_states([shared[i] for i in rows]), mask, extras[rows])
            )
            losses = loss_of(logits, targets[rows]).mean(1)
            loss = (losses * per_text[rows]).sum() / per_text[rows].sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    model.eval()
    return model


def fit_examples(
    fitted: list[training.Example],
    *,
    seed: int = training.SEEDS[0],
    rank: int = training.RANK,
    epochs: int = training.EPOCHS,
    learning_rate: float = training.LEARNING_RATE,
    max_positive_weight: float = 10.0,
    example_weight: np.ndarray | None = None,
    trunk: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    shared_blocks: int = 0,
) -> Classifier:
    """``fit`` on labelled texts, from the packaged MiniLM's weights, with the shipped scale
    and minibatch: what the trainer runs for each member's seed, and what a variant changes.

    With ``shared_blocks``, a branch member: its blocks below that one are the first
    member's, whose adapters (``trunk``, as the head file keeps them) are added to the
    packaged weights, and only the blocks above get adapters of their own."""
    import onnx

    ids, lexical = training.model_inputs([e.text for e in fitted])
    weights = read_weights(onnx.load(str(MODEL.locate())))
    if shared_blocks:
        if trunk is None:
            raise ValueError("a branch member needs the first member's adapters")
        shared = {layer: pair for layer, pair in trunk.items() if block_of(layer) < shared_blocks}
        weights = with_changes(weights, weight_changes(shared, training.SCALE))
    return fit(
        weights,
        ids,
        lexical,
        training.targets(fitted),
        seed=seed,
        rank=rank,
        scale=training.SCALE,
        epochs=epochs,
        batch=training.MINIBATCH,
        learning_rate=learning_rate,
        max_positive_weight=max_positive_weight,
        example_weight=example_weight,
        first_adapted=shared_blocks,
    )


def fit_members(
    fitted: list[training.Example],
    members: int = training.MEMBERS,
    shared_blocks: int = training.SHARED_BLOCKS,
    first: MemberWeights | None = None,
    **settings: Any,
) -> list[MemberWeights]:
    """The head's members, member k from ``training.SEEDS[k]``: the first adapted on every
    block (or ``first``, kept as trained before), each further one a branch sharing the
    first's blocks below ``shared_blocks``. ``settings`` go to ``fit_examples``."""
    trained = [first] if first is not None else []
    for seed in training.SEEDS[len(trained) : members]:
        print(f"training the member of seed {seed}", file=sys.stderr, flush=True)
        branch = bool(trained)
        model = fit_examples(
            fitted,
            seed=seed,
            trunk=as_kept(trained[0][0]) if branch else None,
            shared_blocks=shared_blocks if branch else 0,
            **settings,
        )
        trained.append(member_weights(model))
    return trained


def fit_specialist(subset: list[training.Example]) -> MemberWeights:
    """The specialist (``head.Specialist``) trained on ``subset``
    (``training.specialist_subset``): adapters on every block of the packaged MiniLM and a
    classifier with one output, for ``training.SPECIALIST``'s category, from
    ``training.SPECIALIST_SEED`` with the members' settings."""
    import onnx

    print(f"training the specialist on {len(subset)} texts", file=sys.stderr, flush=True)
    ids, lexical = training.model_inputs([e.text for e in subset])
    column = CATEGORY_IDS.index(training.SPECIALIST)
    model = fit(
        read_weights(onnx.load(str(MODEL.locate()))),
        ids,
        lexical,
        np.ascontiguousarray(training.targets(subset)[:, column : column + 1]),
        seed=training.SPECIALIST_SEED,
        rank=training.RANK,
        scale=training.SCALE,
        epochs=training.EPOCHS,
        batch=training.MINIBATCH,
        learning_rate=training.LEARNING_RATE,
    )
    return member_weights(model)


def token_states(model: MiniLM, token_ids: Sequence[int]) -> np.ndarray:
    """One text's token states from the torch model (for the equivalence test)."""
    ids, mask = padded([token_ids])
    with torch.no_grad():
        return model(ids, mask)[0].numpy()


def member_weights(model: Classifier) -> MemberWeights:
    """What the head keeps of one trained member: its adapters and its output layer."""
    return (adapters(model), *classifier_weights(model))


def classifier_weights(model: Classifier) -> tuple[np.ndarray, np.ndarray]:
    """The output layer as the runtime applies it: ``joined @ weight + bias``."""
    with torch.no_grad():
        return (
            model.out.weight.T.numpy().astype(np.float32),
            model.out.bias.numpy().astype(np.float32),
        )


def adapters(model: Classifier) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each adapted layer's (down, up) by its name in the packaged model."""
    with torch.no_grad():
        return {
            name.replace("/", "."): (layer.down.numpy().copy(), layer.up.numpy().copy())
            for name, layer in model.encoder.linears.items()
            if isinstance(layer, AdaptedLinear)
        }
