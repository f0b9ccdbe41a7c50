"""Scoring recognised text against a reference: word error rate after normalisation.

Used by the tests and the benchmarks of speech and on-screen text. Normalisation follows the
usual practice of speech-recognition evaluation: case, punctuation and hyphenation do not
count, and a few spelling variants are made equal ("Mr." and "mister", "ill-disposed" and
"ill disposed"), so the score counts words recognised wrongly, not writing conventions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# Real human speech with reference transcripts: five LibriVox clips (Sense and Sensibility, public
# domain, 24.7 s, 71 words) in Debian's pocketsphinx-testdata.
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")

_SPELLINGS = {
    "mr": "mister",
    "mrs": "missus",
    "dr": "doctor",
    "st": "saint",
    "ok": "okay",
}
_NUMBERS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
]  # fmt: skip


def normalise_words(text: str) -> list[str]:
    """Lower-case words without punctuation; hyphens and dashes split words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[-‐‑‒–—/]", " ", text)
    text = re.sub(r"[^\w\s']", " ", text)
    words = []
    for word in text.split():
        word = word.strip("'")
        if not word:
            continue
        if word.isdigit() and int(word) < len(_NUMBERS):
            word = _NUMBERS[int(word)]
        words.append(_SPELLINGS.get(word, word))
    return words


def edit_distance(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Fewest substitutions, insertions and deletions turning one word list into the other."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref_word in enumerate(reference, start=1):
        current = [i]
        for j, hyp_word in enumerate(hypothesis, start=1):
            current.append(
                min(
                    previous[j] + 1,  # deletion
                    current[j - 1] + 1,  # insertion
                    previous[j - 1] + (ref_word != hyp_word),  # substitution or match
                )
            )
        previous = current
    return previous[-1]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word errors divided by the number of reference words (may exceed 1)."""
    ref, hyp = normalise_words(reference), normalise_words(hypothesis)
    if not ref:
        raise ValueError("the reference has no words")
    return edit_distance(ref, hyp) / len(ref)


def corpus_word_error_rate(pairs: Sequence[tuple[str, str]]) -> float:
    """Total errors over total reference words across (reference, hypothesis) pairs."""
    errors = words = 0
    for reference, hypothesis in pairs:
        ref, hyp = normalise_words(reference), normalise_words(hypothesis)
        errors += edit_distance(ref, hyp)
        words += len(ref)
    if not words:
        raise ValueError("the references have no words")
    return errors / words


def librivox_clips() -> list[tuple[Path, str]]:
    """(wav file, reference transcript) for each LibriVox clip of pocketsphinx-testdata."""
    pairs = []
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        text, _, clip_id = line.rpartition("(")
        words = text.replace("<s>", "").replace("</s>", "").strip()
        pairs.append((LIBRIVOX / f"{clip_id.strip(' )')}.wav", words))
    return pairs


# Photographs without legible text among those scikit-image ships in its wheel (a development
# dependency): the backgrounds of the OCR tests and benchmark.
PHOTOGRAPHS = ("astronaut", "chelsea", "coffee", "rocket", "grass", "gravel", "hubble_deep_field")


def photograph(name: str, width: int, height: int) -> np.ndarray:
    """A real photograph, cropped to the aspect of ``width`` x ``height`` and resized (RGB)."""
    import importlib.util

    from PIL import Image

    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("scikit-image is not installed: pip install -e '.[dev]'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    matches = sorted(folder.glob(f"{name}.*"))
    if not matches:
        raise ValueError(f"no photograph named {name!r} in {folder}")
    image = Image.open(matches[0]).convert("RGB")
    # Crop the middle to the target aspect, then resize: no stretching.
    scale = min(image.width / width, image.height / height)
    crop_w, crop_h = round(width * scale), round(height * scale)
    left, top = (image.width - crop_w) // 2, (image.height - crop_h) // 2
    image = image.crop((left, top, left + crop_w, top + crop_h)).resize((width, height))
    return np.asarray(image)
