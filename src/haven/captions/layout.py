"""Laying timed words out as cues that follow common caption style.

The rules (BBC subtitle guidelines, Netflix timed-text style, DCMP captioning key agree on
them): at most 42 characters a line and 2 lines a cue; a cue stays 1 to 7 seconds on screen;
never across a long silence; break at the end of a sentence if possible, else after a clause
(comma, semicolon, colon), else between words; lines of a cue roughly balanced.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from haven.captions.model import Cue, Word

SENTENCE_ENDS = (".", "?", "!", "…")
CLAUSE_ENDS = (",", ";", ":", "—", "–")


@dataclass(frozen=True)
class CaptionStyle:
    max_line_chars: int = 42
    max_lines: int = 2
    min_seconds: float = 1.0
    max_seconds: float = 7.0
    # A pause this long between words always ends the cue: no caption over a silence.
    max_pause: float = 1.5


def _length(words: Sequence[Word]) -> int:
    return sum(len(w.text) for w in words) + max(0, len(words) - 1)


def _fits(words: Sequence[Word], style: CaptionStyle) -> bool:
    """Whether the words fit the cue's lines when broken at the best place."""
    if len(words) == 1:
        return len(words[0].text) <= style.max_line_chars * style.max_lines
    return _split_lines(words, style) is not None


def _split_lines(words: Sequence[Word], style: CaptionStyle) -> list[str] | None:
    """Break words into at most ``max_lines`` lines, balanced, clause breaks preferred."""
    texts = [w.text for w in words]
    whole = " ".join(texts)
    if len(whole) <= style.max_line_chars:
        return [whole]
    if style.max_lines < 2:
        return None
    best: tuple[float, list[str]] | None = None
    for cut in range(1, len(texts)):
        first, second = " ".join(texts[:cut]), " ".join(texts[cut:])
        if len(first) > style.max_line_chars or len(second) > style.max_line_chars:
            continue
        # Balanced lines are easier to read; a break after punctuation reads best of all.
        score = abs(len(first) - len(second))
        if texts[cut - 1].endswith(SENTENCE_ENDS + CLAUSE_ENDS):
            score -= 12
        if best is None or score < best[0]:
            best = (score, [first, second])
    return best[1] if best else None


def _cut_priority(words: Sequence[Word], index: int) -> int:
    """How good it is to end a cue after ``words[index]``: 2 sentence, 1 clause, 0 word."""
    text = words[index].text
    if text.endswith(SENTENCE_ENDS):
        return 2
    if text.endswith(CLAUSE_ENDS):
        return 1
    return 0


def _phrases(words: Sequence[Word], style: CaptionStyle) -> list[list[Word]]:
    """Runs of words with no pause longer than ``max_pause`` between them."""
    runs: list[list[Word]] = []
    for word in words:
        if runs and word.start - runs[-1][-1].end <= style.max_pause:
            runs[-1].append(word)
        else:
            runs.append([word])
    return runs


def _groups(run: list[Word], style: CaptionStyle) -> list[list[Word]]:
    """Split one run into cue-sized groups, ending each at its best break."""
    groups: list[list[Word]] = []
    start = 0
    while start < len(run):
        end = start + 1
        while (
            end < len(run)
            and _fits(run[start : end + 1], style)
            and run[end].end - run[start].start <= style.max_seconds
        ):
            end += 1
        if end < len(run):
            # The cue is full: move its end back to the best break inside it, if one exists
            # past its first third (so cues do not become needlessly short).
            candidates = range(end - 1, start + max(1, (end - start) // 3) - 1, -1)
            best = max(candidates, key=lambda i: (_cut_priority(run, i), i), default=end - 1)
            if _cut_priority(run, best) > 0:
                end = best + 1
        groups.append(run[start:end])
        start = end
    return groups


def cues_from_words(words: Sequence[Word], style: CaptionStyle | None = None) -> list[Cue]:
    """Lay timed words out as cues. Words must be in time order.

    A cue starts with its first word and ends with its last, stretched to ``min_seconds`` when
    the next cue leaves room, and never longer than ``max_seconds``.
    """
    style = style or CaptionStyle()
    ordered = list(words)
    for earlier, later in itertools.pairwise(ordered):
        if later.start < earlier.start:
            raise ValueError("words must be in time order")
    groups = [group for run in _phrases(ordered, style) for group in _groups(run, style)]
    cues: list[Cue] = []
    for index, group in enumerate(groups):
        start = group[0].start
        end = max(group[-1].end, start + 0.001)
        next_start = groups[index + 1][0].start if index + 1 < len(groups) else None
        wanted = max(end, start + style.min_seconds)
        end = wanted if next_start is None else max(end, min(wanted, next_start))
        end = min(end, start + style.max_seconds)
        lines = _split_lines(group, style) or [" ".join(w.text for w in group)]
        cues.append(Cue(round(start, 3), round(end, 3), tuple(lines)))
    return cues
