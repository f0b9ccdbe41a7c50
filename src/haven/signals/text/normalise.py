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
# Characters that render as nothing or as a blank, used to break words apart unseen.
BLANKS = frozenset("\u2800\u3164\u115f\u1160\uffa0\u180e")
# Typographic apostrophes and quotes read as the plain ones.
QUOTES = {"\u2019": "'", "\u2018": "'", "\u201b": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'}
_WORD = re.compile(r"\S+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Single characters with one separator between them, starting and ending with a letter and
# not glued to a word before (the "s" of "she's s u r e" is not part of "s u r e"): so a
# number before a spaced word stays apart ("3 m e s s a g e s") and "k 1 l l" is one word.
_SPACED = re.compile(r"(?<![\w*'])[^\W\d_][ .\-_](?:\w[ .\-_])+[^\W\d_](?![\w*])")


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


def _characters(text: str) -> tuple[str, list[int]]:
    """Compatibility-normalised, case-folded, accents and invisible characters removed,
    lookalike letters mapped inside Latin words, emoji spelt out as their names."""
    if text.isascii():
        # The common case, done by str methods: only control characters to drop.
        if _CONTROL.search(text):
            kept = [i for i, c in enumerate(text) if not _CONTROL.match(c)]
            return "".join(text[i] for i in kept).lower(), kept
        return text.lower(), list(range(len(text)))
    out: list[tuple[str, int]] = []
    last_emoji: str | None = None
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category in ("Cf", "Cc", "Mn", "Me") and char not in "\n\t":
            continue  # zero-width characters, direction marks, variation selectors, marks
        if char in BLANKS:
            out.append((" ", index))
            continue
        if char in QUOTES:
            out.append((QUOTES[char], index))
            continue
        emoji = _emoji_name(char)
        if emoji is not None:
            # A run of one emoji is read once: forty laughing faces are one laugh, and must
            # not push the words after them out of the model's reach.
            if emoji != last_emoji:
                out.extend((c, index) for c in f" {emoji} ")
            last_emoji = emoji
            continue
        if not char.isspace():
            last_emoji = None
        for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char)):
            if unicodedata.combining(part):
                continue
            out.extend((folded, index) for folded in part.casefold())
    return _unconfuse("".join(c for c, _ in out), [i for _, i in out])


def _unconfuse(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Map lookalike letters to Latin inside words that also hold Latin letters: ``kіll``
    with a Cyrillic і is an evasion, while a word written wholly in Cyrillic is Russian."""
    pieces: list[str] = []
    origins: list[int] = []
    position = 0
    for match in _WORD.finditer(text):
        word = match.group()
        pieces.append(text[position : match.start()])
        origins += origin[position : match.start()]
        if any("a" <= c <= "z" for c in word) and any(c in HOMOGLYPHS for c in word):
            for offset, char in enumerate(word):
                mapped = HOMOGLYPHS.get(char, char)
                pieces.append(mapped)
                origins += [origin[match.start() + offset]] * len(mapped)
        else:
            pieces.append(word)
            origins += origin[match.start() : match.end()]
        position = match.end()
    pieces.append(text[position:])
    origins += origin[position:]
    return "".join(pieces), origins


_LEET_TABLE = str.maketrans(LEET)
_LEET_CHARS = frozenset(LEET)
_LEETY_WORD = re.compile(r"[^\s]*[a-z][^\s]*")


# Short words of leet digits alone that read as common words once leetspeak is undone.
_DIGIT_WORD = re.compile(r"(?<!\S)[0134579]{1,3}(?=[\s.,;:?!]|$)")


def _deleet(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Digits and symbols inside words with letters read as letters (same length); in a
    text written mostly in leetspeak, short words of digits alone too."""
    if not _LEET_CHARS.intersection(text):
        return text, origin
    chars = list(text)
    lettered = leety = 0
    for match in _LEETY_WORD.finditer(text):
        word = match.group()
        lettered += 1
        if not _LEET_CHARS.intersection(word):
            continue
        core = word.strip(".,;:?!\"'()[]{}")  # sentence punctuation is not leetspeak
        if not core or not any(c.isalpha() for c in core):
            continue
        leety += 1
        offset = match.start() + word.find(core)
        chars[offset : offset + len(core)] = core.translate(_LEET_TABLE)
    # "1 w4n7 70 d13": "1" and "70" are "i" and "to" when most words with letters are in
    # leetspeak; "i'm 17 and want to d13" keeps its 17 (one word in five).
    if leety >= 2 and 2 * leety >= lettered:
        for match in _DIGIT_WORD.finditer(text):
            start, end = match.span()
            chars[start:end] = match.group().translate(_LEET_TABLE)
    return "".join(chars), origin


def _drop(text: str, origin: list[int], positions: list[int]) -> tuple[str, list[int]]:
    dropped = set(positions)
    kept = [i for i in range(len(text)) if i not in dropped]
    return "".join(text[i] for i in kept), [origin[i] for i in kept]


def _unspace(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Join letters written one by one: ``k i l l`` -> ``kill``, ``k.y.s`` -> ``kys``."""
    gaps = [
        position
        for match in _SPACED.finditer(text)
        for position in range(match.start() + 1, match.end(), 2)
    ]
    return _drop(text, origin, gaps) if gaps else (text, origin)


_RUN = re.compile(r"([^\W\d_])\1{2,}")


def _unrepeat(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """A letter repeated three times or more counts once: ``kiiiill`` -> ``kill``."""
    extra = [p for m in _RUN.finditer(text) for p in range(m.start() + 1, m.end())]
    return _drop(text, origin, extra) if extra else (text, origin)


_SPACES = re.compile(r"\s+")


_UNUSUAL_SPACE = re.compile(r"\s\s|[^\S ]|^\s|\s$")


def _squeeze_spaces(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Runs of white space become one space; none at either end."""
    if not _UNUSUAL_SPACE.search(text):
        return text, origin  # the common case: single spaces between words
    pieces: list[str] = []
    origins: list[int] = []
    position = 0
    for match in _SPACES.finditer(text):
        pieces.append(text[position : match.start()])
        origins += origin[position : match.start()]
        if match.start() > 0 and match.end() < len(text):
            pieces.append(" ")
            origins.append(origin[match.start()])
        position = match.end()
    pieces.append(text[position:])
    origins += origin[position:]
    return "".join(pieces), origins


def normalise(text: str) -> Normalised:
    folded, origin = _characters(text)
    # Letters are joined before leetspeak is read, so "k 1 l l" is one word with letters.
    for step in (_unspace, _deleet, _unrepeat, _squeeze_spaces):
        folded, origin = step(folded, origin)
    return Normalised(folded, tuple(origin))
