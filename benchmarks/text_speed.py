"""Speed of the text analyzer: the lexicon stage alone, the full pipeline, one comment.

Inputs: the texts of ``datasets/text-safety/`` (about 32,000 distinct short texts: comments,
captions, searches, transcripts). The lexicon stage reads the first 20,000; the full
pipeline and the single-comment check read each text once, with the embedding memory cleared
first, so no text is ever served from memory.

lexicon stage, one core
    normalisation + Aho-Corasick matching, per comment, in one thread (onnxruntime is not
    involved). Target: >= 20,000 comments a second.
full pipeline, batched
    ``classify_texts`` in batches of 256 (normalisation, lexicon, MiniLM embedding, head,
    combination) on all cores (2 here). Target: >= 500 comments a second, measured on the
    data's comments (16 words on average); the rate over every text (searches of 7 words,
    transcripts of 30) is printed too, since the encoder's time grows with a text's length.
one comment in-process
    ``check_texts`` (classification + policy + decision) for a single comment at a time, after
    a warm-up: p50 and p99 over 1,000 comments. Target: p99 <= 20 ms.

Run from the repository root::

    .venv/bin/python benchmarks/text_speed.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

from haven.pipeline import check_texts
from haven.policy import load_policy
from haven.signals import default_registry
from haven.signals.text import training
from haven.signals.text.analyzer import TextItem
from haven.signals.text.classify import classify_texts
from haven.signals.text.embeddings import forget_recent
from haven.signals.text.lexicon import lexicon
from haven.signals.text.normalise import normalise

DATA = Path(__file__).resolve().parent.parent / "datasets" / "text-safety"


def main() -> int:
    files, external = training.dataset_files(DATA)
    examples = training.load_examples([*files, *external])
    texts = list(dict.fromkeys(e.text for e in examples))
    comments = list(dict.fromkeys(e.text for e in examples if e.surface == "comment"))
    corpus = (texts * (20_000 // len(texts) + 1))[:20_000]
    english = lexicon("en")
    assert english is not None

    began = time.perf_counter()
    for text in corpus:
        english.match(normalise(text))
    lexicon_rate = len(corpus) / (time.perf_counter() - began)

    classify_texts(["load the model"])
    comment_rate = _batched_rate(comments)
    all_rate = _batched_rate(texts)

    policy = load_policy(None, known_signals=default_registry().signal_kinds())
    check_texts([TextItem("warm up", "comment")], policy)
    forget_recent()
    times = []
    for text in comments[:1000]:
        began = time.perf_counter()
        check_texts([TextItem(text, "comment")], policy)
        times.append((time.perf_counter() - began) * 1000)
    p50, p99 = np.percentile(times, [50, 99])

    ok = lexicon_rate >= 20_000 and comment_rate >= 500 and p99 <= 20
    print(f"Text analyzer speed ({os.cpu_count()} cores), {len(texts):,} distinct texts")
    print(f"lexicon stage, one core:     {lexicon_rate:>9,.0f} comments/s   (target >= 20,000)")
    print(
        f"full pipeline, batched:      {comment_rate:>9,.0f} comments/s   (target >= 500;"
        f" {len(comments):,} comments)"
    )
    print(f"  the same, every surface:   {all_rate:>9,.0f} texts/s")
    print(
        f"one comment, in-process:     p50 {p50:.1f} ms, p99 {p99:.1f} ms   (target p99 <= 20 ms)"
    )
    return 0 if ok else 1


def _batched_rate(texts: list[str]) -> float:
    """Texts a second through ``classify_texts`` in batches of 256, none served from memory."""
    forget_recent()
    began = time.perf_counter()
    for first in range(0, len(texts), 256):
        classify_texts(texts[first : first + 256])
    return len(texts) / (time.perf_counter() - began)


if __name__ == "__main__":
    sys.exit(main())
