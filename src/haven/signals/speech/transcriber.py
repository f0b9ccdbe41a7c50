"""Speech to timed words with faster-whisper, and the guards against invented words.

Whisper invents text over music, tones and noise ("Thank you for watching", a phrase repeated
ten times). Three guards keep that out of captions, cheapest first:

1. the Silero voice-activity filter bundled with faster-whisper drops audio without a voice
   before Whisper sees it;
2. Whisper's own rule: a window whose no-speech probability is over 0.6 and whose average
   log-probability is under -1 is silence;
3. Haven rejects the segments that remain but still look invented: highly repetitive text
   (gzip compression ratio over 2.4), or a no-speech probability over 0.5 together with words
   Whisper itself is unsure of. Rejected segments are reported, not silently dropped.

Whisper's word times come from its attention and drift into the pauses around speech: the
first word after a pause often "starts" a few hundred milliseconds early, and the last word
ends late. ``snap_to_voice`` trims each word's span to where the audio is loud, so a caption
appears when the voice starts.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from haven.captions import Word
from haven.errors import InputError
from haven.signals.speech.models import weights

SAMPLE_RATE = 16_000
# Segment rejection thresholds (see the module docstring).
MAX_COMPRESSION_RATIO = 2.4
DOUBTFUL_NO_SPEECH = 0.5
DOUBTFUL_WORD_PROBABILITY = 0.45


class UnsupportedLanguage(InputError):
    code = "unsupported_language"


@dataclass(frozen=True)
class Utterance:
    """One stretch of speech as Whisper segmented it; times in seconds from the media start."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...]
    avg_logprob: float
    no_speech_prob: float

    @property
    def confidence(self) -> float:
        """Mean word probability: how sure Whisper is of what it wrote."""
        if not self.words:
            return math.exp(self.avg_logprob)
        return float(np.mean([w.probability for w in self.words]))


@dataclass(frozen=True)
class Rejected:
    start: float
    end: float
    text: str
    reason: str


@dataclass
class Transcript:
    model: str
    language: str | None
    language_probability: float | None
    language_forced: bool
    audio_seconds: float
    speech_seconds: float
    # Seconds from the media's start to the first audio sample.
    offset: float = 0.0
    utterances: list[Utterance] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def words(self) -> list[Word]:
        return [word for utterance in self.utterances for word in utterance.words]

    @property
    def text(self) -> str:
        return " ".join(u.text for u in self.utterances)

    @property
    def has_speech(self) -> bool:
        return bool(self.utterances)


@cache
def _whisper_languages() -> frozenset[str]:
    # faster-whisper keeps Whisper's language codes in its tokenizer module.
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)


# Models are loaded once per process and shared: loading base costs about half a second, and a
# service worker transcribes many files. CTranslate2 models are safe to share across threads.
_load_lock = threading.Lock()


@cache
def _load_model(name: str) -> Any:
    from faster_whisper import WhisperModel

    with _load_lock:
        directory = weights(name).directory()
        # A local directory path, never a model name: a name makes faster-whisper ask a hub.
        return WhisperModel(
            str(directory),
            device="cpu",
            compute_type="int8",
            cpu_threads=os.cpu_count() or 1,
        )


@dataclass(frozen=True)
class TranscriptionOptions:
    model: str = "base"
    # An ISO 639-1 code forces the language; None detects it from the first 30 s of speech.
    language: str | None = None
    beam_size: int = 5

    def check(self) -> None:
        """Reject an unknown model or language before any audio is decoded."""
        model = weights(self.model)
        if self.language is None:
            return
        if self.language not in _whisper_languages():
            raise UnsupportedLanguage(
                f"unknown language code {self.language!r}; Whisper takes ISO 639-1 codes such"
                " as en, es, de, fr",
                language=self.language,
            )
        if not model.multilingual and self.language != "en":
            raise UnsupportedLanguage(
                f"the {self.model!r} model ({model.whisper_name}) understands English only;"
                f" use the default model for {self.language!r}",
                language=self.language,
            )


def _rejection(segment: Any) -> str | None:
    if segment.compression_ratio > MAX_COMPRESSION_RATIO:
        return f"repetitive text (compression ratio {segment.compression_ratio:.2f})"
    words = segment.words or []
    mean_probability = float(np.mean([w.probability for w in words])) if words else 0.0
    if segment.no_speech_prob > DOUBTFUL_NO_SPEECH and mean_probability < DOUBTFUL_WORD_PROBABILITY:
        return (
            f"probably not speech (no-speech probability {segment.no_speech_prob:.2f},"
            f" mean word probability {mean_probability:.2f})"
        )
    return None


_FRAME = 160  # 10 ms at 16 kHz
# Loudness between the pause level and the speech level above which a frame is voiced.
_VOICED_SHARE = 0.15
# A quiet run at least this long (in 10 ms frames) inside a word's span is a pause between
# words, not a stop consonant.
_PAUSE_FRAMES = 6


def _voiced_frames(audio: np.ndarray) -> np.ndarray:
    frames = len(audio) // _FRAME
    rms = np.sqrt((audio[: frames * _FRAME].reshape(frames, _FRAME) ** 2).mean(axis=1) + 1e-12)
    level = np.log10(rms)
    quiet, loud = np.percentile(level, 10), np.percentile(level, 95)
    return level > quiet + _VOICED_SHARE * (loud - quiet)


def _pauses(voiced: np.ndarray) -> list[tuple[int, int]]:
    """(first, end) frame indices of the quiet runs of at least ``_PAUSE_FRAMES``."""
    runs, start = [], None
    for index, is_voiced in enumerate([*voiced.tolist(), True]):
        if not is_voiced and start is None:
            start = index
        elif is_voiced and start is not None:
            if index - start >= _PAUSE_FRAMES:
                runs.append((start, index))
            start = None
    return runs


def _voiced_span(voiced: np.ndarray) -> tuple[int, int] | None:
    """The frames of a word's span that hold the word itself.

    Whisper tends to give a word the pause before it, and so the span may begin in the tail
    of the previous word (or end in the head of the next). A pause inside the span with less
    voice before it than after it marks where the word begins (and the mirror case, where it
    ends); then the leading and trailing quiet frames are trimmed.
    """
    if not voiced.any():
        return None
    first, end = 0, len(voiced)
    total = int(voiced.sum())
    for pause_start, pause_end in _pauses(voiced):
        before = int(voiced[first:pause_start].sum())
        if 0 < before < total / 2 and voiced[pause_end:end].any():
            first = pause_end
            break
    for pause_start, pause_end in reversed(_pauses(voiced[first:end])):
        after = int(voiced[first + pause_end : end].sum())
        if 0 < after < total / 2:
            end = first + pause_start
            break
    inside = np.flatnonzero(voiced[first:end])
    if len(inside) == 0:
        return None
    return first + int(inside[0]), first + int(inside[-1]) + 1


def snap_to_voice(words: list[Word], audio: np.ndarray, offset: float) -> list[Word]:
    """Words with their spans trimmed to their voice (see ``_voiced_span``).

    The quiet level is the 10th percentile of 10 ms frame loudness in the clip, the speech
    level the 95th; a frame is voiced when it is 15 % of the way from one to the other. A
    word never shrinks below 50 ms, and one with no voiced frame keeps its times.
    """
    if len(audio) // _FRAME < 10 or not words:
        return words
    voiced = _voiced_frames(audio)
    snapped = []
    for word in words:
        first = max(0, round((word.start - offset) * 100))
        last = min(len(voiced), round((word.end - offset) * 100))
        span = _voiced_span(voiced[first:last]) if last > first else None
        if span is None:
            snapped.append(word)
            continue
        start = offset + (first + span[0]) / 100
        end = max(offset + (first + span[1]) / 100, start + 0.05)
        snapped.append(Word(word.text, start, end, word.probability))
    return snapped


def transcribe(audio: np.ndarray, offset: float, options: TranscriptionOptions) -> Transcript:
    """Transcribe 16 kHz mono float32 ``audio`` that starts ``offset`` seconds into the media."""
    options.check()
    model_weights = weights(options.model)
    audio_seconds = len(audio) / SAMPLE_RATE
    transcript = Transcript(
        model=model_weights.whisper_name,
        language=options.language,
        language_probability=None,
        language_forced=options.language is not None,
        audio_seconds=audio_seconds,
        speech_seconds=0.0,
        offset=offset,
    )
    if len(audio) == 0:
        return transcript
    model = _load_model(options.model)
    segments, info = model.transcribe(
        np.ascontiguousarray(audio, dtype=np.float32),
        language=options.language or (None if model_weights.multilingual else "en"),
        beam_size=options.beam_size,
        vad_filter=True,
        word_timestamps=True,
        no_speech_threshold=0.6,
        log_prob_threshold=-1.0,
        compression_ratio_threshold=MAX_COMPRESSION_RATIO,
    )
    for segment in segments:
        text = segment.text.strip()
        if not text:
            continue
        start, end = float(segment.start + offset), float(segment.end + offset)
        reason = _rejection(segment)
        if reason is not None:
            transcript.rejected.append(Rejected(start, end, text, reason))
            continue
        words = tuple(
            Word(
                w.word.strip(),
                float(w.start + offset),
                float(max(w.start, w.end) + offset),
                float(w.probability),
            )
            for w in segment.words or []
            if w.word.strip()
        )
        words = tuple(snap_to_voice(list(words), audio, offset))
        if words:
            # The utterance spans its words, so it shares their voice-snapped times.
            start, end = words[0].start, words[-1].end
        transcript.utterances.append(
            Utterance(start, end, text, words, segment.avg_logprob, segment.no_speech_prob)
        )
    transcript.speech_seconds = float(info.duration_after_vad)
    if transcript.has_speech and not transcript.language_forced:
        # With no speech, Whisper's language guess is noise; report it only when words exist.
        transcript.language = info.language
        transcript.language_probability = float(info.language_probability)
    elif transcript.language_forced:
        transcript.language_probability = 1.0
    return transcript
