"""The lexicon stage: versioned term lists per category and language, matched in one pass.

Terms are written naturally in ``lexicons/<language>.yaml`` and normalised like the text, so
one entry ``kill yourself`` also catches ``k1ll y0urs3lf`` and ``k i l l yourself``. All terms
of a language go into one Aho-Corasick automaton (pyahocorasick): the text is scanned once
whatever the number of terms. A hit counts only on word boundaries, so ``Scunthorpe`` does not
contain a swear word.

Each category has ``strong`` terms (unambiguous: a strong hit decides, unless a safe context
disarms it) and ``weak`` terms (ambiguous: they raise the score and let the learned stage
decide). ``safe_contexts`` are phrases of counter-speech, news reporting, support and
hyperbole. A context weakens only the hits of the categories it can explain (support explains
a mention of suicide, not a slur) and only near it (within ``CONTEXT_REACH`` characters),
because "calling people vermin is dehumanising" and "if you think about suicide, call 988"
must not fire, while "kill yourself 988" still must.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import ahocorasick
import yaml

from haven.signals.text.normalise import Normalised, normalise
from haven.taxonomy import CATEGORY_IDS

STRONG_SCORE = 0.95
WEAK_SCORE = 0.55
# A hit inside a safe context keeps this share of its score.
SAFE_CONTEXT_FACTOR = 0.35
# How far (characters of normalised text) a safe context reaches from its phrase.
CONTEXT_REACH = 60
# The categories each kind of safe context can explain away.
CONTEXT_CATEGORIES = {
    # "kys is not a joke": the quoted term is condemned, not said to anyone.
    "counter_speech": {
        "hate_speech", "harassment_bullying", "violent_threats", "self_harm_suicide",
    },
    "news": {
        "hate_speech", "violent_threats", "violent_extremism", "dangerous_challenges",
        "misinformation_health", "misinformation_elections", "spam_scams",
    },
    "support": {"self_harm_suicide", "eating_disorders"},
    "hyperbole": {"violent_threats", "harassment_bullying"},
}  # fmt: skip


class LexiconError(ValueError):
    pass


@dataclass(frozen=True)
class Hit:
    category: str
    term: str
    strength: str  # "strong" | "weak"
    start: int  # in the original text
    end: int
    disarmed_by: str | None = None  # the safe context that weakens it


@dataclass
class LexiconResult:
    hits: list[Hit] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)  # safe contexts found
    scores: dict[str, float] = field(default_factory=dict)

    def decisive(self, category: str) -> bool:
        """A strong hit no safe context disarms: the lexicon alone decides this category."""
        return any(
            h.category == category and h.strength == "strong" and h.disarmed_by is None
            for h in self.hits
        )


def _boundary(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


class Lexicon:
    def __init__(self, data: dict[str, Any]) -> None:
        self.language = str(data["language"])
        self.version = str(data["version"])
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[str, str, str]]] = {}
        for category, lists in (data.get("categories") or {}).items():
            if category not in CATEGORY_IDS:
                raise LexiconError(f"lexicon {self.language}: unknown category {category!r}")
            for strength in ("strong", "weak"):
                for term in lists.get(strength) or []:
                    key = normalise(str(term)).text
                    if sum(ch.isalnum() for ch in key) < 2:
                        raise LexiconError(
                            f"lexicon {self.language}: term {term!r} normalises to {key!r},"
                            " too short to match safely"
                        )
                    entries.setdefault(key, []).append(("term", category, strength))
        for context, phrases in (data.get("safe_contexts") or {}).items():
            for phrase in phrases:
                key = normalise(str(phrase)).text
                if key:
                    entries.setdefault(key, []).append(("context", context, ""))
        if not entries:
            raise LexiconError(f"lexicon {self.language} has no terms")
        for key, values in entries.items():
            self._automaton.add_word(key, (key, values))
        self._automaton.make_automaton()
        self.term_count = len(entries)

    def match(self, normalised: Normalised) -> LexiconResult:
        result = LexiconResult()
        text = normalised.text
        found: list[tuple[int, int, str, str, str]] = []  # start, end, kind, name, strength
        for end_index, (key, values) in self._automaton.iter(text):
            start = end_index - len(key) + 1
            if _boundary(text, start, end_index + 1):
                found += [(start, end_index + 1, *value) for value in values]
        contexts = [(start, end, name) for start, end, kind, name, _ in found if kind == "context"]
        seen: set[tuple[str, int, int]] = set()
        for start, end, kind, name, strength in found:
            if kind == "context":
                if name not in result.contexts:
                    result.contexts.append(name)
                continue
            original = normalised.span(start, end)
            if (name, *original) in seen:
                continue  # two spellings of one term at one place
            seen.add((name, *original))
            disarmed = next(
                (
                    context
                    for c_start, c_end, context in contexts
                    if name in CONTEXT_CATEGORIES.get(context, set())
                    and c_start - CONTEXT_REACH <= end
                    and start <= c_end + CONTEXT_REACH
                ),
                None,
            )
            result.hits.append(Hit(name, text[start:end], strength, *original, disarmed))
        for hit in result.hits:
            score = STRONG_SCORE if hit.strength == "strong" else WEAK_SCORE
            if hit.disarmed_by is not None:
                score *= SAFE_CONTEXT_FACTOR
            result.scores[hit.category] = max(result.scores.get(hit.category, 0.0), score)
        return result


@cache
def lexicon(language: str) -> Lexicon | None:
    """The shipped lexicon of a language, or None when Haven has none for it."""
    name = f"lexicons/{language}.yaml"
    folder = resources.files("haven.signals.text")
    if not folder.joinpath(name).is_file():
        return None
    return Lexicon(yaml.safe_load(folder.joinpath(name).read_text("utf-8")))
