"""The ``text`` analyzer: harm categories in the words of a post, its speech and its screen.

It reads texts, not media: the caption a creator wrote, a comment, a search query, and in a
scan the transcript utterances (``speech.utterance``) and on-screen lines (``ocr.text``) that
the media analyzers found, each with its time range. Every category over its threshold
becomes a ``text.harm`` signal with the score, the stage that decided, the category's DSA and
GARM mapping, and the spans that triggered it; the policy turns those into treatments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from haven.signals.base import (
    SURFACES,
    AnalyzerOutput,
    InputKind,
    Signal,
    TextItem,
    TextReader,
)
from haven.signals.text.classify import TextResult, classify_texts, language_code
from haven.taxonomy import category

__all__ = ["SURFACES", "TEXT_SIGNALS", "TextAnalyzer", "TextItem", "items_from_signals"]

# Signals of the media analyzers whose evidence text the text analyzers read, by surface.
TEXT_SIGNALS = {"speech.utterance": "transcript", "ocr.text": "on_screen"}
REPORT_TEXT_CHARACTERS = 500


def items_from_signals(signals: Sequence[Signal]) -> list[TextItem]:
    """The transcript utterances and on-screen lines of a scan, as text items."""
    return [
        TextItem(
            str(s.evidence["text"]),
            TEXT_SIGNALS[s.kind],
            s.time_range,
            language=s.attributes.get("language") or None,
        )
        for s in signals
        if s.kind in TEXT_SIGNALS and s.evidence.get("text")
    ]


class TextAnalyzer(TextReader):
    name = "text"
    version = "1.0"
    inputs = frozenset({InputKind.TEXT})
    emits = frozenset({"text.harm"})

    def __init__(self, language: str = "en") -> None:
        self.language = language_code(language)

    def describe(self) -> dict[str, Any]:
        from haven.signals.text.head import shipped_head
        from haven.signals.text.lexicon import lexicon

        english = lexicon(self.language)
        return {
            "language": self.language,
            "lexicon_version": english.version if english else None,
            "head_data_sha256": shipped_head().facts.get("data_sha256"),
        }

    def analyze_texts(self, items: Sequence[TextItem]) -> AnalyzerOutput:
        # Each text in its own language (a transcript in the one Whisper heard), batched per
        # language; the analyzer's language for texts that do not say.
        by_language: dict[str, list[int]] = {}
        for index, item in enumerate(items):
            by_language.setdefault(language_code(item.language or self.language), []).append(index)
        results: list[TextResult] = [None] * len(items)  # type: ignore[list-item]
        for language, indexes in by_language.items():
            found = classify_texts([items[i].text for i in indexes], language)
            for index, result in zip(indexes, found, strict=True):
                results[index] = result
        per_item = [
            self._signals(item, result) for item, result in zip(items, results, strict=True)
        ]
        signals = [signal for mine in per_item for signal in mine]
        flagged = sorted({s.attributes["category"] for s in signals})
        report = {
            "summary": (
                f"{len(items)} text(s) read; flagged: {', '.join(flagged)}"
                if flagged
                else f"{len(items)} text(s) read; nothing flagged"
            ),
            "items": [
                _item_report(item, result) for item, result in zip(items, results, strict=True)
            ],
        }
        return AnalyzerOutput(
            signals=signals, report=report, artifacts={"results": results, "per_item": per_item}
        )

    def _signals(self, item: TextItem, result: TextResult) -> list[Signal]:
        signals = []
        for finding in result.findings:
            harm = category(finding.category)
            signals.append(
                Signal(
                    analyzer=self.name,
                    analyzer_version=self.version,
                    kind="text.harm",
                    confidence=min(1.0, max(0.0, finding.score)),
                    attributes={
                        "category": finding.category,
                        "score": round(finding.score, 4),
                        "stage": finding.stage,
                        "surface": item.surface,
                        "critical": harm.critical,
                        "dsa_category": harm.dsa_category,
                        "garm_category": str(harm.garm),
                        "category_name": harm.name,
                    },
                    time_range=item.time_range,
                    evidence={
                        "text": item.text[:REPORT_TEXT_CHARACTERS],
                        "spans": [_span(s) for s in finding.spans],
                        **({"item_id": item.id} if item.id else {}),
                    },
                )
            )
        return signals


def _span(span: Any) -> dict[str, Any]:
    out = {"start": span.start, "end": span.end, "text": span.text[:REPORT_TEXT_CHARACTERS]}
    if span.term:
        out["term"] = span.term
    return out


def _item_report(item: TextItem, result: TextResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "surface": item.surface,
        "language": result.language,
        "text": item.text[:REPORT_TEXT_CHARACTERS],
        "scores": result.scores,
        "flagged": [
            {
                "category": f.category,
                "score": round(f.score, 4),
                "stage": f.stage,
                "spans": [_span(s) for s in f.spans],
            }
            for f in result.findings
        ],
        "contexts": result.contexts,
        "notes": result.notes,
    }
    if item.time_range is not None:
        out["time_range"] = {"start": item.time_range.start, "end": item.time_range.end}
    if item.id is not None:
        out["id"] = item.id
    return out
