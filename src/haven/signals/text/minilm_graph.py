"""MiniLM written out as a compact ONNX graph from its weights, for the int8 encoder.

The packaged ``model.onnx`` is a PyTorch export: each attention block is a few dozen small
operators (reshapes, transposes, slices, masks) that onnxruntime's transformer optimiser does
not recognise as attention in this export, and each costs a few microseconds on every text.
This graph states the same network with onnxruntime's fused operators instead: per block
one ``Attention`` (query, key and value as one matrix), three matrix products, ``BiasGelu``
and two layer norms, and one ``EmbedLayerNormalization`` in front.

The layer norms are a plain ``Add`` then ``LayerNormalization``, not onnxruntime's fused
``SkipLayerNormalization``: for 18 tokens the fused operator took 35 µs against 9 µs for
the pair (onnxruntime 1.32, one thread; ``benchmarks/text_encoder.py``), so sessions that
run this graph turn that fusion off (``DISABLED_OPTIMIZERS``). Measured on 300 texts of
18 tokens on average, one thread: the int8 model the optimiser made from the export 1.79
ms a text; this graph with the fused layer norms 1.54 ms; with the plain ones 1.18 ms.

The graph computes what the packaged model computes (a test compares their token states in
float), and what the trainer's PyTorch network (``tuning.MiniLM``) computes with the same
weights. Inputs and output keep the packaged model's names: ``input_ids``,
``attention_mask``, ``token_type_ids`` -> ``last_hidden_state``. A text head of several
members (``head.py``) gets one graph with an output per member (``output_name``), their
shared lower blocks run once. Padding must be at the end
of a row (as the tokenizer pads): the attention reads the mask as each row's length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

BLOCKS, HEADS, HIDDEN = 6, 12, 384  # all-MiniLM-L6-v2
EPSILON = 1e-12
MICROSOFT = "com.microsoft"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "last_hidden_state"
# onnxruntime graph optimisations to turn off in sessions running this graph (see above).
DISABLED_OPTIMIZERS = ["SkipLayerNormFusion"]
_MICROSOFT_OPS = {"EmbedLayerNormalization", "Attention", "BiasGelu"}


class _Graph:
    """Nodes and constants as they are added, in order. Names get ``prefix`` in front, so a
    branch's blocks stand apart from the trunk's."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.constants: list[Any] = []
        self.prefix = ""

    def constant(self, name: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        array = np.ascontiguousarray(value, dtype=np.float32)
        self.constants.append(numpy_helper.from_array(array, self.prefix + name))
        return self.prefix + name

    def node(self, op: str, inputs: list[str], output: str, **attributes: Any) -> str:
        from onnx import helper

        domain = MICROSOFT if op in _MICROSOFT_OPS else ""
        named = self.prefix + output
        self.nodes.append(helper.make_node(op, inputs, [named], domain=domain, **attributes))
        return named


def output_name(member: int) -> str:
    """The graph output of member ``member``'s token states."""
    return OUTPUT if member == 0 else f"{OUTPUT}.member{member}"


def _layer_norm(
    graph: _Graph, x: str, residual: str, weights: dict[str, np.ndarray], name: str
) -> str:
    """LayerNorm(x + residual) with the weights of ``name`` (``...LayerNorm``)."""
    summed = graph.node("Add", [x, residual], f"{name}.sum")
    return graph.node(
        "LayerNormalization",
        [
            summed,
            graph.constant(f"{name}.weight", weights[f"{name}.weight"]),
            graph.constant(f"{name}.bias", weights[f"{name}.bias"]),
        ],
        f"{name}.out",
        axis=-1,
        epsilon=EPSILON,
    )


def _product(graph: _Graph, x: str, weights: dict[str, np.ndarray], name: str) -> str:
    """x @ W.T for the layer ``name`` (weights stored as PyTorch's (outputs, inputs))."""
    matrix = graph.constant(f"{name}.matrix", weights[f"{name}.weight"].T)
    return graph.node("MatMul", [x, matrix], f"{name}.mm")


def _linear(graph: _Graph, x: str, weights: dict[str, np.ndarray], name: str) -> str:
    """x @ W.T + b for the layer ``name``."""
    product = _product(graph, x, weights, name)
    return graph.node(
        "Add", [product, graph.constant(f"{name}.bias", weights[f"{name}.bias"])], name
    )


def _block(graph: _Graph, x: str, weights: dict[str, np.ndarray], block: int) -> str:
    layer = f"encoder.layer.{block}"
    projections = [f"{layer}.attention.self.{part}" for part in ("query", "key", "value")]
    context = graph.node(
        "Attention",
        [
            x,
            graph.constant(
                f"{layer}.qkv.matrix",
                np.concatenate([weights[f"{p}.weight"].T for p in projections], axis=1),
            ),
            graph.constant(
                f"{layer}.qkv.bias", np.concatenate([weights[f"{p}.bias"] for p in projections])
            ),
            "mask_index",
        ],
        f"{layer}.context",
        num_heads=HEADS,
    )
    attended = _linear(graph, context, weights, f"{layer}.attention.output.dense")
    x = _layer_norm(graph, attended, x, weights, f"{layer}.attention.output.LayerNorm")
    inner_name = f"{layer}.intermediate.dense"
    inner = graph.node(
        "BiasGelu",  # erf GELU, as BERT's
        [
            _product(graph, x, weights, inner_name),
            graph.constant(f"{inner_name}.bias", weights[f"{inner_name}.bias"]),
        ],
        f"{inner_name}.gelu",
    )
    out = _linear(graph, inner, weights, f"{layer}.output.dense")
    return _layer_norm(graph, out, x, weights, f"{layer}.output.LayerNorm")


def build(members: Sequence[dict[str, np.ndarray]], shared_blocks: int = 0) -> Any:
    """The float ONNX model of MiniLM, ready for dynamic quantisation, with one output of
    token states per member's weights (each named as ``read_weights`` names them): the first
    member's blocks below ``shared_blocks`` run once as a trunk, and each member's own blocks
    from there on as its branch. One member gives plain MiniLM."""
    from onnx import TensorProto, helper

    if not members or not 0 <= shared_blocks < BLOCKS:
        raise ValueError(f"cannot build {len(members)} members sharing {shared_blocks} blocks")
    first = members[0]
    graph = _Graph()
    as_int32 = [
        graph.node("Cast", [name], f"{name}.int32", to=TensorProto.INT32) for name in INPUTS
    ]
    ids, mask, types = as_int32
    embeddings = "embeddings"
    graph.nodes.append(
        helper.make_node(
            "EmbedLayerNormalization",
            [
                ids,
                types,
                *(
                    graph.constant(f"{embeddings}.{table}", first[f"{embeddings}.{table}.weight"])
                    for table in ("word_embeddings", "position_embeddings", "token_type_embeddings")
                ),
                *(
                    graph.constant(
                        f"{embeddings}.norm.{kind}", first[f"{embeddings}.LayerNorm.{kind}"]
                    )
                    for kind in ("weight", "bias")
                ),
                mask,
            ],
            ["embedded", "mask_index"],  # mask_index: each row's count of tokens
            domain=MICROSOFT,
            epsilon=EPSILON,
        )
    )
    trunk = "embedded"
    for block in range(shared_blocks):
        trunk = _block(graph, trunk, first, block)
    outputs = []
    for member, weights in enumerate(members):
        graph.prefix = "" if member == 0 else f"member{member}/"
        x = trunk
        for block in range(shared_blocks, BLOCKS):
            x = _block(graph, x, weights, block)
        graph.prefix = ""
        outputs.append(graph.node("Identity", [x], output_name(member)))
    return helper.make_model(
        helper.make_graph(
            graph.nodes,
            "minilm",
            [
                helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"])
                for n in INPUTS
            ],
            [
                helper.make_tensor_value_info(n, TensorProto.FLOAT, ["batch", "tokens", HIDDEN])
                for n in outputs
            ],
            graph.constants,
        ),
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MICROSOFT, 1)],
    )
