"""Colour maths: linearisation, red measures and the shortcut that skips them."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from haven.media import MediaInfo
from haven.signals.photosensitivity.analyzer import PhotosensitivityAnalyzer
from haven.signals.photosensitivity.colour import linearisation_table, saturated_red


def test_srgb_linearisation_uses_the_wcag_threshold() -> None:
    lut = linearisation_table("srgb")
    assert lut[0] == 0 and lut[255] == pytest.approx(1.0)
    assert lut[10] == pytest.approx(10 / 255 / 12.92)  # 0.0392 <= 0.04045: linear segment
    assert lut[128] == pytest.approx(((128 / 255 + 0.055) / 1.055) ** 2.4, rel=1e-6)


@pytest.mark.parametrize("profile", ["phone", "broadcast"])
def test_red_shortcut_never_skips_a_saturated_red(profile: str) -> None:
    """Every code triple that is saturated red passes the cheap pre-check."""
    run = PhotosensitivityAnalyzer(profile).start(_info())
    r = np.arange(256)[:, None, None]
    g = np.arange(256)[None, :, None]
    b = np.arange(0, 256, 3)[None, None, :]
    shape = np.broadcast_shapes(r.shape, g.shape, b.shape)
    rgb = np.stack([np.broadcast_to(c, shape) for c in (r, g, b)], axis=-1).astype(np.uint8)
    rgb = rgb.reshape(256, -1, 3)
    saturated = saturated_red(run.lut[rgb])
    limit = run.red_partner_limit[rgb[..., 0]]
    passes = (rgb[..., 1] <= limit) & (rgb[..., 2] <= limit) & (rgb[..., 0] > 0)
    assert saturated.any()
    assert not (saturated & ~passes).any()
    assert passes.mean() < 0.15  # and it does skip most colours


def _info() -> MediaInfo:
    return MediaInfo(
        path=Path("x"),
        container="mp4",
        video_codec="h264",
        coded_width=16,
        coded_height=16,
        display_width=16,
        display_height=16,
        rotation=0,
        pixel_format="yuv420p",
        bit_depth=8,
        time_base=Fraction(1, 30),
        average_frame_rate=30.0,
        declared_duration=1.0,
        has_audio=False,
    )
