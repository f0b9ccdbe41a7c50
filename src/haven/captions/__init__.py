"""Captions: the caption model, the layout of words into cues, and WebVTT/SRT files."""

from haven.captions.formats import CaptionFormatError, parse_captions, to_srt, to_webvtt
from haven.captions.layout import CaptionStyle, cues_from_words
from haven.captions.model import CaptionTrack, Cue, Word

__all__ = [
    "CaptionFormatError",
    "CaptionStyle",
    "CaptionTrack",
    "Cue",
    "Word",
    "cues_from_words",
    "parse_captions",
    "to_srt",
    "to_webvtt",
]
