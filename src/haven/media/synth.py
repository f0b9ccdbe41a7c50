"""Synthetic video for tests, benchmarks and the demo: frames rendered by a function of time.

Haven's test media are generated, never downloaded. ``write_video`` encodes whatever a render
function draws; the helpers below draw the cases the photosensitivity standards talk about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

Render = Callable[[float], np.ndarray]

AUDIO_RATE = 48_000
# Audio codecs by file suffix for ``write_audio``.
_AUDIO_CODECS = {".wav": "pcm_s16le", ".m4a": "aac", ".mp4": "aac", ".mka": "aac"}


def srgb_code(linear: float) -> int:
    """8-bit sRGB code whose linear value is closest to ``linear`` (0..1)."""
    codes = np.arange(256) / 255.0
    lin = np.where(codes <= 0.04045, codes / 12.92, ((codes + 0.055) / 1.055) ** 2.4)
    return int(np.abs(lin - linear).argmin())


def write_video(
    path: str | Path,
    render: Render,
    *,
    width: int,
    height: int,
    fps: float = 30,
    duration: float | None = None,
    times: Sequence[float] | None = None,
    codec: str = "libx264",
    pixel_format: str = "yuv420p",
    crf: int = 10,
    rotation: int | None = None,
    audio_tone_hz: float | None = None,
    audio_seconds: float | None = None,
    audio_samples: np.ndarray | None = None,
    audio_rate: int = AUDIO_RATE,
    preset: str = "veryfast",
) -> Path:
    """Encode ``render(t)`` (an (H, W, 3) uint8 RGB array) at each frame time.

    Frame times are ``i / fps`` up to ``duration``, or exactly ``times`` (variable frame rate).
    ``rotation`` stores a display rotation (degrees counter-clockwise) in the stream, as phones
    do. ``audio_tone_hz`` adds a mono AAC sine tone, as long as the video unless
    ``audio_seconds`` says otherwise; ``audio_samples`` (mono float32 at ``audio_rate``) adds
    that sound instead.
    """
    path = Path(path)
    if times is None:
        if duration is None:
            raise ValueError("give duration or times")
        times = [i / fps for i in range(round(duration * fps))]
    time_base = Fraction(1, 90_000)
    container = av.open(str(path), mode="w")
    stream = container.add_stream(codec, rate=Fraction(fps).limit_denominator(1001))
    stream.width, stream.height, stream.pix_fmt = width, height, pixel_format
    stream.time_base = time_base
    stream.codec_context.time_base = time_base
    if codec in ("libx264", "libx265"):
        stream.options = {"crf": str(crf), "preset": preset}
    if rotation:
        stream.set_display_rotation(rotation)
    if audio_tone_hz is not None:
        length = audio_seconds if audio_seconds is not None else times[-1] + 1 / fps
        audio_samples, audio_rate = tone(audio_tone_hz, length), AUDIO_RATE
    audio = None
    if audio_samples is not None:
        audio = container.add_stream("aac", rate=audio_rate, layout="mono")
    for t in times:
        image = render(t)
        if image.shape != (height, width, 3) or image.dtype != np.uint8:
            raise ValueError(f"render must return ({height}, {width}, 3) uint8, got {image.shape}")
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = round(t / time_base)
        frame.time_base = time_base
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    if audio is not None and audio_samples is not None:
        _encode_audio(container, audio, audio_samples, audio_rate)
    container.close()
    return path


def tone(frequency: float, seconds: float, rate: int = AUDIO_RATE) -> np.ndarray:
    """A sine tone at 0.3 of full scale."""
    t = np.arange(int(rate * seconds)) / rate
    return (np.sin(2 * np.pi * frequency * t) * 0.3).astype(np.float32)


def write_tone(path: str | Path, *, seconds: float, frequency: float = 440.0) -> Path:
    """An audio-only file: a mono sine tone."""
    return write_audio(path, tone(frequency, seconds), AUDIO_RATE)


def write_audio(path: str | Path, samples: np.ndarray, rate: int) -> Path:
    """An audio-only file of mono float32 ``samples``; the codec follows the suffix."""
    path = Path(path)
    try:
        codec = _AUDIO_CODECS[path.suffix.lower()]
    except KeyError:
        raise ValueError(
            f"no audio codec for {path.suffix!r}; use {sorted(_AUDIO_CODECS)}"
        ) from None
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        _encode_audio(container, stream, samples, rate)
    return path


def _encode_audio(
    container: av.container.OutputContainer,
    stream: av.audio.stream.AudioStream,
    samples: np.ndarray,
    rate: int,
) -> None:
    samples = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
    block = 1024
    for start in range(0, len(samples), block):
        chunk = samples[start : start + block][None, :]
        frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)


def solid(height: int, width: int, rgb: Sequence[int]) -> np.ndarray:
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[...] = np.asarray(rgb, dtype=np.uint8)
    return image


def square_wave_on(t: float, *, hz: float, start: float, end: float) -> bool | None:
    """Which half of a square wave at ``hz`` flashes per second is showing at ``t``.

    Returns True (first state), False (second state) inside [start, end), None outside.
    """
    if not start <= t < end:
        return None
    # A small epsilon keeps frame times that fall exactly on a half period on the right side.
    return int((t - start) * 2 * hz + 1e-6) % 2 == 0


def flash_render(
    *,
    width: int,
    height: int,
    hz: float,
    start: float,
    end: float,
    on: Sequence[int] = (255, 255, 255),
    off: Sequence[int] = (0, 0, 0),
    background: Sequence[int] = (128, 128, 128),
    region: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0),
    noise_sigma: float = 0.0,
    seed: int = 0,
) -> Render:
    """A rectangle (x, y, w, h as fractions) alternating ``on``/``off`` at ``hz`` flashes/s.

    Outside [start, end) the whole frame shows ``background``. ``noise_sigma`` adds Gaussian
    noise (in code values) to every frame, like a sensor.
    """
    x, y, w, h = region
    left, top = round(x * width), round(y * height)
    right, bottom = round((x + w) * width), round((y + h) * height)
    rng = np.random.default_rng(seed)
    base = solid(height, width, background)

    def render(t: float) -> np.ndarray:
        image = base.copy()
        state = square_wave_on(t, hz=hz, start=start, end=end)
        if state is not None:
            image[top:bottom, left:right] = on if state else off
        if noise_sigma:
            noise = rng.normal(0.0, noise_sigma, image.shape)
            image = np.clip(image + noise, 0, 255).astype(np.uint8)
        return image

    return render


def demo_render(
    width: int, height: int, captions: Sequence[tuple[float, float, Sequence[str]]] = ()
) -> Render:
    """The demo clip: a drifting gradient, 2 s of a 5 Hz flash over the middle third, and
    burned-in captions ``(start, end, lines)``."""

    def render(t: float) -> np.ndarray:
        image = gradient_backdrop(width, height, t)
        state = square_wave_on(t, hz=5, start=2.0, end=4.0)
        if state is not None:
            image[height // 3 : 2 * height // 3] = 255 if state else 0
        for start, end, lines in captions:
            if start <= t < end:
                image = draw_text(image, lines, top=0.78, size=max(12, width // 14))
        return image

    return render


DEMO_SPEECH = "Welcome to Haven. This clip flashes, so viewers get a warning first."
DEMO_CAPTIONS = ((0.5, 2.5, ("Stay safe online",)), (4.0, 6.0, ("Be kind in the comments",)))


def write_demo_clip(
    path: str | Path, *, width: int = 360, height: int = 640, duration: float = 6.0
) -> Path:
    """The sample of ``make demo``: a flash, burned-in captions, and speech (espeak-ng) if
    installed, else a tone."""
    from haven.media.speech_synth import espeak_available, speak

    speech: dict[str, object] = {"audio_tone_hz": 440.0}
    if espeak_available():
        samples, rate = speak(DEMO_SPEECH)
        lead = np.zeros(rate // 2, np.float32)
        speech = {"audio_samples": np.concatenate([lead, samples]), "audio_rate": rate}
    return write_video(
        path,
        demo_render(width, height, DEMO_CAPTIONS),
        width=width,
        height=height,
        fps=30,
        duration=duration,
        **speech,  # type: ignore[arg-type]
    )


# Fonts from Debian's fonts-dejavu-core (installed by scripts/install-system-deps.sh). When
# absent, Pillow's own scalable default font is used, so rendering never fails.
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _font(name: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if name is not None:
        candidate = Path(name) if Path(name).is_absolute() else DEJAVU_DIR / name
        if candidate.is_file():
            return ImageFont.truetype(str(candidate), size)
    return ImageFont.load_default(size=size)


def draw_text(
    image: np.ndarray,
    lines: Sequence[str],
    *,
    top: float = 0.75,
    size: int = 48,
    font: str | None = "DejaVuSans-Bold.ttf",
    fill: tuple[int, int, int] = (255, 255, 255),
    outline: tuple[int, int, int] | None = (0, 0, 0),
) -> np.ndarray:
    """``image`` with ``lines`` drawn centred from ``top`` (fraction of the height) down.

    The look of a burned-in caption: white letters with a dark outline, as editors make them.
    """
    canvas = Image.fromarray(image)
    pen = ImageDraw.Draw(canvas)
    face = _font(font, size)
    stroke = max(1, size // 16) if outline is not None else 0
    y = top * image.shape[0]
    for line in lines:
        left, upper, right, lower = pen.textbbox((0, 0), line, font=face, stroke_width=stroke)
        x = (image.shape[1] - (right - left)) / 2 - left
        pen.text(
            (x, y - upper),
            line,
            font=face,
            fill=fill,
            stroke_width=stroke,
            stroke_fill=outline,
        )
        y += (lower - upper) * 1.3
    return np.asarray(canvas)


def gradient_backdrop(width: int, height: int, t: float) -> np.ndarray:
    """A slowly drifting colour gradient: a calm, moving background."""
    rows = np.linspace(40, 200, height)[:, None]
    cols = np.linspace(0, 40, width)[None, :]
    shade = (rows + cols + 20 * np.sin(2 * np.pi * 0.25 * t)).clip(0, 255).astype(np.uint8)
    image = np.repeat(shade[..., None], 3, axis=2)
    image[..., 2] = (image[..., 2] * 0.8 + 40).astype(np.uint8)
    return image
