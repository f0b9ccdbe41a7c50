"""The packaged MiniLM made fast for this machine's CPU, once, and kept.

The packaged ``model.onnx`` stores its weights as int8 but turns them back into floats before
every matrix product, so it computes in float32, and it is a PyTorch export of many small
operators. Haven derives from it, deterministically, a model that computes in int8
(VNNI/AVX-512 on current x86 CPUs) and runs three times as fast:

1. the float weights are read out of the packaged graph (``onnx_weights.read_weights``);
2. MiniLM is written out again from them as a compact graph of onnxruntime's fused
   operators (``minilm_graph.build``);
3. dynamic quantisation, per output channel, turns the matrix products into int8 ones.

Its sentence embeddings agree with the float model's at cosine 0.99 on average; the text
head's thresholds are chosen on the derived model's outputs (``scripts/train_text_head.py``),
so what was tuned is what runs. The derived file is kept in the data directory under a name
that carries the source file's digest, the graph's version and both libraries' versions: a
change of any of them derives a new one. Nothing is downloaded.

The text classifier runs a second derived model: the same, with the trained adapters' changes
added to its weight matrices first (``onnx_weights.with_changes``), and one output per
member of the head (a member past the first shares the first's lower blocks and adds its
own upper ones; ``minilm_graph.build``). Its name carries a digest of the members'
adapters (``head.Head.adapter``).
Claim matching keeps the packaged model's weights.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from haven.datadir import DataDirError, data_dir
from haven.signals.text import minilm_graph
from haven.signals.text.onnx_weights import read_weights, with_changes

# Bumped whenever minilm_graph.build changes what it writes, so kept files are derived again.
GRAPH_VERSION = 2
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Adapter:
    """The text head's changes to the packaged weights, one set per member, and the blocks
    the members share (the first member's); named by a digest of the members' adapters."""

    digest: str
    changes: Callable[[], list[dict[str, np.ndarray]]]
    shared_blocks: int = 0


def _name(source_sha256: str, adapter: Adapter | None) -> str:
    import onnx
    import onnxruntime

    adapted = f"-adapted{adapter.digest[:16]}" if adapter else ""
    return (
        f"minilm-{source_sha256[:16]}{adapted}-ort{onnxruntime.__version__}"
        f"-onnx{onnx.__version__}-graph{GRAPH_VERSION}-int8pc.onnx"
    )


def _derive(source: Path, target: Path, adapter: Adapter | None) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    weights = read_weights(onnx.load(str(source)))
    changes = adapter.changes() if adapter else [{}]
    members = [with_changes(weights, member) for member in changes]
    shared_blocks = adapter.shared_blocks if adapter else 0
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        built, quantized = Path(work) / "float.onnx", Path(work) / "int8.onnx"
        onnx.save(minilm_graph.build(members, shared_blocks), str(built))
        # The quantiser logs advice meant for its developers on the root logger.
        logging.disable(logging.WARNING)
        try:
            quantize_dynamic(
                built,
                quantized,
                weight_type=QuantType.QInt8,
                per_channel=True,
                # Shape inference does not know the fused operators' outputs: all are floats.
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
        finally:
            logging.disable(logging.NOTSET)
        # Atomic: a concurrent process either finds the whole file or derives its own.
        quantized.replace(target)


def fast_model(source: Path, source_sha256: str, adapter: Adapter | None = None) -> Path:
    """The derived model for ``source`` (already checked against ``source_sha256``), with
    ``adapter``'s changes added first if given: from the data directory, or derived now (a
    few seconds) and kept there. A data directory that cannot be written to gets the model
    derived into a temporary folder for this process."""
    name = _name(source_sha256, adapter)
    try:
        folder = data_dir() / "models"
        target = folder / name
        if target.is_file():
            return target
        folder.mkdir(parents=True, exist_ok=True)
        _derive(source, target, adapter)
        return target
    except (OSError, DataDirError) as exc:
        log.warning("cannot keep the derived text model in the data directory (%s)", exc)
    scratch = Path(tempfile.mkdtemp(prefix="haven-model-"))
    target = scratch / name
    with contextlib.suppress(FileExistsError):
        _derive(source, target, adapter)
    return target
