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

Render = Callable[[float], np.ndarray]


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
    preset: str = "veryfast",
) -> Path:
    """Encode ``render(t)`` (an (H, W, 3) uint8 RGB array) at each frame time.

    Frame times are ``i / fps`` up to ``duration``, or exactly ``times`` (variable frame rate).
    ``rotation`` stores a display rotation (degrees counter-clockwise) in the stream, as phones
    do. ``audio_tone_hz`` adds a mono AAC sine tone, as long as the video unless
    ``audio_seconds`` says otherwise.
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
    audio = None
    if audio_tone_hz is not None:
        audio = container.add_stream("aac", rate=48_000, layout="mono")
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
    if audio is not None:
        length = audio_seconds if audio_seconds is not None else times[-1] + 1 / fps
        _write_tone(container, audio, audio_tone_hz, length)
    container.close()
    return path


def write_tone(path: str | Path, *, seconds: float, frequency: float = 440.0) -> Path:
    """An audio-only file: a mono AAC sine tone."""
    path = Path(path)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("aac", rate=48_000, layout="mono")
        _write_tone(container, stream, frequency, seconds)
    return path


def _write_tone(
    container: av.container.OutputContainer,
    stream: av.audio.stream.AudioStream,
    frequency: float,
    seconds: float,
) -> None:
    rate = 48_000
    samples = np.sin(2 * np.pi * frequency * np.arange(int(rate * seconds)) / rate) * 0.3
    block = 1024
    for start in range(0, len(samples), block):
        chunk = samples[start : start + block].astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
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


def demo_render(width: int, height: int) -> Render:
    """The demo clip: a drifting gradient, then 2 s of a 5 Hz flash over the middle third."""
    rows = np.linspace(40, 200, height)[:, None]
    cols = np.linspace(0, 40, width)[None, :]

    def render(t: float) -> np.ndarray:
        shade = (rows + cols + 20 * np.sin(2 * np.pi * 0.25 * t)).clip(0, 255).astype(np.uint8)
        image = np.repeat(shade[..., None], 3, axis=2)
        image[..., 2] = (image[..., 2] * 0.8 + 40).astype(np.uint8)
        state = square_wave_on(t, hz=5, start=2.0, end=4.0)
        if state is not None:
            image[height // 3 : 2 * height // 3] = 255 if state else 0
        return image

    return render


def write_demo_clip(
    path: str | Path, *, width: int = 360, height: int = 640, duration: float = 6.0
) -> Path:
    return write_video(
        path,
        demo_render(width, height),
        width=width,
        height=height,
        fps=30,
        duration=duration,
        audio_tone_hz=440.0,
    )
