"""What a second member of the text head would cost in speed.

Each member of the head (``haven.signals.text.head.Member``) reads every text through its own
adapted encoder. This runs the full pipeline (``classify_texts`` in batches of 256 on all
cores, as ``text_speed.py`` does) on the data's comments with the shipped head's first member
alone, and with a head of two members: that member and a copy of it named apart, so the
second is a real second encoder pass and nothing is served from memory. The runs alternate,
so both see the same machine. Prints comments a second for each run and the ratio of the
means.

Run from the repository root::

    .venv/bin/python benchmarks/text_members_speed.py [COMMENTS] [ROUNDS]
"""

from __future__ import annotations

import dataclasses
import hashlib
import statistics
import sys
import time
from pathlib import Path

from haven.signals.text import training
from haven.signals.text.classify import classify_texts
from haven.signals.text.embeddings import forget_recent
from haven.signals.text.head import Head, shipped_head

DATA = Path(__file__).resolve().parent.parent / "datasets" / "text-safety"
BATCH = 256


def rate(texts: list[str], head: Head) -> float:
    forget_recent()
    began = time.perf_counter()
    for first in range(0, len(texts), BATCH):
        classify_texts(texts[first : first + BATCH], head=head)
    return len(texts) / (time.perf_counter() - began)


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 4000
    rounds = int(argv[1]) if len(argv) > 1 else 3
    files, _ = training.dataset_files(DATA)
    examples = training.load_examples(files)
    comments = list(dict.fromkeys(e.text for e in examples if e.surface == "comment"))[:count]
    shipped = shipped_head()
    first = shipped.members[0]
    copy = dataclasses.replace(
        first, digest=hashlib.sha256(f"copy of {first.digest}".encode()).hexdigest()
    )
    heads = {
        "1 member": dataclasses.replace(shipped, members=(first,)),
        "2 members": dataclasses.replace(shipped, members=(first, copy)),
    }
    for head in heads.values():
        classify_texts(comments[:50], head=head)  # derive and load each encoder first
    rates: dict[str, list[float]] = {name: [] for name in heads}
    for _ in range(rounds):
        for name, head in heads.items():
            rates[name].append(rate(comments, head))
            print(f"{name}: {rates[name][-1]:.0f} comments/s", flush=True)
    one, two = (statistics.mean(r) for r in rates.values())
    print(f"{len(comments)} comments, {rounds} rounds: two members run at {two / one:.2f} times")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
