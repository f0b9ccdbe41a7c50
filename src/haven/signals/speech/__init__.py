"""The ``speech`` analyzer: Whisper transcripts and captions from the shared decode pass."""

from haven.signals.speech.analyzer import SpeechAnalyzer
from haven.signals.speech.transcriber import Transcript, TranscriptionOptions, transcribe

__all__ = ["SpeechAnalyzer", "Transcript", "TranscriptionOptions", "transcribe"]
