"""Generated speech for tests, benchmarks and the demo, spoken by espeak-ng.

espeak-ng is a Debian package (``scripts/install-system-deps.sh`` installs it). Its voice is
robotic and out of Whisper's training domain, so it flatters no recogniser. ``speak_words``
speaks word by word with short gaps, so each word's onset is known exactly: the reference
for caption timing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# espeak-ng's sample amplitude below which audio counts as silence when trimming a word.
_SILENCE = 0.01


class SpeechSynthUnavailable(RuntimeError):
    """espeak-ng is not installed."""


@dataclass(frozen=True)
class SpokenWord:
    text: str
    start: float
    end: float


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(
    text: str, *, voice: str = "en-us", words_per_minute: int = 150
) -> tuple[np.ndarray, int]:
    """Mono float32 samples of ``text`` spoken by espeak-ng, and their sample rate."""
    if not espeak_available():
        raise SpeechSynthUnavailable(
            "espeak-ng is not installed; run scripts/install-system-deps.sh"
        )
    with tempfile.TemporaryDirectory(prefix="haven-espeak-") as folder:
        target = Path(folder) / "speech.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(target), text],
            check=True,
            capture_output=True,
        )
        with wave.open(str(target), "rb") as handle:
            rate = handle.getframerate()
            raw = handle.readframes(handle.getnframes())
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return samples, rate


def _trim(samples: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples) > _SILENCE)
    return samples[loud[0] : loud[-1] + 1] if len(loud) else samples[:0]


def speak_words(
    words: list[str],
    *,
    gap: float = 0.12,
    lead: float = 0.5,
    voice: str = "en-us",
    words_per_minute: int = 150,
) -> tuple[np.ndarray, int, list[SpokenWord]]:
    """Speak each word alone and join them with ``gap`` seconds of silence.

    Returns the samples, their rate and every word's exact start and end (``lead`` seconds of
    silence come first).
    """
    pieces: list[np.ndarray] = []
    timings: list[SpokenWord] = []
    rate = 0
    position = 0
    for word in words:
        samples, rate = speak(word, voice=voice, words_per_minute=words_per_minute)
        samples = _trim(samples)
        if not pieces:
            pieces.append(np.zeros(round(lead * rate), np.float32))
            position = len(pieces[0])
        timings.append(SpokenWord(word, position / rate, (position + len(samples)) / rate))
        pieces += [samples, np.zeros(round(gap * rate), np.float32)]
        position += len(samples) + round(gap * rate)
    pieces.append(np.zeros(round(lead * rate), np.float32))
    return np.concatenate(pieces), rate, timings


def add_noise(samples: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    """White noise added at ``snr_db`` dB below the speech's power (measured where it is loud)."""
    loud = samples[np.abs(samples) > _SILENCE]
    power = float(np.mean(loud**2)) if len(loud) else 0.0
    noise = np.random.default_rng(seed).standard_normal(len(samples)).astype(np.float32)
    noise *= np.sqrt(power / 10 ** (snr_db / 10))
    return (samples + noise).astype(np.float32)
