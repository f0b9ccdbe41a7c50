"""Text normalisation against evasion, keeping a map back to the original characters.

People who post abuse write around filters: ``k1ll`` (leetspeak), ``kіll`` (a Cyrillic і),
``k\u200bill`` (a zero-width space), ``kiiiill`` (repeats), ``k i l l`` (spacing), 𝐤𝐢𝐥𝐥
(mathematical letters), and emoji in place of words. ``normalise`` undoes these so the lexicon
and the embedding model see ``kill``; ``Normalised.origin`` maps every character of the result
to the character of the input it came from, so a span found in the normalised text is reported
in the text the person wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Letters from other scripts that look like Latin ones (Unicode's confusables for the letters
# abusers use most: Cyrillic and Greek lookalikes, and a few symbols).
HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "α": "a", "β": "b", "ε": "e", "η": "n",
    "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i",
}  # fmt: skip
# Digits and symbols read as letters inside a word that has letters too ("k1ll", "$lut").
LEET = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e", "£": "l",
}  # fmt: skip
_WORD = re.compile(r"\S+")
_SPACED = re.compile(r"(?<![\w*])(?:\w[ .\-_]){2,}\w(?![\w*])")


@dataclass(frozen=True)
class Normalised:
    text: str
    # origin[i] is the index in the original text of the character text[i] came from.
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) of the normalised characters [start, end)."""
        if not self.origin or start >= end:
            return (0, 0)
        return self.origin[start], self.origin[end - 1] + 1


def _emoji_name(char: str) -> str | None:
    if unicodedata.category(char) != "So":
        return None
    name = unicodedata.name(char, "")
    return name.lower() if name else None


def _characters(text: str) -> list[tuple[str, int]]:
    """Per input character: compatibility-normalised, case-folded, accents and invisible
    characters removed, homoglyphs mapped, emoji spelt out as their names."""
    out: list[tuple[str, int]] = []
    for index, char in enumerate(text):
        if unicodedata.category(char) in ("Cf", "Cc") and char not in "\n\t":
            continue  # zero-width spaces and joiners, direction marks, soft hyphens
        emoji = _emoji_name(char)
        if emoji is not None:
            out.extend((c, index) for c in f" {emoji} ")
            continue
        for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char)):
            if unicodedata.combining(part):
                continue
            for folded in part.casefold():
                for mapped in HOMOGLYPHS.get(folded, folded):
                    out.append((mapped, index))
    return out


def _deleet(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    text = "".join(c for c, _ in chars)
    result = list(chars)
    for match in _WORD.finditer(text):
        word = match.group()
        letters = sum(ch.isalpha() for ch in word)
        if letters == 0 or letters == len(word):
            continue
        core = word.strip(".,;:?!\"'()[]{}")  # sentence punctuation is not leetspeak
        offset = match.start() + word.find(core) if core else match.start()
        for position, ch in enumerate(core):
            replacement = LEET.get(ch)
            if replacement is not None:
                result[offset + position] = (replacement, chars[offset + position][1])
    return result


def _unspace(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Join letters written one by one: ``k i l l`` -> ``kill``, ``k.y.s`` -> ``kys``."""
    text = "".join(c for c, _ in chars)
    keep = [True] * len(chars)
    for match in _SPACED.finditer(text):
        for position in range(match.start() + 1, match.end(), 2):
            keep[position] = False
    return [pair for pair, kept in zip(chars, keep, strict=True) if kept]


def _unrepeat(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A letter repeated three times or more counts once: ``kiiiill`` -> ``kill``."""
    out: list[tuple[str, int]] = []
    run = 0
    for index, pair in enumerate(chars):
        same = index > 0 and pair[0] == chars[index - 1][0] and pair[0].isalpha()
        run = run + 1 if same else 1
        if run >= 3:
            if run == 3:
                out.pop()  # the second of the run goes too
            continue
        out.append(pair)
    return out


def _squeeze_spaces(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for pair in chars:
        if pair[0].isspace():
            if not out or out[-1][0] == " ":
                continue
            pair = (" ", pair[1])
        out.append(pair)
    while out and out[-1][0] == " ":
        out.pop()
    return out


def normalise(text: str) -> Normalised:
    chars = _characters(text)
    chars = _squeeze_spaces(_unrepeat(_unspace(_deleet(chars))))
    return Normalised("".join(c for c, _ in chars), tuple(index for _, index in chars))
