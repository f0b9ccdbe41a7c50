"""How far simple evasions move the text analyzer, on texts it was not trained on.

Each evasion rewrites every text of the held-out split (one text in five of
``datasets/text-safety/``, never trained on) the way a person dodging a filter would: a
laughing emoji or "lol" added (which reads as "only joking" and can hide a real threat), a
run of emoji in front, leetspeak, letters spaced out, zero-width characters, Cyrillic
lookalike letters, stretched vowels. Texts that already carry a laughing mark are left out,
so that the first row is the clean baseline.

Printed per evasion: recall over the harm labels of the harm texts (each label a text
carries counts once), recall of violent threats and of self-harm, and the share of hard
negatives flagged (an evasion should not make harmless texts look harmful either). Nothing
is chosen from these figures. About five minutes on 2 cores::

    .venv/bin/python benchmarks/text_evasion.py
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from haven.signals.text import training
from haven.signals.text.classify import classify_texts

DATA = Path(__file__).resolve().parent.parent / "datasets" / "text-safety"

LAUGHING = re.compile(r"[😂🤣💀😭]|\b(lol|lmao|lmfao|jk|haha\w*)\b", re.IGNORECASE)
LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"})
LOOKALIKES = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х"})
ZERO_WIDTH = "\u200b"


def _longest_word(text: str) -> re.Match[str] | None:
    words = list(re.finditer(r"[a-z]{4,}", text))
    return max(words, key=lambda m: len(m.group()), default=None)


def _respell_longest(text: str, respell: Callable[[str], str]) -> str:
    word = _longest_word(text)
    if word is None:
        return text
    return text[: word.start()] + respell(word.group()) + text[word.end() :]


EVASIONS: dict[str, Callable[[str], str]] = {
    "as written": lambda text: text,
    "laughing emoji after": lambda text: f"{text} 😂",
    "three laughing emoji after": lambda text: f"{text} 😂😂😂",
    "run of 40 emoji before": lambda text: "😂" * 40 + f" {text}",
    "'lol' after": lambda text: f"{text} lol",
    "'jk' after": lambda text: f"{text} jk",
    "leetspeak": lambda text: text.lower().translate(LEET),
    "longest word spaced out": lambda text: _respell_longest(text, " ".join),
    "zero-width between letters": lambda text: ZERO_WIDTH.join(text),
    "Cyrillic lookalikes": lambda text: text.translate(LOOKALIKES),
    "longest word's vowels stretched": lambda text: _respell_longest(
        text, lambda word: re.sub(r"([aeiou])", r"\1\1\1", word)
    ),
}


def recalls(harm: list[training.Example], results: list[list[str]]) -> tuple[float, ...]:
    """Recall over all harm labels, of violent threats and of self-harm."""

    def recall(category: str | None) -> float:
        pairs = [
            (label, found)
            for example, found in zip(harm, results, strict=True)
            for label in example.labels
            if category is None or label == category
        ]
        return sum(label in found for label, found in pairs) / max(len(pairs), 1)

    return recall(None), recall("violent_threats"), recall("self_harm_suicide")


def main() -> int:
    files, _ = training.dataset_files(DATA)
    held_out = [
        e for e in training.load_examples(files) if e.test_split and not LAUGHING.search(e.text)
    ]
    harm = [e for e in held_out if e.kind == "harm"]
    hard = [e for e in held_out if e.kind == "hard_negative"]
    print(
        f"held-out split without laughing marks: {len(harm)} harm texts,"
        f" {len(hard)} hard negatives\n"
    )
    print(f"{'evasion':<34}{'recall':>8}{'threats':>9}{'self-harm':>11}{'hard FPR':>10}")
    for name, evade in EVASIONS.items():
        found = [r.categories for r in classify_texts([evade(e.text) for e in harm])]
        flagged = sum(bool(r.categories) for r in classify_texts([evade(e.text) for e in hard]))
        overall, threats, self_harm = recalls(harm, found)
        print(
            f"{name:<34}{overall:>8.3f}{threats:>9.3f}{self_harm:>11.3f}"
            f"{flagged / max(len(hard), 1):>10.1%}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
