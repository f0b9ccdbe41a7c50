"""PDQ hashes of single pictures: black borders trimmed, the picture scaled down, the 256-bit
hash as 64 hex digits in ThreatExchange's order (pdqhash's vector from its first element, the
highest bit, as the C++ reference prints it), and the eight dihedral variants (rotations and
mirror images).

PDQ itself comes from the ``pdqhash`` package (Meta's reference C++ behind Cython). What is
added here is what the reference's measurements ask for: letterboxed uploads hash 130 bits away
from the original unless their bars are trimmed; a mirrored upload needs the dihedral variants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pdqhash
from PIL import Image

HASH_BITS = 256
HASH_BYTES = HASH_BITS // 8
MATCH_DISTANCE = 31  # the usual PDQ threshold (ThreatExchange, HMA)
MIN_QUALITY = 50  # PDQ's own advice: hashes of flat or featureless pictures are unreliable
MAX_SIDE = 512  # hashing at <= 512 px changes a 1080p hash by about 8 bits and is 30x faster
BORDER_LEVEL = 24  # a row or column darker than this (0-255) throughout is a black bar
BORDER_SPREAD = 12  # ...and nearly uniform: its pixels differ by less than this


@dataclass(frozen=True)
class PdqHash:
    hex: str  # 64 lower-case hex digits
    quality: int  # 0-100

    @property
    def code(self) -> np.ndarray:
        """The 32 bytes FAISS binary indexes take, shape (32,), uint8."""
        return np.frombuffer(bytes.fromhex(self.hex), dtype=np.uint8)


def hex_of_bits(bits: np.ndarray) -> str:
    return np.packbits(bits.astype(np.uint8)).tobytes().hex()


def check_hex(value: str) -> str:
    """A PDQ hash as stored in banks: 64 hex digits (upper or lower case accepted)."""
    text = value.strip().lower()
    if len(text) != HASH_BITS // 4 or any(c not in "0123456789abcdef" for c in text):
        raise ValueError(f"{value!r} is not a PDQ hash (64 hex digits)")
    return text


def distance(a: str, b: str) -> int:
    """Hamming distance between two hex PDQ hashes (0-256)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def trim_black_borders(rgb: np.ndarray) -> np.ndarray:
    """The picture without the black bars of a letterbox or pillarbox.

    ``rgb``: (H, W, 3) uint8. Rows and columns at the edges that are dark and nearly uniform are
    dropped; a picture that is all dark is returned as it is.
    """
    grey = rgb.max(axis=2)
    dark_rows = (grey.max(axis=1) < BORDER_LEVEL) & (np.ptp(grey, axis=1) < BORDER_SPREAD)
    dark_cols = (grey.max(axis=0) < BORDER_LEVEL) & (np.ptp(grey, axis=0) < BORDER_SPREAD)
    rows = np.flatnonzero(~dark_rows)
    cols = np.flatnonzero(~dark_cols)
    if rows.size == 0 or cols.size == 0:
        return rgb
    return rgb[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def prepared(rgb: np.ndarray) -> np.ndarray:
    """What PDQ hashes: the picture without black bars, at most ``MAX_SIDE`` pixels."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 picture, got {rgb.shape} {rgb.dtype}")
    trimmed = trim_black_borders(rgb)
    height, width = trimmed.shape[:2]
    scale = MAX_SIDE / max(height, width)
    if scale < 1:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        trimmed = np.asarray(Image.fromarray(trimmed).resize(size, Image.Resampling.BILINEAR))
    return np.ascontiguousarray(trimmed)


def pdq(rgb: np.ndarray) -> PdqHash:
    """The PDQ hash of a picture, (H, W, 3) uint8 RGB, after trimming black bars."""
    bits, quality = pdqhash.compute(prepared(rgb))
    return PdqHash(hex_of_bits(bits), int(quality))


def dihedral(rgb: np.ndarray) -> list[PdqHash]:
    """The hashes of the picture and of its seven rotations and mirror images, in pdqhash's
    order (original, rotated 90, 180, 270, flipped vertically, horizontally, and the two
    diagonal flips). A mirrored re-upload matches one of them."""
    vectors, quality = pdqhash.compute_dihedral(prepared(rgb))
    return [PdqHash(hex_of_bits(v), int(quality)) for v in vectors]


def image_rgb(path: str) -> np.ndarray:
    """A picture file as (H, W, 3) uint8 RGB (PNG, JPEG, WebP, BMP, TIFF, GIF's first frame)."""
    with Image.open(path) as picture:
        return np.asarray(picture.convert("RGB"))
