"""What the text head's further members cost in speed.

One run of the adapted encoder gives every member's token states: the first member's lower
blocks run once, and each member's blocks from ``shared_blocks`` up run once per member
(``haven.signals.text.head``). This runs the full pipeline (``classify_texts`` in batches of
256 on all cores, as ``text_speed.py`` does) on the data's comments with the shipped head's
first member alone, and with heads of two members sharing each given number of blocks (the
shipped head's own, by default). Where the shipped head has one member, its second is a
branch of the first (the first's adapters above the shared blocks): the same work as a
trained branch. The runs alternate, so all see the same machine. Prints comments a second
for each run and each head's speed against the first member's alone.

Run from the repository root::

    .venv/bin/python benchmarks/text_members_speed.py [COMMENTS] [ROUNDS] [SHARED_BLOCKS ...]
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time
from pathlib import Path

from haven.signals.text import training
from haven.signals.text.classify import classify_texts
from haven.signals.text.embeddings import forget_recent
from haven.signals.text.head import Head, block_of, shipped_head

DATA = Path(__file__).resolve().parent.parent / "datasets" / "text-safety"
BATCH = 256


def rate(texts: list[str], head: Head) -> float:
    forget_recent()
    began = time.perf_counter()
    for first in range(0, len(texts), BATCH):
        classify_texts(texts[first : first + BATCH], head=head)
    return len(texts) / (time.perf_counter() - began)


def two_members(shipped: Head, shared_blocks: int) -> Head:
    """A head of the shipped first member and a branch sharing ``shared_blocks`` blocks."""
    first = shipped.members[0]
    if len(shipped.members) > 1 and shared_blocks == shipped.shared_blocks:
        second = shipped.members[1]
    else:
        upper = {k: v for k, v in first.adapters.items() if block_of(k) >= shared_blocks}
        second = dataclasses.replace(first, adapters=upper)
    return dataclasses.replace(shipped, members=(first, second), shared_blocks=shared_blocks)


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 4000
    rounds = int(argv[1]) if len(argv) > 1 else 3
    shipped = shipped_head()
    shared = [int(a) for a in argv[2:]] or [shipped.shared_blocks]
    files, _ = training.dataset_files(DATA)
    examples = training.load_examples(files)
    comments = list(dict.fromkeys(e.text for e in examples if e.surface == "comment"))[:count]
    heads = {"1 member": dataclasses.replace(shipped, members=shipped.members[:1])}
    heads |= {f"2 members sharing {k} blocks": two_members(shipped, k) for k in shared}
    for head in heads.values():
        classify_texts(comments[:50], head=head)  # derive and load each encoder first
    rates: dict[str, list[float]] = {name: [] for name in heads}
    for _ in range(rounds):
        for name, head in heads.items():
            rates[name].append(rate(comments, head))
            print(f"{name}: {rates[name][-1]:.0f} comments/s", flush=True)
    alone = statistics.mean(rates["1 member"])
    for name, measured in rates.items():
        print(
            f"{len(comments)} comments, {rounds} rounds: {name} at"
            f" {statistics.mean(measured):.0f} comments/s, {statistics.mean(measured) / alone:.2f}"
            " times one member's speed"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
