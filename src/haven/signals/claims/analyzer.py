"""The ``claims`` analyzer: does a text repeat a claim fact-checkers have rated?

A text matches a fact-checked claim when their MiniLM embeddings are close (cosine similarity
of the normalised texts) and they share content words (names, numbers, key nouns): embeddings
alone call "vaccines are safe" and "vaccines are unsafe" near neighbours, and shared words
alone match any text on the topic. The closer the embeddings, the fewer shared words are
needed: two at 0.6, one at 0.7, none at 0.85. A text that reports or debunks (the lexicon's
news and fact-check contexts: "fact check", "debunked", "false claim", "no evidence"...) is
not a repetition of the claim and is not matched. Each match is a ``claims.match`` signal with
the verdict, the publisher's rating and the fact-check's address; the policy turns the
verdict into treatments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from haven.signals.base import AnalyzerOutput, Signal, TextItem, TextReader
from haven.signals.claims.bank import FactCheck, bank
from haven.signals.text.embeddings import embed
from haven.signals.text.lexicon import lexicon
from haven.signals.text.normalise import normalise

# (similarity, shared content words) pairs that make a match; any one suffices.
MATCH_RULES = ((0.85, 0), (0.7, 1), (0.6, 2))
_TOKEN = re.compile(r"[a-z0-9]+")
_STOPWORDS_TEXT = """a about after all also am an and any are as at be because been before being
but by can could did do does doing for from had has have having he her here hers him his how
i if in into is it its just me more most my no nor not now of off on once only or other our
out over own same she should so some such than that the their them then there these they
this those through to too under until up very was we were what when where which while who
whom why will with would you your yours get got make made really people thing things one"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def content_words(text: str) -> frozenset[str]:
    words = _TOKEN.findall(normalise(text).text)
    return frozenset(w.rstrip("s") for w in words if w not in STOPWORDS and len(w) > 2)


@cache
def _bank_vectors(claims: tuple[str, ...]) -> np.ndarray:
    return embed([normalise(c).text for c in claims])


@cache
def _content_words_of(claims: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    return tuple(content_words(claim) for claim in claims)


class ClaimsAnalyzer(TextReader):
    name = "claims"
    version = "1.0"
    emits = frozenset({"claims.match"})

    def __init__(self, fact_checks: Sequence[FactCheck] | None = None) -> None:
        self.fact_checks = list(fact_checks) if fact_checks is not None else bank()
        # The bank is read once per change and its words once per bank: checking a comment
        # costs no file reading and no re-tokenising of the claims.
        self._words = _content_words_of(tuple(f.claim for f in self.fact_checks))

    def describe(self) -> dict[str, Any]:
        return {"fact_checks": len(self.fact_checks)}

    def analyze_texts(self, items: Sequence[TextItem]) -> AnalyzerOutput:
        per_item: list[list[Signal]] = [[] for _ in items]
        active = [f for f in self.fact_checks if f.verdict != "true"]
        if items and active:
            vectors = _bank_vectors(tuple(f.claim for f in self.fact_checks))
            keep = [i for i, f in enumerate(self.fact_checks) if f.verdict != "true"]
            texts = embed([normalise(item.text).text or " " for item in items])
            similarity = texts @ vectors[keep].T
            english = lexicon("en")
            for row, item in enumerate(items):
                if english is not None and "news" in english.match(normalise(item.text)).contexts:
                    continue  # a report or a debunk, not a repetition
                words = content_words(item.text)
                for column, index in enumerate(keep):
                    score = float(similarity[row, column])
                    shared = sorted(words & self._words[index])
                    if any(score >= least and len(shared) >= words for least, words in MATCH_RULES):
                        per_item[row].append(
                            self._signal(item, self.fact_checks[index], score, shared)
                        )
                per_item[row].sort(key=lambda s: -s.confidence)
                del per_item[row][3:]  # the three closest fact-checks are evidence enough
        signals = [s for mine in per_item for s in mine]
        report = {
            "summary": f"{len(signals)} match(es) against {len(self.fact_checks)} fact-checks",
            "matches": [s.as_dict()["evidence"] | dict(s.attributes) for s in signals],
        }
        return AnalyzerOutput(signals=signals, report=report, artifacts={"per_item": per_item})

    def _signal(self, item: TextItem, fact: FactCheck, score: float, shared: list[str]) -> Signal:
        return Signal(
            analyzer=self.name,
            analyzer_version=self.version,
            kind="claims.match",
            confidence=min(1.0, max(0.0, score)),
            attributes={
                "verdict": fact.verdict,
                "rating": fact.rating,
                "similarity": round(score, 4),
                "surface": item.surface,
                "publisher": fact.publisher,
                "topic": fact.topic,
            },
            time_range=item.time_range,
            evidence={
                "text": item.text[:500],
                "claim": fact.claim,
                "fact_check_url": fact.url,
                "shared_words": shared,
                **({"item_id": item.id} if item.id else {}),
            },
        )
