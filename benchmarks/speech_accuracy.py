"""Word error rate of Haven's speech analyzer, per model, on real and generated speech.

Data (nothing here was used to choose a threshold or tune a parameter of the analyzer):

LibriVox (real human speech)
    The five clips of *Sense and Sensibility* (public domain, a person reading, 24.7 s, 71
    words) with reference transcripts in Debian's ``pocketsphinx-testdata``. Each clip is
    transcribed as its own file through ``haven.pipeline.analyse``, as a user's upload would be.
espeak-ng clean / 10 dB SNR
    Eight sentences of the kind a short video says (84 words), spoken by espeak-ng (en-us,
    150 words a minute), alone and with white noise 10 dB below the speech's power. espeak's
    voice is robotic and out of Whisper's training domain, so it flatters no model.

WER = (substitutions + deletions + insertions) / reference words over the whole set, after the
normalisation of ``haven.evaluation`` (case, punctuation, hyphens; "Mr." = "mister").

Targets from the issue: LibriVox <= 3 % with base, <= 6 % with tiny.en (``--model fast``).

Run from the repository root::

    .venv/bin/python benchmarks/speech_accuracy.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

from haven.evaluation import corpus_word_error_rate, librivox_clips
from haven.media.speech_synth import add_noise, speak
from haven.media.synth import write_audio
from haven.pipeline import analyse
from haven.signals.speech import SpeechAnalyzer

SENTENCES = [
    "Welcome back to my channel, today we are trying a new recipe.",
    "Please remember to drink water and take a break from your phone.",
    "This challenge is dangerous, so do not try it at home.",
    "The election is on Sunday, check where your polling station is.",
    "Thank you all for one million followers, I love this community.",
    "If you are struggling, talk to someone you trust or call a helpline.",
    "Vaccines go through safety trials before they are approved.",
    "Follow me for part two, where we finish the whole room.",
]
TARGETS = {"base": 0.03, "fast": 0.06}


def transcript(path: Path, model: str) -> str:
    _, outputs = analyse(path, [SpeechAnalyzer(model=model)])
    return str(outputs["speech"].report["transcript"])


def espeak_set(folder: Path, snr_db: float | None) -> list[tuple[Path, str]]:
    pairs = []
    for index, sentence in enumerate(SENTENCES):
        samples, rate = speak(sentence)
        if snr_db is not None:
            samples = add_noise(samples, snr_db, seed=index)
        lead = np.zeros(rate // 2, np.float32)
        path = folder / f"sentence-{index}-{snr_db}.wav"
        write_audio(path, np.concatenate([lead, samples, lead]), rate)
        pairs.append((path, sentence))
    return pairs


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="haven-wer-") as tmp:
        folder = Path(tmp)
        sets = {
            "LibriVox (real speech, 71 words)": librivox_clips(),
            "espeak-ng clean (84 words)": espeak_set(folder, None),
            "espeak-ng + white noise 10 dB SNR": espeak_set(folder, 10.0),
        }
        results: dict[tuple[str, str], float] = {}
        examples: dict[str, list[tuple[str, str]]] = {}
        for model in ("base", "fast"):
            for name, pairs in sets.items():
                scored = [(reference, transcript(path, model)) for path, reference in pairs]
                results[(name, model)] = corpus_word_error_rate(scored)
                if name.startswith("LibriVox"):
                    examples[model] = scored
    print("Word error rate (lower is better)")
    print(f"{'data set':<38}{'base':>8}{'fast (tiny.en)':>16}")
    for name in sets:
        print(f"{name:<38}{results[(name, 'base')]:>8.1%}{results[(name, 'fast')]:>16.1%}")
    librivox = next(iter(sets))
    ok = True
    print()
    for model, target in TARGETS.items():
        value = results[(librivox, model)]
        passed = value <= target
        ok &= passed
        print(
            f"LibriVox {model}: {value:.1%} (target <= {target:.0%}) {'OK' if passed else 'MISSED'}"
        )
    print()
    for model, scored in examples.items():
        for reference, hypothesis in scored:
            if corpus_word_error_rate([(reference, hypothesis)]) > 0:
                print(f"{model} error: ref {reference!r}\n{'':>12} hyp {hypothesis!r}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
