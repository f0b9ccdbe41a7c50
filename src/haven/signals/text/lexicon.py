"""The lexicon stage: versioned term lists per category and language, matched in one pass.

Terms are written naturally in ``lexicons/<language>.yaml`` and normalised like the text, so
one entry ``kill yourself`` also catches ``k1ll y0urs3lf`` and ``k i l l yourself``. All terms
of a language go into one Aho-Corasick automaton (pyahocorasick): the text is scanned once
whatever the number of terms. A hit counts only on word boundaries, so ``Scunthorpe`` does not
contain a swear word.

Each category has ``strong`` terms (unambiguous: a strong hit decides, unless a safe context
is present) and ``weak`` terms (ambiguous: they raise the score and let the learned stage
decide). ``safe_contexts`` are phrases of counter-speech, news reporting, support and
hyperbole: with one present, hits are weakened, because "calling people vermin is
dehumanising" and "if you think about suicide, call 988" must not fire.
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


class LexiconError(ValueError):
    pass


@dataclass(frozen=True)
class Hit:
    category: str
    term: str
    strength: str  # "strong" | "weak"
    start: int  # in the original text
    end: int


@dataclass
class LexiconResult:
    hits: list[Hit] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)  # safe contexts found
    scores: dict[str, float] = field(default_factory=dict)

    def decisive(self, category: str) -> bool:
        """A strong hit with no safe context: the lexicon alone decides this category."""
        return not self.contexts and any(
            h.category == category and h.strength == "strong" for h in self.hits
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
                    if key:
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
        for end_index, (key, values) in self._automaton.iter(text):
            start = end_index - len(key) + 1
            if not _boundary(text, start, end_index + 1):
                continue
            original = normalised.span(start, end_index + 1)
            for kind, name, strength in values:
                if kind == "context":
                    if name not in result.contexts:
                        result.contexts.append(name)
                else:
                    result.hits.append(Hit(name, key, strength, *original))
        factor = SAFE_CONTEXT_FACTOR if result.contexts else 1.0
        for hit in result.hits:
            score = (STRONG_SCORE if hit.strength == "strong" else WEAK_SCORE) * factor
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
