"""Media access: probe a file and decode it once into the views analyzers ask for."""

from haven.media.decode import MediaSource
from haven.media.errors import (
    AbsurdDimensions,
    AudioOnly,
    CorruptMedia,
    MediaError,
    MediaNotFound,
    NoFrames,
    NotAVideo,
)
from haven.media.info import MediaInfo
from haven.media.requests import AudioChunk, AudioRequest, DecodedFrame, FrameRequest

__all__ = [
    "AbsurdDimensions",
    "AudioChunk",
    "AudioOnly",
    "AudioRequest",
    "CorruptMedia",
    "DecodedFrame",
    "FrameRequest",
    "MediaError",
    "MediaInfo",
    "MediaNotFound",
    "MediaSource",
    "NoFrames",
    "NotAVideo",
]
