"""Decode ahead on a background thread, so analysis overlaps with decoding.

FFmpeg's decoder and libswscale release the GIL, and so do numpy's array operations; with a
small queue between them the analysis of frame n runs while frame n+1 is being decoded. Errors
raised while decoding are re-raised in the consumer, in order.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_END = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetch(items: Iterable[T], *, depth: int = 8) -> Iterator[T]:
    """Yield ``items`` produced on a worker thread, at most ``depth`` ahead of the consumer."""
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        buffer.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_END)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            buffer.put(_Failure(exc))

    worker = threading.Thread(target=produce, name="haven-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                buffer.get(timeout=0.1)
        worker.join()
