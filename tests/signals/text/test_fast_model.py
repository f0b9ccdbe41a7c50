"""The int8 form of the packaged MiniLM: derived once and kept, agreeing with the packaged
model, and still derived when the data directory cannot be written to."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime
import pytest

from haven.model_files import Verifications
from haven.signals.text.embeddings import MODEL, MODEL_SHA256, _encoder
from haven.signals.text.fast_model import fast_model

SENTENCES = ["you are a worthless idiot", "I killed it at the gym today", "call 988 for help"]


def _pooled(model: Path) -> np.ndarray:
    tokenizer, _ = _encoder()
    session = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    encodings = tokenizer.encode_batch(SENTENCES)
    ids = np.array([e.ids for e in encodings], np.int64)
    mask = np.array([e.attention_mask for e in encodings], np.int64)
    hidden = session.run(
        None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    )[0]
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


@pytest.mark.slow
def test_derived_once_kept_and_close_to_the_packaged_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAVEN_DATA_DIR", str(tmp_path))
    source = MODEL.locate()
    Verifications().check([source], MODEL_SHA256, "MiniLM model.onnx")
    derived = fast_model(source, MODEL_SHA256)
    assert derived.parent == tmp_path / "models" and MODEL_SHA256[:16] in derived.name
    made = derived.stat().st_mtime_ns
    assert fast_model(source, MODEL_SHA256) == derived  # kept, not derived again
    assert derived.stat().st_mtime_ns == made
    agreement = (_pooled(derived) * _pooled(source)).sum(axis=1)
    assert agreement.min() > 0.95, agreement


@pytest.mark.slow
def test_an_unwritable_data_directory_still_gets_a_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("HAVEN_DATA_DIR", str(blocked))
    derived = fast_model(MODEL.locate(), MODEL_SHA256)
    assert derived.is_file() and not derived.is_relative_to(blocked)


def test_a_text_gets_the_same_numbers_alone_or_with_others() -> None:
    # The int8 model quantises each input as a whole: texts are run one at a time so that a
    # text's scores never depend on what else was checked with it.
    from haven.signals.text.embeddings import encode, forget_recent

    forget_recent()
    alone = encode([SENTENCES[0]])
    forget_recent()
    together = encode(["a much longer text " * 20, SENTENCES[0], "ok"])
    assert np.array_equal(alone[0][0], together[0][1])
    assert np.array_equal(alone[1][0], together[1][1])
