"""Deciding texts for callers that wait, in model batches.

Many requests each asking for one text would each run MiniLM alone, and on a few cores those
runs fight over the same threads. The batcher's thread takes the first waiting text, gathers
what else arrives within ``max_wait`` (up to ``max_batch``), decides them together (one batch
per language, region and age band) and hands each caller its answer.
"""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import Future
from itertools import groupby

from haven.content.jobs import analyse_texts, batch_key
from haven.content.models import ContentItem
from haven.decisions.models import DecisionDraft
from haven.policy.model import Policy


class TextBatcher:
    def __init__(self, policy: Policy, *, max_batch: int = 32, max_wait: float = 0.004) -> None:
        self.policy, self.max_batch, self.max_wait = policy, max_batch, max_wait
        self._waiting: queue.Queue[tuple[ContentItem, Future[DecisionDraft]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def analyse(self, item: ContentItem, timeout: float = 60.0) -> DecisionDraft:
        """The decision draft for one text, decided in a batch with others waiting now."""
        answer: Future[DecisionDraft] = Future()
        self._waiting.put((item, answer))
        self._start()
        return answer.result(timeout)

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, daemon=True, name="haven-text-batcher"
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._serve_one_batch()

    def _serve_one_batch(self) -> None:
        """Gather and decide one batch; whatever goes wrong reaches the callers, never kills
        the thread."""
        batch = [self._waiting.get()]
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.max_batch:
            remaining = deadline - time.monotonic()
            try:
                batch.append(
                    self._waiting.get(timeout=max(remaining, 0))
                    if remaining > 0
                    else self._waiting.get_nowait()
                )
            except queue.Empty:
                break
        try:
            batch.sort(key=lambda pair: batch_key(pair[0]))
            groups = [list(g) for _, g in groupby(batch, key=lambda p: batch_key(p[0]))]
        except Exception as exc:
            for _, answer in batch:
                answer.set_exception(exc)
            return
        for members in groups:
            try:
                drafts = analyse_texts([item for item, _ in members], self.policy)
            except Exception as exc:  # each caller gets the failure, the batcher goes on
                for _, answer in members:
                    answer.set_exception(exc)
                continue
            for (_, answer), draft in zip(members, drafts, strict=True):
                answer.set_result(draft)
