"""Reading MiniLM's weights out of the packaged ONNX graph, and adding learned changes.

The packaged ``model.onnx`` keeps each weight matrix as int8 numbers and a scale, turned back
into floats by a ``Cast`` and a ``Mul`` inside the graph. Training the text model's adapter
(``tuning.py``) starts from exactly these float weights, so what it learns is a change to the
model that runs, not to a cousin of it; and the runtime (``fast_model.py``) adds the learned
changes to the same matrices before it writes them into the int8 model.

Each linear layer is found by its bias: the ``MatMul`` whose output goes to an ``Add`` with an
initializer named ``inner.<layer>.bias`` is ``<layer>``'s matrix, stored as (inputs, outputs).
"""

from __future__ import annotations

from typing import Any

import numpy as np

PREFIX = "inner."


class UnexpectedGraph(RuntimeError):
    """The ONNX file is not laid out as the packaged MiniLM is."""


def _producers(graph: Any) -> dict[str, Any]:
    return {output: node for node in graph.node for output in node.output}


def _value(name: str, producers: dict[str, Any], initializers: dict[str, Any]) -> np.ndarray:
    """The float value of a constant tensor: an initializer, or a Cast-then-Mul of them."""
    from onnx import numpy_helper

    if name in initializers:
        return numpy_helper.to_array(initializers[name]).astype(np.float32)
    node = producers.get(name)
    if node is not None and node.op_type == "Mul":
        cast = producers.get(node.input[0])
        if cast is not None and cast.op_type == "Cast" and node.input[1] in initializers:
            stored = numpy_helper.to_array(initializers[cast.input[0]]).astype(np.float32)
            return stored * numpy_helper.to_array(initializers[node.input[1]]).astype(np.float32)
    raise UnexpectedGraph(f"{name} is not a constant of the packaged form")


def linear_layers(model: Any) -> dict[str, str]:
    """Layer name (``encoder.layer.0.attention.self.query``) -> its weight tensor's name."""
    graph = model.graph
    initializers = {i.name for i in graph.initializer}
    consumers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    layers = {}
    for node in graph.node:
        if node.op_type != "MatMul":
            continue
        for after in consumers.get(node.output[0], []):
            biases = [i for i in after.input if i in initializers and i.endswith(".bias")]
            if after.op_type == "Add" and biases:
                layers[biases[0][len(PREFIX) : -len(".bias")]] = node.input[1]
    if len(layers) != 36:  # 6 blocks x (query, key, value, attention output, two feed-forward)
        raise UnexpectedGraph(f"found {len(layers)} linear layers, expected 36")
    return layers


def read_weights(model: Any) -> dict[str, np.ndarray]:
    """Every parameter by its PyTorch name (``embeddings.word_embeddings.weight``,
    ``encoder.layer.0.attention.self.query.weight`` as (outputs, inputs), biases, norms)."""
    graph = model.graph
    producers = _producers(graph)
    initializers = {i.name: i for i in graph.initializer}
    weights: dict[str, np.ndarray] = {}
    for name in initializers:
        # The embedding tables are stored as their int8 numbers and scale: read below.
        if name.startswith(PREFIX) and not name.endswith(("_q", "_scale")):
            weights[name[len(PREFIX) :]] = _value(name, producers, initializers)
    gathered = [n for n in graph.node if n.op_type == "Gather"]
    for table in ("word_embeddings", "position_embeddings"):
        source = f"{PREFIX}embeddings.{table}.weight"
        if not any(n.input[0] == source for n in gathered):
            raise UnexpectedGraph(f"no lookup of {source}")
        weights[f"embeddings.{table}.weight"] = _value(source, producers, initializers)
    for layer, tensor in linear_layers(model).items():
        weights[f"{layer}.weight"] = _value(tensor, producers, initializers).T.copy()
    return weights


def with_changes(
    weights: dict[str, np.ndarray], changes: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """A copy of ``weights`` (as ``read_weights`` gives them) whose named linear layers have
    ``change`` (outputs, inputs) added to their weights."""
    unknown = sorted(
        layer
        for layer in changes
        if f"{layer}.bias" not in weights or weights[f"{layer}.weight"].ndim != 2
    )
    if unknown:
        raise UnexpectedGraph(f"no such linear layers: {unknown}")
    adapted = dict(weights)
    for layer, change in changes.items():
        weight = weights[f"{layer}.weight"]
        if weight.shape != change.shape:
            raise UnexpectedGraph(f"{layer}: change {change.shape} for weight {weight.shape}")
        adapted[f"{layer}.weight"] = weight + change
    return adapted
