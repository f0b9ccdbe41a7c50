"""The learned stage's second reader: a linear model over the words and word pairs of a text.

MiniLM with its adapters reads what a sentence means; it is weak at holding on to which words
a text used. A text's words and word pairs, weighted by tf-idf, and one logistic regression
per category, trained on the same texts, are strong at just that and cheap. Their logits and
MiniLM's are blended (``Head.blend``, chosen on the validation split). On the held-out split
the blend took macro F1 from 0.812 to 0.843 and the hard-negative false positive rate from
11.6 % to 11.1 %, at the same hard-negative budget (``benchmarks/text_quality.py`` prints the
figures of the shipped model).

A text is read after normalisation (``normalise``: lower case, evasions undone), so "K1ll
y0urself" and "kill yourself" are the same words here. Only words seen in a few training
texts count (``MIN_TEXTS``): the rest have no weight, and leaving them out of a text's length
(its L2 norm) keeps a long text of unknown words from diluting the ones the model knows.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"\w+")
# A term must appear in at least this many training texts to get a weight. Three, not two:
# the vocabulary is 22,000 terms instead of 37,000, for the same validation figures.
MIN_TEXTS = 3


def terms(normalised_text: str) -> list[str]:
    """The words of a normalised text and each pair of neighbouring words ("kill you")."""
    words = _WORD.findall(normalised_text)
    return words + [f"{first} {second}" for first, second in itertools.pairwise(words)]


@dataclass(frozen=True)
class Vocabulary:
    """The terms with a weight, each with its column and its inverse document frequency."""

    columns: dict[str, int]
    idf: np.ndarray  # per column

    @classmethod
    def build(cls, normalised_texts: Sequence[str], min_texts: int = MIN_TEXTS) -> Vocabulary:
        in_texts: Counter[str] = Counter()
        for text in normalised_texts:
            in_texts.update(set(terms(text)))
        kept = sorted(term for term, count in in_texts.items() if count >= min_texts)
        # Smoothed idf: a term in every text still weighs a little (1), a rare one more.
        total = len(normalised_texts)
        idf = np.array([math.log((1 + total) / (1 + in_texts[t])) + 1 for t in kept], np.float32)
        return cls({term: column for column, term in enumerate(kept)}, idf)

    def weigh(self, normalised_text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's known terms as columns and weights (``weigh_all`` for one text)."""
        _, columns, values = self.weigh_all([normalised_text])
        return columns, values

    def weigh_all(
        self, normalised_texts: Iterable[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each text's known terms as columns and weights, texts one after another: how many
        terms each text has, then their columns and weights, (1 + log count) x idf, scaled
        to unit length per text, so a long text and a short one weigh alike. Only the
        counting is done text by text; the arithmetic once for all of them."""
        columns: list[int] = []
        counts: list[int] = []
        sizes: list[int] = []
        for text in normalised_texts:
            mine = Counter(t for t in terms(text) if t in self.columns)
            columns += [self.columns[t] for t in mine]
            counts += mine.values()
            sizes.append(len(mine))
        column = np.array(columns, np.int64)
        values = (1 + np.log(np.array(counts, np.float32))) * self.idf[column]
        owner = np.repeat(np.arange(len(sizes)), sizes)
        # Every known term weighs at least 1, so a text with terms has a length above 0.
        length = np.sqrt(np.bincount(owner, values**2, len(sizes)))
        return np.array(sizes, np.int64), column, values / length[owner]

    def terms_in_order(self) -> list[str]:
        ordered = [""] * len(self.columns)
        for term, column in self.columns.items():
            ordered[column] = term
        return ordered


@dataclass(frozen=True)
class WordModel:
    vocabulary: Vocabulary
    weight: np.ndarray  # (terms, categories)
    bias: np.ndarray  # (categories,)

    def logits(self, normalised_texts: Iterable[str]) -> np.ndarray:
        """Per text, one logit per category: its weighed terms times the weights, plus the
        bias, for the whole batch at once."""
        sizes, columns, values = self.vocabulary.weigh_all(normalised_texts)
        out = np.tile(self.bias.astype(np.float32), (len(sizes), 1))
        owner = np.repeat(np.arange(len(sizes)), sizes)
        np.add.at(out, owner, values[:, None] * self.weight[columns])
        return out

    def to_arrays(self) -> dict[str, np.ndarray]:
        joined = "\n".join(self.vocabulary.terms_in_order()).encode("utf-8")
        return {
            # The terms, one a line, as UTF-8 bytes (a term never holds a line break).
            "words:terms": np.frombuffer(joined, np.uint8),
            "words:idf": self.vocabulary.idf.astype(np.float32),
            "words:weight": self.weight.astype(np.float16),
            "words:bias": self.bias.astype(np.float32),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> WordModel | None:
        if "words:terms" not in arrays:
            return None
        joined = arrays["words:terms"].tobytes().decode("utf-8")
        listed = joined.split("\n") if joined else []
        vocabulary = Vocabulary({t: c for c, t in enumerate(listed)}, arrays["words:idf"])
        return cls(vocabulary, arrays["words:weight"].astype(np.float32), arrays["words:bias"])
