"""The ``speech`` analyzer: what is said in a video, as a transcript and as captions.

It asks the shared decode pass for 16 kHz mono audio, keeps the samples, and transcribes them
once the media has ended (Whisper reads 30-second windows with context, so it needs the whole
track). Its signals carry the text with time ranges for the text analyzers; its report carries
the transcript and the captions laid out in common caption style.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from haven.captions import CaptionStyle, CaptionTrack, cues_from_words
from haven.media import AudioChunk, AudioRequest, MediaInfo
from haven.signals.base import (
    AnalysisRun,
    Analyzer,
    AnalyzerOutput,
    InputKind,
    Signal,
    TimeRange,
)
from haven.signals.speech.transcriber import (
    SAMPLE_RATE,
    Transcript,
    TranscriptionOptions,
    transcribe,
)


class SpeechAnalyzer(Analyzer):
    name = "speech"
    version = "1.0"
    inputs = frozenset({InputKind.AUDIO})
    emits = frozenset({"speech.transcript", "speech.utterance"})

    def __init__(
        self,
        model: str = "base",
        language: str | None = None,
        style: CaptionStyle | None = None,
    ) -> None:
        self.options = TranscriptionOptions(model=model, language=language)
        self.options.check()
        self.style = style or CaptionStyle()

    def audio_request(self) -> AudioRequest:
        return AudioRequest(sample_rate=SAMPLE_RATE, layout="mono")

    def start(self, media: MediaInfo) -> AnalysisRun:
        return _SpeechRun(self, media)

    def describe(self) -> dict[str, Any]:
        return {"model": self.options.model, "language_option": self.options.language}


class _SpeechRun(AnalysisRun):
    def __init__(self, analyzer: SpeechAnalyzer, media: MediaInfo) -> None:
        self.analyzer = analyzer
        self.media = media
        self.chunks: list[np.ndarray] = []
        self.first_time: float | None = None

    def on_audio(self, chunk: AudioChunk) -> None:
        if self.first_time is None:
            self.first_time = chunk.time
        self.chunks.append(chunk.samples[0])

    def finish(self) -> AnalyzerOutput:
        began = time.perf_counter()
        if not self.media.has_audio:
            return self._output(None, "no_audio_track", began)
        audio = np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.float32)
        # Drop the samples now: an hour of audio is 230 MB that the transcript no longer needs.
        self.chunks = []
        transcript = transcribe(audio, max(0.0, self.first_time or 0.0), self.analyzer.options)
        return self._output(transcript, "speech" if transcript.has_speech else "no_speech", began)

    def _output(self, transcript: Transcript | None, status: str, began: float) -> AnalyzerOutput:
        analyzer = self.analyzer
        track = CaptionTrack(
            cues=cues_from_words(transcript.words, analyzer.style) if transcript else [],
            language=transcript.language if transcript else None,
        )
        signals = _signals(analyzer, transcript, status)
        report: dict[str, Any] = {
            "status": status,
            "summary": _summary(status, transcript),
            "whisper_model": transcript.model if transcript else None,
            "language": transcript.language if transcript else None,
            "language_probability": _rounded(
                transcript.language_probability if transcript else None
            ),
            "language_forced": bool(transcript and transcript.language_forced),
            "audio_seconds": round(transcript.audio_seconds, 3) if transcript else 0.0,
            "speech_seconds": round(transcript.speech_seconds, 3) if transcript else 0.0,
            "transcript": transcript.text if transcript else "",
            "utterances": [
                {
                    "start": round(u.start, 3),
                    "end": round(u.end, 3),
                    "text": u.text,
                    "confidence": round(u.confidence, 4),
                }
                for u in (transcript.utterances if transcript else [])
            ],
            "captions": [
                {"start": round(c.start, 3), "end": round(c.end, 3), "lines": list(c.lines)}
                for c in track.cues
            ],
            "rejected": [
                {
                    "start": round(r.start, 3),
                    "end": round(r.end, 3),
                    "text": r.text,
                    "reason": r.reason,
                }
                for r in (transcript.rejected if transcript else [])
            ],
            "transcribe_seconds": round(time.perf_counter() - began, 3),
        }
        return AnalyzerOutput(
            signals=signals,
            report=report,
            artifacts={"captions": track, "transcript": transcript},
        )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _summary(status: str, transcript: Transcript | None) -> str:
    if status == "no_audio_track":
        return "no audio track: nothing to caption"
    if status == "no_speech" and transcript is not None:
        rejected = len(transcript.rejected)
        extra = f"; {rejected} doubtful segment(s) rejected" if rejected else ""
        return f"no speech found in {transcript.audio_seconds:.1f} s of audio: no captions{extra}"
    assert transcript is not None
    words = len(transcript.words)
    return (
        f"{words} words in {transcript.speech_seconds:.1f} s of speech,"
        f" language {transcript.language}"
        + ("" if transcript.language_forced else f" (p {transcript.language_probability:.2f})")
    )


def _signals(analyzer: SpeechAnalyzer, transcript: Transcript | None, status: str) -> list[Signal]:
    utterances = transcript.utterances if transcript else []
    words = transcript.words if transcript else []
    confidence = float(np.mean([w.probability for w in words])) if words else 1.0
    # The transcript covers the speech, or with no speech the audio that was listened to.
    span = None
    if utterances:
        span = TimeRange(utterances[0].start, utterances[-1].end)
    elif transcript is not None:
        span = TimeRange(transcript.offset, transcript.offset + transcript.audio_seconds)
    transcript_signal = Signal(
        analyzer=analyzer.name,
        analyzer_version=analyzer.version,
        kind="speech.transcript",
        confidence=min(1.0, max(0.0, confidence)),
        attributes={
            "has_speech": bool(utterances),
            "status": status,
            "language": transcript.language if transcript else None,
            "word_count": len(words),
        },
        time_range=span,
        evidence={"text": transcript.text}
        if utterances
        else {"reason": _summary(status, transcript)},
    )
    per_utterance = [
        Signal(
            analyzer=analyzer.name,
            analyzer_version=analyzer.version,
            kind="speech.utterance",
            confidence=min(1.0, max(0.0, u.confidence)),
            attributes={"language": transcript.language if transcript else None},
            time_range=TimeRange(u.start, u.end),
            evidence={"text": u.text},
        )
        for u in utterances
    ]
    return [transcript_signal, *per_utterance]
