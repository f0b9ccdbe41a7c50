"""What Haven knows about a media file before and after decoding it."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path


@dataclass
class MediaInfo:
    """Container and stream facts; filled by ``probe`` and completed by the decode pass.

    Sizes are in pixels. ``display_width``/``display_height`` are what a viewer sees: the coded
    size corrected for the sample aspect ratio and turned by ``rotation`` (degrees,
    counter-clockwise, as FFmpeg's display matrix gives it).
    """

    path: Path
    container: str
    video_codec: str | None
    coded_width: int
    coded_height: int
    display_width: int
    display_height: int
    rotation: int
    pixel_format: str
    bit_depth: int
    time_base: Fraction
    average_frame_rate: float | None
    declared_duration: float | None
    has_audio: bool
    # False for audio-only files (and audio with cover art): there are no frames to analyse.
    has_video: bool = True
    # Container time of the video's start; every time Haven reports is measured from it.
    time_origin: float = 0.0
    sample_aspect_ratio: Fraction | None = None
    # "PQ (SMPTE ST 2084)" or "HLG (ARIB STD-B67)" for HDR video, else None.
    hdr_transfer: str | None = None
    audio_codec: str | None = None
    audio_sample_rate: int | None = None
    # Filled in while decoding.
    frames_decoded: int = 0
    first_frame_time: float | None = None
    last_frame_time: float | None = None
    min_frame_interval: float | None = None
    max_frame_interval: float | None = None
    corrupt_frames: int = 0
    # Frames whose timestamp was missing or went backwards, timed from the frame rate instead.
    frames_timed_by_rate: int = 0
    # Seconds by which the decoded video falls short of its declared duration, when notable.
    missing_seconds: float = 0.0
    audio_seconds_decoded: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        """Seconds from the first frame to the end of the last one (the decoded duration)."""
        if not self.has_video:
            return self.audio_seconds_decoded or self.declared_duration or 0.0
        if self.first_frame_time is None or self.last_frame_time is None:
            return self.declared_duration or 0.0
        return self.last_frame_time - self.first_frame_time + (self.nominal_frame_interval or 0.0)

    @property
    def nominal_frame_interval(self) -> float | None:
        if self.average_frame_rate:
            return 1.0 / self.average_frame_rate
        return self.min_frame_interval

    @property
    def still_picture(self) -> bool:
        """FFmpeg read the file through an image demuxer (``image2``, ``png_pipe``…): a single
        picture. An animated GIF is not one: it can flash like a video."""
        return self.has_video and (self.container == "image2" or self.container.endswith("_pipe"))

    @property
    def variable_frame_rate(self) -> bool:
        """True when frame intervals differ by more than 10 % (phone video often does)."""
        if self.min_frame_interval is None or self.max_frame_interval is None:
            return False
        return self.max_frame_interval > 1.1 * self.min_frame_interval

    def as_dict(self) -> dict[str, object]:
        return {
            "container": self.container,
            "video_codec": self.video_codec,
            "pixel_format": self.pixel_format,
            "bit_depth": self.bit_depth,
            "coded_width": self.coded_width,
            "coded_height": self.coded_height,
            "display_width": self.display_width,
            "display_height": self.display_height,
            "rotation": self.rotation,
            "average_frame_rate": self.average_frame_rate,
            "variable_frame_rate": self.variable_frame_rate,
            "duration": round(self.duration, 6),
            "frames_decoded": self.frames_decoded,
            "corrupt_frames": self.corrupt_frames,
            "frames_timed_by_rate": self.frames_timed_by_rate,
            "has_video": self.has_video,
            "has_audio": self.has_audio,
            "audio_codec": self.audio_codec,
            "notes": list(self.notes),
        }
