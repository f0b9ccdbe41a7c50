"""How close caption word times are to when the words are really said.

Generated speech with known word onsets: espeak-ng speaks each word alone and the words are
joined with pauses of 0.05, 0.1, 0.25 and 0.5 s (``haven.media.speech_synth.speak_words``),
so every word's true start is known to the sample. Six phrases of 6-9 words, four pause
lengths: 180 words per model. Each recording goes through ``haven.pipeline.analyse`` with the
speech analyzer; recognised words are paired with spoken ones by their text (a misheard word
has no pair and is counted separately).

Reported per model: median, 90th percentile and largest absolute start error, and the share
of words within 0.3 s (the issue's target: word timestamps within 0.3 s).

Run from the repository root::

    .venv/bin/python benchmarks/caption_timing.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

from haven.evaluation import normalise_words
from haven.media.speech_synth import speak_words
from haven.media.synth import write_audio
from haven.pipeline import analyse
from haven.signals.speech import SpeechAnalyzer

PHRASES = [
    "safety first always check before you post online",
    "please drink some water and take a break",
    "the new video is out tomorrow morning",
    "never share your password with anyone",
    "follow me for more cooking tips every week",
    "turn on captions to read along with me",
]
PAUSES = (0.05, 0.1, 0.25, 0.5)
TOLERANCE = 0.3


def errors_for(model: str, folder: Path) -> tuple[list[float], int, int]:
    errors: list[float] = []
    spoken_total = unmatched = 0
    for p_index, phrase in enumerate(PHRASES):
        for pause in PAUSES:
            samples, rate, spoken = speak_words(phrase.split(), gap=pause)
            path = write_audio(folder / f"{p_index}-{pause}.wav", samples, rate)
            _, outputs = analyse(path, [SpeechAnalyzer(model=model)])
            heard = outputs["speech"].artifacts["transcript"].words
            # Pair in order: the next recognised word with the same text.
            cursor = 0
            for word in spoken:
                spoken_total += 1
                for index in range(cursor, len(heard)):
                    if normalise_words(heard[index].text) == [word.text]:
                        errors.append(abs(heard[index].start - word.start))
                        cursor = index + 1
                        break
                else:
                    unmatched += 1
    return errors, spoken_total, unmatched


def main() -> int:
    ok = True
    print("Caption word start error against known onsets (espeak-ng words with pauses)")
    print(f"{'model':<16}{'words':>6}{'paired':>8}{'median':>8}{'p90':>7}{'max':>7}{'<=0.3 s':>9}")
    with tempfile.TemporaryDirectory(prefix="haven-timing-") as tmp:
        for model in ("base", "fast"):
            errors, total, unmatched = errors_for(model, Path(tmp))
            values = np.array(errors)
            within = float((values <= TOLERANCE).mean())
            ok &= within >= 0.95
            name = "base" if model == "base" else "fast (tiny.en)"
            print(
                f"{name:<16}{total:>6}{total - unmatched:>8}{np.median(values):>8.3f}"
                f"{np.percentile(values, 90):>7.3f}{values.max():>7.3f}{within:>9.1%}"
            )
    print("target: word starts within 0.3 s (95 % of paired words here)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
