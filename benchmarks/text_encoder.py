"""The text encoder alone: the derived int8 MiniLM against the packaged float one.

Inputs: 1,000 texts of ``datasets/text-safety/`` (every seventh distinct training text, all
surfaces), each run alone through one single-threaded onnxruntime session, as the text
analyzer runs them (``embeddings._run``).

Prints, for the packaged model and the derived one (``fast_model.py``, the compact graph of
``minilm_graph.py`` quantised to int8): milliseconds a text; and the cosine between the
two models' sentence embeddings (mean of the token states, unit length), mean and worst.
Then why the compact graph turns off onnxruntime's ``SkipLayerNormFusion``: one residual
add and layer norm over 18 tokens (the data's average), as the fused
``SkipLayerNormalization`` and as a plain ``Add`` + ``LayerNormalization``, microseconds a
run.

Run from the repository root::

    .venv/bin/python benchmarks/text_encoder.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

from haven.signals.text import embeddings, minilm_graph, training
from haven.signals.text.fast_model import fast_model

DATA = Path(__file__).resolve().parent.parent / "datasets" / "text-safety"
TEXTS = 1000


def _session(model: str | bytes, disabled: list[str]) -> Any:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(
        model, options, providers=["CPUExecutionProvider"], disabled_optimizers=disabled
    )


def _per_text_ms(session: Any, token_ids: list[list[int]]) -> float:
    for ids in token_ids[:20]:
        embeddings._run(session, ids)
    began = time.perf_counter()
    for ids in token_ids:
        embeddings._run(session, ids)
    return (time.perf_counter() - began) / len(token_ids) * 1000


def _layer_norm_model(fused: bool) -> bytes:
    hidden = minilm_graph.HIDDEN
    scale = numpy_helper.from_array(np.ones(hidden, np.float32), "scale")
    shift = numpy_helper.from_array(np.zeros(hidden, np.float32), "shift")
    if fused:
        nodes = [
            helper.make_node(
                "SkipLayerNormalization",
                ["x", "residual", "scale", "shift"],
                ["out"],
                domain=minilm_graph.MICROSOFT,
                epsilon=minilm_graph.EPSILON,
            )
        ]
    else:
        nodes = [
            helper.make_node("Add", ["x", "residual"], ["sum"]),
            helper.make_node(
                "LayerNormalization",
                ["sum", "scale", "shift"],
                ["out"],
                axis=-1,
                epsilon=minilm_graph.EPSILON,
            ),
        ]
    shape = [1, "tokens", hidden]
    graph = helper.make_graph(
        nodes,
        "residual_norm",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, shape) for n in ("x", "residual")],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, shape)],
        [scale, shift],
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid(minilm_graph.MICROSOFT, 1)]
    return helper.make_model(graph, opset_imports=opsets).SerializeToString()


def _layer_norm_us(fused: bool) -> float:
    session = _session(_layer_norm_model(fused), minilm_graph.DISABLED_OPTIMIZERS)
    rng = np.random.default_rng(0)
    feed = {
        n: rng.standard_normal((1, 18, minilm_graph.HIDDEN), np.float32) for n in ("x", "residual")
    }
    for _ in range(200):
        session.run(None, feed)
    began = time.perf_counter()
    for _ in range(5000):
        session.run(None, feed)
    return (time.perf_counter() - began) / 5000 * 1e6


def main() -> int:
    files, _ = training.dataset_files(DATA)
    texts = list(dict.fromkeys(e.text for e in training.load_examples(files)))[::7][:TEXTS]
    token_ids = [e.ids for e in embeddings._unpadded_tokenizer().encode_batch(texts)]
    _, source = embeddings._encoder()
    packaged = _session(str(source), [])
    derived = _session(
        str(fast_model(source, embeddings.MODEL_SHA256)), minilm_graph.DISABLED_OPTIMIZERS
    )
    cosines = np.array(
        [
            float(embeddings._run(packaged, ids)[0] @ embeddings._run(derived, ids)[0])
            for ids in token_ids
        ]
    )
    tokens = np.mean([len(ids) for ids in token_ids])
    print(f"Text encoder, one thread, {len(texts):,} texts of {tokens:.1f} tokens on average")
    print(f"packaged float model:   {_per_text_ms(packaged, token_ids):.2f} ms a text")
    print(f"derived int8 model:     {_per_text_ms(derived, token_ids):.2f} ms a text")
    print(
        f"embedding cosine, derived to packaged: mean {cosines.mean():.4f},"
        f" worst {cosines.min():.4f}"
    )
    print(
        f"residual + layer norm, 18 tokens: SkipLayerNormalization {_layer_norm_us(True):.1f} µs,"
        f" Add + LayerNormalization {_layer_norm_us(False):.1f} µs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
