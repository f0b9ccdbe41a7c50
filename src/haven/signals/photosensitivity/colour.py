"""Colour maths for flash analysis: linear light, relative luminance, red measures.

All functions take and return numpy arrays. "Linear RGB" is float32 in [0, 1], shape (H, W, 3).
"""

from __future__ import annotations

import numpy as np

# Rec. 709 / sRGB primaries, D65 white (WCAG 2.2 relative luminance, IEC 61966-2-1).
LUMINANCE_WEIGHTS = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
# sRGB (linear) to CIE XYZ, D65 (WCAG 2.2 red-flash note, ISO 9241-391).
RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ],
    dtype=np.float32,
)
# u'v' of the D65 white point, used for black, whose chromaticity is undefined.
D65_UV = np.array([0.1978, 0.4683], dtype=np.float32)


def linearisation_table(transfer: str) -> np.ndarray:
    """Linear value of each 8-bit code, shape (256,) float32.

    ``srgb``: IEC 61966-2-1 with WCAG 2.2's 0.04045 threshold. ``bt1886``: the BT.1886 display
    with black at 0, i.e. V ** 2.4, so 1.0 is the 200 cd/m2 reference white of BT.1702.
    """
    code = np.arange(256, dtype=np.float64) / 255.0
    if transfer == "srgb":
        linear = np.where(code <= 0.04045, code / 12.92, ((code + 0.055) / 1.055) ** 2.4)
    elif transfer == "bt1886":
        linear = code**2.4
    else:
        raise ValueError(f"unknown transfer {transfer!r}")
    return linear.astype(np.float32)


def relative_luminance(linear_rgb: np.ndarray) -> np.ndarray:
    """(H, W, 3) linear RGB -> (H, W) relative luminance in [0, 1]."""
    return linear_rgb @ LUMINANCE_WEIGHTS


def saturated_red(linear_rgb: np.ndarray, *, saturation: float = 0.8) -> np.ndarray:
    """(H, W) bool: R / (R + G + B) >= ``saturation`` on linear values (and R > 0)."""
    r = linear_rgb[..., 0]
    rest = linear_rgb[..., 1] + linear_rgb[..., 2]
    # R / (R+G+B) >= s  <=>  R * (1 - s) >= s * (G + B), without dividing by zero.
    return (r * (1.0 - saturation) >= saturation * rest) & (r > 0)


def legacy_red_metric(linear_rgb: np.ndarray, saturated: np.ndarray) -> np.ndarray:
    """(H, W) float32: (R - G - B) x 320 where saturated red, else 0 (Harding & Binnie 2002)."""
    r, g, b = linear_rgb[..., 0], linear_rgb[..., 1], linear_rgb[..., 2]
    return np.where(saturated, (r - g - b) * 320.0, 0.0).astype(np.float32, copy=False)


def chromaticity_uv(linear_rgb: np.ndarray) -> np.ndarray:
    """(H, W, 3) linear RGB -> (H, W, 2) CIE 1976 u'v'; black maps to the D65 white point."""
    xyz = linear_rgb @ RGB_TO_XYZ.T
    x, y, z = xyz[..., 0], xyz[..., 1], xyz[..., 2]
    denominator = x + 15.0 * y + 3.0 * z
    dark = denominator < 1e-6
    safe = np.where(dark, 1.0, denominator)
    uv = np.stack((4.0 * x / safe, 9.0 * y / safe), axis=-1)
    uv[dark] = D65_UV
    return uv


# Distances are compared with this slack so that values equal to a threshold up to float32
# rounding are treated as equal, as the standards' "more than" intends.
UV_DISTANCE_EPSILON = 1e-6
