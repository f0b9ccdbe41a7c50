"""PDQ as Haven uses it: the robustness the issue asks for, on real photographs (scikit-image's
bundled ones) and generated pictures, and none of 200 unrelated pictures within distance 31."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw
from skimage import data

from haven.signals.hashes.pdq import (
    MATCH_DISTANCE,
    check_hex,
    dihedral,
    distance,
    pdq,
    trim_black_borders,
)

PHOTOS = {
    "astronaut": data.astronaut(),
    "coffee": data.coffee(),
    "chelsea": data.chelsea(),
    "rocket": data.rocket(),
    "motorcycle": data.stereo_motorcycle()[0],
}


def _jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("RGB"))


def _resize(rgb: np.ndarray, long_side: int) -> np.ndarray:
    height, width = rgb.shape[:2]
    scale = long_side / max(height, width)
    return np.asarray(Image.fromarray(rgb).resize((round(width * scale), round(height * scale))))


def _letterbox_9_16(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    tall = round(width * 16 / 9)
    out = np.zeros((tall, width, 3), np.uint8)
    top = (tall - height) // 2
    out[top : top + height] = rgb
    return out


def _closest(original: np.ndarray, copy: np.ndarray) -> int:
    """The distance a bank query sees: the copy's eight orientations against the original."""
    banked = pdq(original).hex
    return min(distance(banked, variant.hex) for variant in dihedral(copy))


@pytest.mark.parametrize("name", sorted(PHOTOS))
@pytest.mark.parametrize(
    "change",
    [
        lambda p: _jpeg(p, 30),
        lambda p: _resize(p, 360),
        lambda p: _jpeg(_resize(p, 360), 30),
        _letterbox_9_16,
        lambda p: p[:, ::-1],  # mirrored
        lambda p: _letterbox_9_16(p[:, ::-1]),
    ],
    ids=["jpeg30", "360p", "360p-jpeg30", "letterbox-9-16", "mirrored", "mirrored-letterboxed"],
)
def test_copies_stay_within_the_match_distance(name: str, change) -> None:  # type: ignore[no-untyped-def]
    photo = PHOTOS[name]
    assert _closest(photo, change(photo)) <= MATCH_DISTANCE


def _generated(seed: int) -> np.ndarray:
    """A picture of random shapes on a random gradient: unrelated to every other seed."""
    rng = np.random.default_rng(seed)
    width, height = 320, 240
    ramp = np.linspace(0, 1, width)[None, :, None] * rng.integers(0, 255, 3)[None, None, :]
    base = np.broadcast_to(ramp, (height, width, 3)).astype(np.uint8)
    picture = Image.fromarray(np.ascontiguousarray(base))
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x0, y0 = rng.integers(0, width), rng.integers(0, height)
        x1, y1 = x0 + rng.integers(20, 160), y0 + rng.integers(20, 120)
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    return np.asarray(picture)


def test_two_hundred_unrelated_pictures_do_not_match() -> None:
    banked = {name: pdq(photo).hex for name, photo in PHOTOS.items()}
    closest = min(
        distance(hash_, variant.hex)
        for seed in range(200)
        for variant in dihedral(_generated(seed))
        for hash_ in banked.values()
    )
    assert closest > MATCH_DISTANCE


def test_black_bars_are_trimmed_and_a_black_picture_is_kept() -> None:
    photo = PHOTOS["coffee"]
    boxed = _letterbox_9_16(photo)
    assert trim_black_borders(boxed).shape == photo.shape
    black = np.zeros((50, 60, 3), np.uint8)
    assert trim_black_borders(black).shape == black.shape


def test_hex_form() -> None:
    value = pdq(PHOTOS["rocket"]).hex
    assert len(value) == 64 and check_hex(value.upper()) == value
    with pytest.raises(ValueError, match="64 hex digits"):
        check_hex("xyz")
