"""Errors for media that cannot be analysed. Each one names the file and what is wrong."""

from __future__ import annotations

from haven.errors import InputError


class MediaError(InputError):
    code = "bad_media"


class MediaNotFound(MediaError):
    code = "media_not_found"


class NotAVideo(MediaError):
    """The file is not a container FFmpeg recognises, or holds no stream Haven can read."""

    code = "not_a_video"


class AudioOnly(MediaError):
    """The file has audio but no video stream, and the caller asked for frames."""

    code = "audio_only"


class CorruptMedia(MediaError):
    """Decoding failed part-way, or the file ends long before its declared duration."""

    code = "corrupt_media"


class NoFrames(MediaError):
    code = "no_frames"


class AbsurdDimensions(MediaError):
    code = "absurd_dimensions"
