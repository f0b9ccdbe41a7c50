"""Classifying short texts into Haven's harm categories, cheapest stage first.

1. normalisation against evasion (``normalise``);
2. the lexicon (``lexicon``): a strong term with no safe context decides its category alone;
3. the learned stage: the normalised text through MiniLM with the trained adapters, its token
   states pooled and read with the lexicon's findings by the trained classifier (``head``),
   its logits blended with a word model's (``words``), for every category the lexicon did
   not decide; where the head gives self-harm some probability, a specialist model reads
   the text again and its logit is mixed in (``head.Specialist``).

Each result gives a score per category, the categories over their thresholds, the spans that
triggered each (in the text as written) and the stage that decided it.

Long texts (a transcript, a caption essay) are split into windows of 24 words, overlapping
by half, each classified on its own; a category's score is its highest window's, and its span
that window. The model was trained on short texts: in a 60-word window, "I want to kill
myself tonight" between talk of the weather scored 0.14; in a 24-word one, 0.95.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from haven.errors import InputError
from haven.signals.text.embeddings import member_states
from haven.signals.text.head import (
    LEXICON_FEATURES,
    Head,
    lexicon_features,
    shipped_head,
)
from haven.signals.text.lexicon import STRONG_SCORE, LexiconResult, lexicon
from haven.signals.text.normalise import normalise
from haven.taxonomy import CATEGORIES, CATEGORY_IDS

# A text longer than this is refused: a comment, caption or query is never a megabyte, and
# an unbounded input would let one request take the service's time.
MAX_TEXT_CHARACTERS = 100_000
WINDOW_WORDS = 24
_WORDS = re.compile(r"\S+")
LEARNED_LANGUAGES = ("en",)
# A strong lexicon term of these categories is overruled only by a far surer learned stage
# (``Head.critical_veto``, not ``Head.lexicon_veto``): missing a person in crisis or a child
# being groomed costs most, and an earlier head read "i want to die, need thinspo" as an
# eating disorder alone (self-harm 0.02). The lexicon's own safe contexts still disarm a term.
CRITICAL = frozenset(c.id for c in CATEGORIES if c.critical)
# In a language the head was not trained on, a learned finding needs at least this score.
UNTRAINED_LANGUAGE_THRESHOLD = 0.9


class TextTooLong(InputError):
    code = "text_too_long"


class InvalidText(InputError):
    code = "invalid_text"


class InvalidLanguage(InputError):
    code = "invalid_language"


_LANGUAGE = re.compile(r"[a-z]{2,3}")


def language_code(language: str) -> str:
    """The primary ISO 639 subtag of a language tag: ``en-US`` and ``EN`` are ``en``."""
    primary = language.strip().lower().replace("_", "-").split("-")[0]
    if not _LANGUAGE.fullmatch(primary):
        raise InvalidLanguage(
            f"invalid language {language!r}: give an ISO 639-1 code such as en, es, de",
            language=language,
        )
    return primary


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    term: str | None = None  # the lexicon term, for a lexicon span


@dataclass
class CategoryFinding:
    category: str
    score: float
    stage: str  # "lexicon" | "learned"
    spans: list[Span] = field(default_factory=list)


@dataclass
class TextResult:
    text: str
    language: str
    scores: dict[str, float]
    findings: list[CategoryFinding]
    contexts: list[str]
    notes: list[str]

    @property
    def categories(self) -> list[str]:
        return [finding.category for finding in self.findings]


def _windows(text: str, margin: int = 0) -> list[tuple[int, int]]:
    """The text's windows of ``WINDOW_WORDS`` words, each widened by ``margin`` words on
    either side (the same windows, in the same order, whatever the margin)."""
    words = [(m.start(), m.end()) for m in _WORDS.finditer(text)]
    if len(words) <= WINDOW_WORDS:
        return [(0, len(text))]
    step = WINDOW_WORDS // 2  # windows overlap by half, so no phrase is cut in two everywhere
    return [
        (
            words[max(first - margin, 0)][0],
            words[min(first + WINDOW_WORDS + margin, len(words)) - 1][1],
        )
        for first in range(0, len(words) - step, step)
    ]


def _check(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidText(
            f"the text is not valid Unicode (a lone surrogate at character {exc.start})",
            position=exc.start,
        ) from None
    if len(text) > MAX_TEXT_CHARACTERS:
        raise TextTooLong(
            f"text of {len(text):,} characters is longer than the {MAX_TEXT_CHARACTERS:,}"
            " Haven classifies",
            characters=len(text),
        )


@dataclass
class _Stages:
    windows: list[tuple[int, int, int]]  # (text index, start, end)
    matches: list[LexiconResult | None]  # the lexicon's findings per window
    # The learned stage's logits per window and category: the classifier's and the word
    # model's (None without one), blended by ``Head.blended``.
    classifier_logits: np.ndarray
    word_logits: np.ndarray | None
    normalised: list[str]  # each window's normalised text, as the head read it
    lexical: np.ndarray  # each window's lexicon features
    # Each window widened by half a window on either side, as the specialist reads it (None
    # where that is the window itself: a text of one window is read whole by both). It was
    # trained on whole texts, and a window cut out of a longer one ("...say someone's talked
    # about ending their life") reads to it as a crisis far more than to the head.
    contexts: list[str | None]
    language: str


def _run_stages(texts: Sequence[str], language: str, head: Head) -> _Stages:
    for text in texts:
        _check(text)
    lexicon_for_language = lexicon(language)
    windows: list[tuple[int, int, int]] = []
    for index, text in enumerate(texts):
        windows += [(index, start, end) for start, end in _windows(text) if text.strip()]
    normalised = [normalise(texts[i][s:e]) for i, s, e in windows]
    matches: list[LexiconResult | None] = [
        lexicon_for_language.match(n) if lexicon_for_language else None for n in normalised
    ]
    lexical = np.zeros((len(windows), LEXICON_FEATURES), np.float32)
    states: list[list[np.ndarray]] = []
    if windows:
        # One run of the adapted encoder gives every member's token states.
        states = member_states([n.text or " " for n in normalised], head.adapter)
        lexical[:] = np.stack([lexicon_features(m) for m in matches])
    texts_read = [n.text for n in normalised]
    classifier, words = head.logits(states, lexical, texts_read)
    widened = [
        (index, start, end)
        for index, text in enumerate(texts)
        if text.strip()
        for start, end in _windows(text, margin=WINDOW_WORDS // 2)
    ]
    contexts = [
        None if span == window else texts[span[0]][span[1] : span[2]]
        for span, window in zip(widened, windows, strict=True)
    ]
    return _Stages(windows, matches, classifier, words, texts_read, lexical, contexts, language)


def _probabilities(stages: _Stages, head: Head, blends: Sequence[float]) -> list[np.ndarray]:
    """Per blend, the learned probability per window and category: the head's, with the
    specialist's reading mixed in for its category where the head gives that at least the
    specialist's gate (the specialist runs once, on every window gated at any blend)."""
    probabilities = [
        head.blended(stages.classifier_logits, stages.word_logits, blend) for blend in blends
    ]
    specialist = head.specialist
    if specialist is None or not stages.windows:
        return probabilities
    column = CATEGORY_IDS.index(specialist.category)
    gated = np.flatnonzero(np.any([p[:, column] >= specialist.gate for p in probabilities], axis=0))
    if gated.size == 0:
        return probabilities
    terms = lexicon(stages.language)
    read: list[str] = []
    lexical = stages.lexical[gated].copy()
    for row, window in enumerate(gated):
        context = stages.contexts[window]
        if context is None:  # the window is the whole text: as the head read it
            read.append(stages.normalised[window])
            continue
        widened = normalise(context)
        read.append(widened.text)
        lexical[row] = lexicon_features(terms.match(widened) if terms else None)
    states = member_states([text or " " for text in read], specialist.adapter)
    logits = specialist.member.logits(states[0], lexical)[:, 0]
    for p in probabilities:
        over = p[gated, column] >= specialist.gate
        p[gated[over], column] = specialist.mixed(p[gated[over], column], logits[over])
    return probabilities


def classify_texts(
    texts: Sequence[str], language: str = "en", head: Head | None = None
) -> list[TextResult]:
    """Classify a batch of texts (one embedding pass for all of them)."""
    language = language_code(language)
    head = head or shipped_head()
    stages = _run_stages(texts, language, head)
    (probabilities,) = _probabilities(stages, head, (head.blend,))
    windows_of: list[list[int]] = [[] for _ in texts]
    for w, (owner, _, _) in enumerate(stages.windows):
        windows_of[owner].append(w)
    return [
        _combine(text, language, windows_of[index], stages, probabilities, head)
        for index, text in enumerate(texts)
    ]


def stage_scores(
    texts: Sequence[str], head: Head, blends: Sequence[float]
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """For choosing the head's blend and thresholds (English), for each of ``blends`` (the
    classifier's share): per text and category, the learned probability of its highest
    window, and whether a strong lexicon term stood undisarmed in any window. (A text of
    several windows is judged as if its best window held the term; the texts thresholds are
    chosen on are short.) The texts go through the encoder once for all the blends."""
    stages = _run_stages(texts, "en", head)
    owners = np.array([index for index, _, _ in stages.windows], np.intp)
    decisive = np.array(
        [[m is not None and m.decisive(c) for c in CATEGORY_IDS] for m in stages.matches], bool
    ).reshape(len(stages.windows), len(CATEGORY_IDS))
    # Whether a lexicon term decided does not depend on the blend: computed once.
    lexical = np.zeros((len(texts), len(CATEGORY_IDS)), bool)
    np.logical_or.at(lexical, owners, decisive)
    scores = {}
    for blend, probabilities in zip(blends, _probabilities(stages, head, blends), strict=True):
        learned = np.zeros((len(texts), len(CATEGORY_IDS)), np.float32)
        np.maximum.at(learned, owners, probabilities)
        scores[blend] = (learned, lexical)
    return scores


def _combine(
    text: str,
    language: str,
    mine: list[int],
    stages: _Stages,
    probabilities: np.ndarray,
    head: Head,
) -> TextResult:
    notes = []
    if lexicon(language) is None:
        notes.append(f"no lexicon for language {language!r}: the learned stage alone decided")
    if language not in LEARNED_LANGUAGES:
        notes.append(
            "the learned stage was trained on English: it flags only scores of"
            f" {UNTRAINED_LANGUAGE_THRESHOLD} or more"
        )
    if not text.strip():
        notes.append("empty text")
    scores = dict.fromkeys(CATEGORY_IDS, 0.0)
    findings: list[CategoryFinding] = []
    contexts: list[str] = []
    for w in mine:
        match = stages.matches[w]
        if match is not None:
            contexts += [c for c in match.contexts if c not in contexts]
    for c_index, category in enumerate(CATEGORY_IDS):
        best: tuple[float, bool, int] | None = None  # score, decided by the lexicon, window
        for w in mine:
            match = stages.matches[w]
            lexical = match is not None and match.decisive(category)
            learned = float(probabilities[w, c_index])
            veto = head.critical_veto if category in CRITICAL else head.lexicon_veto
            if lexical and language in LEARNED_LANGUAGES and learned < veto:
                # The learned stage reads the term in its sentence ("he told me to 'go die'
                # so I reported him"): where it is sure the text is not this harm, the term
                # alone does not decide.
                lexical = False
                overruled = f"a {category} term was read in its context and overruled"
                notes += [overruled] if overruled not in notes else []
            score = max(learned, STRONG_SCORE) if lexical else learned
            if best is None or score > best[0]:
                best = (score, lexical, w)
        if best is None:
            continue
        score, lexical, w = best
        scores[category] = round(score, 4)
        threshold = head.thresholds.get(category, 0.5)
        if language not in LEARNED_LANGUAGES:
            threshold = max(threshold, UNTRAINED_LANGUAGE_THRESHOLD)
        if lexical or score >= threshold:
            findings.append(_finding(text, category, score, lexical, stages, w))
    findings.sort(key=lambda f: -f.score)
    return TextResult(text, language, scores, findings, contexts, notes)


def _finding(
    text: str, category: str, score: float, lexical: bool, stages: _Stages, window: int
) -> CategoryFinding:
    """A flagged category, with the spans of its window that triggered it: the lexicon's
    terms, or the whole window where the learned stage decided."""
    _, start, end = stages.windows[window]
    match = stages.matches[window]
    finding = CategoryFinding(category, score, "lexicon" if lexical else "learned")
    hits = [h for h in (match.hits if match else []) if h.category == category]
    finding.spans = [
        Span(start + h.start, start + h.end, text[start + h.start : start + h.end], h.term)
        for h in hits
    ] or [Span(start, end, text[start:end])]
    return finding
