"""Photosensitivity mitigation: attenuate only the hazardous segments, then prove it worked.

1. Scan the source with the chosen profile to find its segments.
2. For each segment (padded so the change fades in and out), compute each pixel's adaptation
   level, the mean linear light over the segment, from a small decode (libswscale scales it),
   and which pixels flicker: those whose light or redness reverses direction at least four
   times (a flash reverses twice; a caption appearing and leaving, once).
3. Re-encode: frames outside every padded segment go to the encoder untouched; inside, each
   flickering pixel is pulled to within +-delta of its adaptation level in linear light
   (flashes), and pattern segments are blurred through a tiny libswscale rendition. A ramp
   blends in and out. Pixels that change once or not at all (a caption appearing, the rest of
   the picture) keep their own light: clamping them to the mean would ghost one picture into
   the next.
4. Scan the output. If it still fails, halve delta and try again (delta 0 freezes each
   segment at its mean, which cannot flash). The result says whether the output passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from haven.errors import InputError
from haven.media import MediaInfo, MediaSource
from haven.pipeline import analyse
from haven.signals.photosensitivity.analyzer import PhotosensitivityAnalyzer
from haven.signals.photosensitivity.colour import linearisation_table

# Seconds of fade in and out around each segment: long enough that switching the attenuation
# on is not itself a flash, short enough to leave the rest of the video alone.
PAD_SECONDS = 0.5
# Successive limits on the distance from the adaptation level, in linear light. 0.02 keeps a
# luminance swing under 0.04 and a red swing under 20 on the (R-G-B)x320 scale.
DELTAS = (0.02, 0.008, 0.0)
# A small copy of the picture whose upscaled version has no stripes left.
BLUR_LONG_SIDE = 32
ADAPTATION_LONG_SIDE = 240
# A change this large counts as a step: 0.1 of linear light is the standards' smallest flash;
# 0.06 of redness (red minus the mean of green and blue, linear) is about the red-flash
# threshold of 20 on the (R-G-B)x320 scale. Smaller steps are compression noise around edges.
# A pixel whose steps reverse direction this often in a span flickers and is attenuated.
FLICKER_STEP = np.array([0.1, 0.06], dtype=np.float32)
FLICKER_REVERSALS = 4
# Quality of the re-encode: outside the segments the output must stay within 45 dB PSNR.
ENCODER_OPTIONS = {"crf": "8", "preset": "fast"}

Progress = Callable[[float, float], None]


@dataclass
class Span:
    start: float
    end: float
    kinds: set[str] = field(default_factory=set)
    adaptation: np.ndarray | None = None  # (h, w, 3) float32 linear, coded orientation
    frames: int = 0
    # Which pixels flicker (0..1, feathered), same size as ``adaptation``; built with it.
    flicker: np.ndarray | None = None
    _last: np.ndarray | None = None  # (h, w, 2) light and redness of the previous frame
    _direction: np.ndarray | None = None  # (h, w, 2) sign of the last step, 0 before any
    _reversals: np.ndarray | None = None  # (h, w) most reversals of light or redness

    def add_frame(self, linear: np.ndarray) -> None:
        """Accumulate one small linear-light frame of the padded span."""
        self.adaptation = linear if self.adaptation is None else self.adaptation + linear
        self.frames += 1
        light = linear @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
        redness = linear[..., 0] - 0.5 * (linear[..., 1] + linear[..., 2])
        now = np.stack([light, redness], axis=-1)
        if self._last is None:
            self._last, self._direction = now, np.zeros_like(now)
            self._reversals = np.zeros(now.shape[:2], np.int32)
            return
        step = now - self._last
        moved = np.abs(step) > FLICKER_STEP
        sign = np.sign(step)
        reversed_ = moved & (self._direction != 0) & (sign != self._direction)
        counts = reversed_.sum(axis=-1) > 0
        self._reversals += counts
        self._direction = np.where(moved, sign, self._direction)
        # Compare with the last frame only where it moved, so a slow drift adds up to a step.
        self._last = np.where(moved, now, self._last)

    def finish(self) -> None:
        if self.adaptation is None or self._reversals is None:
            return
        self.adaptation /= self.frames
        mask = (self._reversals >= FLICKER_REVERSALS).astype(np.float32)
        self.flicker = _feathered(mask)
        self._last = self._direction = self._reversals = None

    def strength(self, t: float) -> float:
        """0 outside the padded span, ramping to 1 over PAD_SECONDS at each end."""
        if t < self.start - PAD_SECONDS or t > self.end + PAD_SECONDS:
            return 0.0
        if t < self.start:
            return (t - (self.start - PAD_SECONDS)) / PAD_SECONDS
        if t > self.end:
            return ((self.end + PAD_SECONDS) - t) / PAD_SECONDS
        return 1.0


@dataclass
class MitigationOutcome:
    source_verdict: str
    output_verdict: str
    passes: bool
    attempts: int
    spans: list[tuple[float, float]]
    output: Path

    def summary(self) -> str:
        spans = ", ".join(f"{a:.2f}-{b:.2f} s" for a, b in self.spans) or "none"
        state = "passes" if self.passes else "STILL FAILS"
        return (
            f"source {self.source_verdict}; attenuated {spans}; output {self.output}"
            f" {state} (verdict {self.output_verdict}, {self.attempts} attempt(s))"
        )


def _spans_from(segments: list[dict], duration: float) -> list[Span]:
    """The failing segments as spans of the video, loop-seam ones split at the seam."""
    spans: list[Span] = []
    for seg in segments:
        if seg["severity"] != "fail":
            continue
        start, end = seg["start"], seg["end"]
        if end > duration:
            # A run across the loop seam continues in the video's first seconds.
            spans.append(Span(0.0, min(duration, end - duration), {seg["kind"]}))
            end = duration
        spans.append(Span(min(start, duration), end, {seg["kind"]}))
    spans.sort(key=lambda s: s.start)
    merged: list[Span] = []
    for span in spans:
        if merged and span.start - PAD_SECONDS <= merged[-1].end + PAD_SECONDS:
            merged[-1].end = max(merged[-1].end, span.end)
            merged[-1].kinds |= span.kinds
        else:
            merged.append(span)
    return merged


@dataclass
class _Source:
    """The source's facts and the presentation time of each frame, as the analysis saw them."""

    info: MediaInfo
    times: list[float]


def _read_source(path: Path) -> _Source:
    with MediaSource(path, fast_decode=False) as media:
        times = [frame.time for frame in media.decode([])]
        return _Source(media.info, times)


def _verdict(path: Path, profile: str) -> tuple[str, list[dict], float]:
    analyzer = PhotosensitivityAnalyzer(profile)
    media, outputs = analyse(path, [analyzer])
    report = outputs[analyzer.name].report
    return report["verdict"], report["segments"], media.duration


def _decoded(path: Path, times: list[float]) -> Iterator[tuple[float, av.VideoFrame]]:
    """Decoded frames in presentation order with the analysis's times (same decoder order)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for index, frame in enumerate(container.decode(stream)):
            if index < len(times):
                yield times[index], frame


def _adaptation_levels(
    source: Path, spans: list[Span], lut: np.ndarray, times: list[float]
) -> None:
    """Mean linear RGB of each padded span, at a small size, in coded orientation."""
    reformatter = VideoReformatter()
    for t, frame in _decoded(source, times):
        for span in spans:
            if span.strength(t) <= 0:
                continue
            scale = min(1.0, ADAPTATION_LONG_SIDE / max(frame.width, frame.height))
            small = reformatter.reformat(
                frame,
                width=max(1, round(frame.width * scale)),
                height=max(1, round(frame.height * scale)),
                format="rgb24",
                interpolation="AREA",
            )
            span.add_frame(lut[small.to_ndarray()])
    for span in spans:
        span.finish()


def _feathered(mask: np.ndarray) -> np.ndarray:
    """The mask grown by two pixels and softened, so attenuation has no hard edge."""
    grown = mask
    for _ in range(2):
        padded = np.pad(grown, 1, mode="edge")
        grown = np.max(
            [
                padded[r : r + mask.shape[0], c : c + mask.shape[1]]
                for r in range(3)
                for c in range(3)
            ],
            axis=0,
        )
    padded = np.pad(grown, 1, mode="edge")
    soft = np.mean(
        [padded[r : r + mask.shape[0], c : c + mask.shape[1]] for r in range(3) for c in range(3)],
        axis=0,
    )
    return soft.astype(np.float32)


def _upscale(linear: np.ndarray, width: int, height: int) -> np.ndarray:
    """Bilinear upscale of a linear-light map through libswscale (as 16-bit RGB)."""
    codes = (np.clip(linear, 0, 1) * 65535).astype(np.uint16)
    small = av.VideoFrame.from_ndarray(codes, format="rgb48le")
    big = small.reformat(width=width, height=height, format="rgb48le", interpolation="BILINEAR")
    return big.to_ndarray().astype(np.float32) / 65535.0


def _encode_linear(linear: np.ndarray, transfer: str) -> np.ndarray:
    """Linear RGB -> 8-bit codes in the profile's transfer."""
    linear = np.clip(linear, 0.0, 1.0)
    if transfer == "bt1886":
        code = linear ** (1 / 2.4)
    else:
        code = np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.clip(np.rint(code * 255.0), 0, 255).astype(np.uint8)


def _blurred(frame: av.VideoFrame) -> np.ndarray:
    scale = BLUR_LONG_SIDE / max(frame.width, frame.height)
    tiny = frame.reformat(
        width=max(2, round(frame.width * scale)),
        height=max(2, round(frame.height * scale)),
        format="rgb24",
        interpolation="AREA",
    )
    return tiny.reformat(
        width=frame.width, height=frame.height, format="rgb24", interpolation="BICUBIC"
    ).to_ndarray()


def _output_format(info: MediaInfo) -> str:
    """The encoder's pixel format: the source's depth, 4:2:0 only where the source has it."""
    subsampled = (
        "420" in info.pixel_format and info.coded_width % 2 == 0 and info.coded_height % 2 == 0
    )
    chroma = "yuv420p" if subsampled else "yuv444p"
    return chroma + ("10le" if info.bit_depth > 8 else "")


def _render(
    source: Path,
    output: Path,
    spans: list[Span],
    facts: _Source,
    *,
    delta: float,
    lut: np.ndarray,
    transfer: str,
    progress: Progress | None,
) -> None:
    info = facts.info
    with av.open(str(source)) as container, av.open(str(output), mode="w") as out:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        audio = container.streams.audio[0] if container.streams.audio else None
        time_base = video.time_base or Fraction(1, 90_000)
        encoder = out.add_stream("libx264", rate=video.average_rate or video.guessed_rate or 30)
        encoder.width, encoder.height = video.codec_context.width, video.codec_context.height
        encoder.pix_fmt = _output_format(info)
        encoder.time_base = encoder.codec_context.time_base = time_base
        encoder.options = dict(ENCODER_OPTIONS)
        if info.sample_aspect_ratio:
            encoder.codec_context.sample_aspect_ratio = info.sample_aspect_ratio
        if info.rotation:
            encoder.set_display_rotation(info.rotation)
        audio_out = out.add_stream_from_template(audio) if audio is not None else None
        colour: dict[str, int] | None = None
        upscaled: dict[int, np.ndarray] = {}
        times = iter(facts.times)
        streams = [video] + ([audio] if audio is not None else [])
        # Audio packets are copied as they are. Frames leave the decoder in the order the
        # analysis saw them, so the n-th takes the analysis's n-th presentation time.
        for packet in container.demux(*streams):
            if packet.stream.type == "audio":
                if packet.dts is not None and audio_out is not None:
                    packet.stream = audio_out
                    out.mux(packet)
                continue
            for frame in packet.decode():
                t = next(times, None)
                if t is None:
                    break
                if colour is None:
                    colour = _copy_colour(frame, encoder)
                new = _mitigated_frame(
                    frame,
                    t,
                    spans,
                    upscaled,
                    delta=delta,
                    lut=lut,
                    transfer=transfer,
                    pixel_format=encoder.pix_fmt,
                    colour=colour,
                )
                new.pts = round((t + info.time_origin) / time_base)
                new.time_base = time_base
                for packet_out in encoder.encode(new):
                    out.mux(packet_out)
                if progress is not None:
                    progress(t, info.duration)
        for packet_out in encoder.encode():
            out.mux(packet_out)


def _copy_colour(frame: av.VideoFrame, encoder: av.video.stream.VideoStream) -> dict[str, int]:
    """Tag the output with the source's matrix, range, primaries and transfer."""
    colour = {
        "colorspace": int(frame.colorspace),
        "color_range": int(frame.color_range),
        "color_primaries": int(frame.color_primaries),
        "color_trc": int(frame.color_trc),
    }
    for name, value in colour.items():
        if value:
            setattr(encoder.codec_context, name, value)
    return colour


def _mitigated_frame(
    frame: av.VideoFrame,
    t: float,
    spans: list[Span],
    upscaled: dict[int, np.ndarray],
    *,
    delta: float,
    lut: np.ndarray,
    transfer: str,
    pixel_format: str,
    colour: dict[str, int],
) -> av.VideoFrame:
    active = [(i, s, s.strength(t)) for i, s in enumerate(spans) if s.strength(t) > 0]
    if not active:
        return frame  # untouched: the encoder gets the decoded picture as it is
    index, span, strength = max(active, key=lambda item: item[2])
    rgb = frame.to_ndarray(format="rgb24")
    linear = lut[rgb]
    target = linear
    if span.kinds & {"luminance", "red"} and span.adaptation is not None:
        if index not in upscaled:
            upscaled[index] = _upscale(span.adaptation, frame.width, frame.height)
            flicker = np.repeat(span.flicker[..., None], 3, axis=2)
            upscaled[-1 - index] = _upscale(flicker, frame.width, frame.height)
        adapt, flickers = upscaled[index], upscaled[-1 - index]
        clamped = adapt + np.clip(linear - adapt, -delta, delta)
        target = linear + flickers * (clamped - linear)
    if "pattern" in span.kinds:
        target = (
            np.minimum(target, lut[_blurred(frame)])
            if target is not linear
            else lut[_blurred(frame)]
        )
    mixed = linear + strength * (target - linear)
    out = av.VideoFrame.from_ndarray(_encode_linear(mixed, transfer), format="rgb24")
    # Back to YUV with the source's own matrix and range, so the attenuated frames match the
    # untouched ones around them.
    return out.reformat(
        format=pixel_format,
        dst_colorspace=colour["colorspace"] or None,
        dst_color_range=colour["color_range"] or None,
    )


def _check_writable(output: Path) -> None:
    """Fail before any work if ``output`` cannot be written (read-only folder, /proc...)."""
    existed = output.exists()
    try:
        with output.open("ab"):
            pass
    except OSError as exc:
        raise InputError(f"{output}: cannot write the rendition ({exc.strerror})") from exc
    if not existed:
        output.unlink()


def mitigate_photosensitivity(
    source: str | Path,
    output: str | Path,
    *,
    profile: str = "phone",
    progress: Progress | None = None,
) -> MitigationOutcome:
    """Write ``output`` with the hazards of ``source`` attenuated; verify it by re-analysis."""
    source, output = Path(source), Path(output)
    if output.resolve() == source.resolve():
        raise InputError(f"{output}: the output must not overwrite the source")
    if output.suffix.lower() not in {".mp4", ".mov", ".mkv"}:
        raise InputError(f"{output}: write the rendition as .mp4, .mov or .mkv")
    if not output.parent.is_dir():
        raise InputError(f"{output}: the folder {output.parent} does not exist")
    if output.is_dir():
        raise InputError(f"{output}: is a folder; name the rendition's file")
    _check_writable(output)
    analyzer = PhotosensitivityAnalyzer(profile)
    lut = linearisation_table(analyzer.profile.transfer)
    facts = _read_source(source)
    if facts.info.hdr_transfer:
        raise InputError(
            f"{source}: HDR video ({facts.info.hdr_transfer}) cannot be mitigated yet; Haven would"
            " have to tone-map it, which changes the whole video"
        )
    verdict, segments, duration = _verdict(source, profile)
    spans = _spans_from(segments, duration)
    _adaptation_levels(source, spans, lut, facts.times)
    attempts = 0
    output_verdict = verdict
    for delta in DELTAS:
        attempts += 1
        _render(
            source,
            output,
            spans,
            facts,
            delta=delta,
            lut=lut,
            transfer=analyzer.profile.transfer,
            progress=progress,
        )
        output_verdict, _, _ = _verdict(output, profile)
        if output_verdict != "fail":
            break
    return MitigationOutcome(
        source_verdict=verdict,
        output_verdict=output_verdict,
        passes=output_verdict != "fail",
        attempts=attempts,
        spans=[(s.start, s.end) for s in spans],
        output=output,
    )
