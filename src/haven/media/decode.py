"""One decode pass with PyAV that feeds every analyzer.

``MediaSource`` opens a file, checks it is a usable video and yields ``DecodedFrame`` (and, only
when asked, ``AudioChunk``) objects in presentation order. Every view an analyzer asked for is
scaled and converted by libswscale inside the decoder, then turned to the display orientation.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import av.error
import numpy as np
from av.video.reformatter import VideoReformatter

from haven.media.errors import (
    AbsurdDimensions,
    AudioOnly,
    CorruptMedia,
    MediaNotFound,
    NoFrames,
    NotAVideo,
)
from haven.media.info import MediaInfo
from haven.media.requests import AudioChunk, AudioRequest, DecodedFrame, FrameRequest

# Limits on what counts as a plausible video. 8192 covers 8K (7680x4320); anything larger, or a
# side under 16 px, or a strip thinner than 1:16, is a broken or hostile file, not content.
MAX_SIDE = 8192
MIN_SIDE = 16
MAX_ASPECT = 16.0
# A stream that stops this far short of its declared duration is reported as truncated.
TRUNCATION_TOLERANCE = 0.85
# A smaller shortfall than that, above this many seconds, is reported as a possible truncation.
SHORTFALL_NOTE_SECONDS = 0.1

# FFmpeg's transfer characteristics for HDR video (AVColorTransferCharacteristic).
_HDR_TRANSFERS = {16: "PQ (SMPTE ST 2084)", 18: "HLG (ARIB STD-B67)"}


def _bit_depth(pixel_format: str) -> int:
    try:
        return max(component.bits for component in av.VideoFormat(pixel_format).components)
    except (ValueError, TypeError):
        return 8


def _scaled_size(width: int, height: int, long_side: int) -> tuple[int, int]:
    """Largest size with the same aspect whose longer side is at most ``long_side``."""
    scale = min(1.0, long_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


class MediaSource:
    """An opened media file. Use as a context manager; ``decode`` may be called once."""

    def __init__(self, path: str | Path, *, fast_decode: bool = True) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise MediaNotFound(f"{self.path}: no such file", path=str(self.path))
        if not self.path.is_file():
            raise NotAVideo(f"{self.path}: not a regular file", path=str(self.path))
        try:
            self._container = av.open(str(self.path), mode="r")
        except av.error.InvalidDataError as exc:
            raise NotAVideo(
                f"{self.path}: not a video or audio file FFmpeg can read, or the file is corrupt"
                f" or truncated ({exc.strerror})",
                path=str(self.path),
            ) from exc
        except (av.FFmpegError, OSError) as exc:
            raise NotAVideo(
                f"{self.path}: cannot open as media ({exc})", path=str(self.path)
            ) from exc
        try:
            self.info = self._probe(fast_decode=fast_decode)
        except Exception:
            self._container.close()
            raise
        self._used = False

    # -- probing -----------------------------------------------------------------------------

    def _probe(self, *, fast_decode: bool) -> MediaInfo:
        container = self._container
        # Cover art in audio files is a one-frame "video" stream: the file is audio only.
        videos = [
            s
            for s in container.streams.video
            if s.codec_context is not None
            and not s.disposition & av.stream.Disposition.attached_pic
        ]
        audio = container.streams.audio[0] if container.streams.audio else None
        self._audio = audio
        if not videos:
            if audio is not None:
                self._video = None
                return self._probe_audio_only(audio)
            raise NotAVideo(f"{self.path}: no audio or video stream", path=str(self.path))
        video = videos[0]
        width, height = video.codec_context.width, video.codec_context.height
        self._check_dimensions(width, height)
        video.thread_type = "AUTO"
        if fast_decode:
            # Deblocking changes pixels by a few code values at block edges; at the analysis
            # sizes (1/8 of 1080p and below) that averages out, and skipping it decodes H.264
            # about 12 % faster. Renditions that are re-encoded decode with it on.
            video.codec_context.options = {"skip_loop_filter": "all"}
        self._video = video
        sar = video.sample_aspect_ratio
        display_width = round(width * float(sar)) if sar and sar > 0 else width
        time_base = video.time_base or Fraction(1, 90_000)
        declared = None
        if video.duration is not None and video.duration > 0:
            declared = float(video.duration * time_base)
        elif container.duration and audio is None:
            # Without a per-stream duration (Matroska) the container's is the longest stream's,
            # which is the video's only when there is nothing else.
            declared = container.duration / 1_000_000
        origin = float(video.start_time * time_base) if video.start_time is not None else 0.0
        rate = video.average_rate or video.guessed_rate
        pixel_format = video.codec_context.pix_fmt or "unknown"
        return MediaInfo(
            path=self.path,
            container=container.format.name,
            video_codec=video.codec_context.name,
            coded_width=width,
            coded_height=height,
            display_width=display_width,
            display_height=height,
            rotation=0,
            pixel_format=pixel_format,
            bit_depth=_bit_depth(pixel_format),
            time_base=time_base,
            average_frame_rate=float(rate) if rate else None,
            declared_duration=declared,
            has_audio=audio is not None,
            time_origin=origin,
            sample_aspect_ratio=Fraction(sar) if sar and sar > 0 else None,
            audio_codec=audio.codec_context.name if audio is not None else None,
            audio_sample_rate=audio.codec_context.sample_rate if audio is not None else None,
        )

    def _probe_audio_only(self, audio: av.audio.stream.AudioStream) -> MediaInfo:
        time_base = audio.time_base or Fraction(1, audio.codec_context.sample_rate or 48_000)
        declared = None
        if audio.duration is not None and audio.duration > 0:
            declared = float(audio.duration * time_base)
        elif self._container.duration:
            declared = self._container.duration / 1_000_000
        origin = float(audio.start_time * time_base) if audio.start_time is not None else 0.0
        return MediaInfo(
            path=self.path,
            container=self._container.format.name,
            video_codec=None,
            coded_width=0,
            coded_height=0,
            display_width=0,
            display_height=0,
            rotation=0,
            pixel_format="none",
            bit_depth=0,
            time_base=time_base,
            average_frame_rate=None,
            declared_duration=declared,
            has_audio=True,
            has_video=False,
            time_origin=origin,
            audio_codec=audio.codec_context.name,
            audio_sample_rate=audio.codec_context.sample_rate,
        )

    def _check_dimensions(self, width: int, height: int) -> None:
        if width <= 0 or height <= 0:
            raise AbsurdDimensions(
                f"{self.path}: video has no size ({width}x{height})", width=width, height=height
            )
        too_big = max(width, height) > MAX_SIDE
        too_small = min(width, height) < MIN_SIDE
        too_thin = max(width, height) / min(width, height) > MAX_ASPECT
        if too_big or too_small or too_thin:
            raise AbsurdDimensions(
                f"{self.path}: absurd video dimensions {width}x{height} (Haven analyses"
                f" {MIN_SIDE}..{MAX_SIDE} px per side, aspect up to {MAX_ASPECT:g}:1)",
                width=width,
                height=height,
            )

    # -- decoding ----------------------------------------------------------------------------

    def decode(
        self,
        frames: Sequence[FrameRequest],
        audio: AudioRequest | None = None,
    ) -> Iterator[DecodedFrame | AudioChunk]:
        """Decode the file once, yielding frames (with the requested views) and audio chunks.

        Audio is demuxed and decoded only when ``audio`` is given. Raises ``CorruptMedia`` when
        the decoder fails or the stream ends well before its declared duration, and
        ``NoFrames`` when not one frame decodes.
        """
        if self._used:
            raise RuntimeError("MediaSource.decode may be called only once")
        self._used = True
        keys = [request.key for request in frames]
        if len(set(keys)) != len(keys):
            raise ValueError(f"frame request keys must be unique, got {keys}")
        if self._video is None and frames:
            raise AudioOnly(
                f"{self.path}: audio only; there is no video stream to analyse",
                path=str(self.path),
            )
        if not frames and audio is not None and self._audio is not None:
            # Only the sound is wanted (captions of a video): skip decoding the pictures.
            yield from self._decode_audio_only(audio)
            return
        if self._video is None:
            return
        streams: list[av.stream.Stream] = [self._video]
        resampler = None
        if audio is not None and self._audio is not None:
            streams.append(self._audio)
            resampler = av.AudioResampler(format="flt", layout=audio.layout, rate=audio.sample_rate)
        views = _ViewMaker(frames, self.info.sample_aspect_ratio)
        info = self.info
        order = _PresentationOrder(info)
        position = 0.0
        try:
            for packet in self._container.demux(*streams):
                if packet.pts is not None:
                    position = float(packet.pts * packet.time_base) - info.time_origin
                if packet.stream.type == "audio":
                    if resampler is not None:
                        yield from _decode_audio(packet, resampler, info)
                    continue
                for frame in packet.decode():
                    if info.frames_decoded == 0:
                        self._on_first_frame(frame)
                    info.frames_decoded += 1
                    if frame.is_corrupt:
                        info.corrupt_frames += 1
                    raw_time = _raw_time(frame, info)
                    images = views.make(frame, raw_time, info.rotation)
                    yield from order.push(frame.pts, frame.time_base or info.time_base, images)
            yield from order.flush()
            if resampler is not None:
                yield from _flush_audio(resampler, info, position)
        except av.FFmpegError as exc:
            raise CorruptMedia(
                f"{self.path}: corrupt media near {position:.2f} s ({exc})",
                path=str(self.path),
                time=position,
            ) from exc
        self._check_complete()

    def _decode_audio_only(self, request: AudioRequest) -> Iterator[AudioChunk]:
        info = self.info
        resampler = av.AudioResampler(format="flt", layout=request.layout, rate=request.sample_rate)
        position = 0.0
        try:
            for packet in self._container.demux(self._audio):
                if packet.pts is not None:
                    position = float(packet.pts * packet.time_base) - info.time_origin
                yield from _decode_audio(packet, resampler, info)
            yield from _flush_audio(resampler, info, position)
        except av.FFmpegError as exc:
            raise CorruptMedia(
                f"{self.path}: corrupt audio near {position:.2f} s ({exc})",
                path=str(self.path),
                time=position,
            ) from exc
        # Judge truncation against the audio stream's own length: a video's sound may
        # legitimately stop before its pictures do.
        stream = self._audio
        declared = (
            float(stream.duration * stream.time_base)
            if stream.duration and stream.time_base
            else (info.declared_duration if self._video is None else None)
        )
        reached = info.audio_seconds_decoded
        if reached == 0:
            raise CorruptMedia(
                f"{self.path}: the audio stream has no decodable samples", path=str(self.path)
            )
        if declared and declared > 1.0 and reached < TRUNCATION_TOLERANCE * declared:
            raise CorruptMedia(
                f"{self.path}: truncated or corrupt: audio ends at {reached:.2f} s"
                f" of a declared {declared:.2f} s",
                path=str(self.path),
                reached=reached,
                declared=declared,
            )

    def _on_first_frame(self, frame: av.VideoFrame) -> None:
        info = self.info
        info.rotation = round(frame.rotation or 0) % 360
        if info.rotation % 90:
            info.notes.append(f"rotation {info.rotation} deg is not a multiple of 90; ignored")
            info.rotation = 0
        if info.rotation % 180 == 90:
            info.display_width, info.display_height = info.display_height, info.display_width
        transfer = _HDR_TRANSFERS.get(int(frame.color_trc or 0))
        info.hdr_transfer = transfer
        if transfer:
            info.notes.append(f"HDR video ({transfer}) analysed as display-referred code values")

    def _check_complete(self) -> None:
        info = self.info
        if info.frames_timed_by_rate:
            info.notes.append(
                f"{info.frames_timed_by_rate} frames had no usable timestamp and were timed at"
                f" {1 / (info.nominal_frame_interval or 1 / 30):.3g} fps; times are assumed"
            )
        if info.frames_decoded == 0:
            raise NoFrames(
                f"{self.path}: the video stream has no decodable frames", path=str(self.path)
            )
        declared = info.declared_duration
        if not declared:
            return
        reached = info.duration
        missing = declared - reached
        if declared > 1.0 and reached < TRUNCATION_TOLERANCE * declared:
            raise CorruptMedia(
                f"{self.path}: truncated or corrupt: video ends at {reached:.2f} s"
                f" of a declared {declared:.2f} s",
                path=str(self.path),
                reached=reached,
                declared=declared,
            )
        if missing > max(SHORTFALL_NOTE_SECONDS, 2 * (info.nominal_frame_interval or 0.0)):
            # Short of the declared length but not enough to call it broken: say so, so the
            # analyzers lower their confidence and a person can look.
            info.missing_seconds = missing
            info.notes.append(
                f"the video ends at {reached:.2f} s but declares {declared:.2f} s; the file may"
                " be truncated"
            )

    # -- context manager ---------------------------------------------------------------------

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> MediaSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _ViewMaker:
    """Scales each decoded frame to every requested view, reusing one SwsContext per view."""

    def __init__(self, requests: Sequence[FrameRequest], sample_aspect: Fraction | None) -> None:
        self._requests = list(requests)
        self._sample_aspect = float(sample_aspect) if sample_aspect else 1.0
        self._reformatters = [VideoReformatter() for _ in self._requests]
        self._last_delivered: list[float | None] = [None] * len(self._requests)
        self._sizes: list[tuple[int, int] | None] = [None] * len(self._requests)
        self._count = 0

    def make(
        self, frame: av.VideoFrame, time: float | None, rotation: int
    ) -> dict[str, np.ndarray]:
        """The views due at this frame. ``time`` (None if unknown) only paces sampled views."""
        images: dict[str, np.ndarray] = {}
        self._count += 1
        turns = rotation // 90
        for i, request in enumerate(self._requests):
            last = self._last_delivered[i]
            # Half a millisecond of slack so 30 fps timestamps rounded by the container still
            # meet an interval that divides the frame period.
            if time is None:
                time = self._count / 30  # pacing only; no timestamp to go by
            # A clock that went backwards restarts the pacing rather than starving the view.
            if last is not None and 0 <= time - last < request.min_interval - 5e-4:
                continue
            size = self._sizes[i]
            if size is None:
                # Non-square pixels are corrected here, so the view has the displayed shape.
                display = (round(frame.width * self._sample_aspect), frame.height)
                if turns % 2:
                    display = (display[1], display[0])
                out_w, out_h = _scaled_size(*display, request.long_side)
                size = (out_h, out_w) if turns % 2 else (out_w, out_h)
                self._sizes[i] = size
            scaled = self._reformatters[i].reformat(
                frame,
                width=size[0],
                height=size[1],
                format=request.pixel_format,
                interpolation="AREA",
            )
            array = scaled.to_ndarray()
            if turns:
                array = np.ascontiguousarray(np.rot90(array, k=turns))
            images[request.key] = array
            self._last_delivered[i] = time
        return images


def _raw_time(frame: av.VideoFrame, info: MediaInfo) -> float | None:
    """The frame's own timestamp in seconds from the video's start, if it has one."""
    if frame.pts is None or frame.time_base is None:
        return None
    return float(frame.pts * frame.time_base) - info.time_origin


# Frames leave the decoder in presentation order, but some containers (AVI with B-frames)
# attach the timestamps in decode order. Holding this many frames back and handing out the
# smallest pending timestamp first restores the pairing (x264 reorders at most 16 frames).
REORDER_DEPTH = 16


class _PresentationOrder:
    """Pairs decoded frames with their presentation times and builds ``DecodedFrame``s."""

    def __init__(self, info: MediaInfo) -> None:
        self._info = info
        self._pending: deque[tuple[Fraction, dict[str, np.ndarray]]] = deque()
        self._timestamps: list[int] = []
        self._previous: float | None = None
        self._index = 0

    def push(
        self, pts: int | None, time_base: Fraction, images: dict[str, np.ndarray]
    ) -> Iterator[DecodedFrame]:
        self._pending.append((time_base, images))
        if pts is not None:
            heapq.heappush(self._timestamps, pts)
        if len(self._pending) > REORDER_DEPTH:
            yield self._emit()

    def flush(self) -> Iterator[DecodedFrame]:
        while self._pending:
            yield self._emit()

    def _emit(self) -> DecodedFrame:
        time_base, images = self._pending.popleft()
        # A frame without a timestamp of its own takes none from the others.
        has_own = len(self._timestamps) > len(self._pending)
        pts = heapq.heappop(self._timestamps) if has_own else None
        time = self._time(pts, time_base)
        info = self._info
        if self._previous is None:
            info.first_frame_time = time
        else:
            _update_intervals(info, time - self._previous)
        info.last_frame_time = self._previous = time
        index, self._index = self._index, self._index + 1
        return DecodedFrame(
            index=index,
            time=time,
            pts=pts if pts is not None else index,
            time_base=time_base,
            images=images,
        )

    def _time(self, pts: int | None, time_base: Fraction) -> float:
        """Seconds since the video's start.

        A frame with no timestamp, or one that does not move forward (raw streams,
        concatenated transport streams), is placed one frame interval after the previous frame
        and counted in ``frames_timed_by_rate``, so the report can say its times are assumed.
        """
        info, previous = self._info, self._previous
        if pts is not None:
            time = float(pts * time_base) - info.time_origin
            if previous is None or time > previous:
                return time
        info.frames_timed_by_rate += 1
        if previous is None:
            return 0.0
        return previous + (info.nominal_frame_interval or 1 / 30)


def _update_intervals(info: MediaInfo, interval: float) -> None:
    if interval <= 0:
        return
    if info.min_frame_interval is None or interval < info.min_frame_interval:
        info.min_frame_interval = interval
    if info.max_frame_interval is None or interval > info.max_frame_interval:
        info.max_frame_interval = interval


def _decode_audio(
    packet: av.Packet, resampler: av.AudioResampler, info: MediaInfo
) -> Iterator[AudioChunk]:
    for frame in packet.decode():
        time = (
            float(frame.pts * frame.time_base) - info.time_origin if frame.pts is not None else 0.0
        )
        for resampled in resampler.resample(frame):
            samples = resampled.to_ndarray().reshape(-1, resampled.samples)
            info.audio_seconds_decoded += resampled.samples / resampled.sample_rate
            yield AudioChunk(time=time, sample_rate=resampled.sample_rate, samples=samples)


def _flush_audio(
    resampler: av.AudioResampler, info: MediaInfo, time: float
) -> Iterator[AudioChunk]:
    """The samples libswresample still holds once the input has ended."""
    for resampled in resampler.resample(None):
        samples = resampled.to_ndarray().reshape(-1, resampled.samples)
        info.audio_seconds_decoded += resampled.samples / resampled.sample_rate
        yield AudioChunk(time=time, sample_rate=resampled.sample_rate, samples=samples)
