"""Known photosensitivity cases, end to end: generated clip -> decode -> analyzer -> report.

Each case is a small generated clip (helpers in conftest) judged under the shipped profiles.
Segment times are checked against the frames that showed the first and last transitions of the
generated flash, within one frame period.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from haven.media.synth import Render, flash_render, solid, srgb_code

from .conftest import (
    BLACK,
    GREY,
    HEIGHT,
    PROFILES,
    RED,
    WHITE,
    WIDTH,
    Clip,
    ClipCache,
    analyse_report,
    assert_box,
    assert_near,
    assert_offset,
    assert_onset,
    assert_timing,
    assert_webvtt,
    box_area,
    flash_clip,
    grey_pair_for,
    only_segment,
    pixel_box,
    regions_render,
    report_for,
    segments_of,
    write_clip,
)


def centred_square(area: float) -> tuple[float, float, float, float]:
    side = math.sqrt(area)
    return ((1 - side) / 2, (1 - side) / 2, side, side)


def judge(clip: Clip, profile: str, **options: bool) -> dict[str, Any]:
    """The report, after the checks every report must pass."""
    report = report_for(clip.path, profile, **options)
    assert report["verdict"] in ("pass", "warning", "fail")
    assert_webvtt(report)
    if report["verdict"] == "pass":
        assert report["segments"] == []
    return report


def assert_passes(report: dict[str, Any]) -> None:
    assert report["verdict"] == "pass", report["segments"]
    assert report["segments"] == []


def expected_box(region: tuple[float, float, float, float]) -> dict[str, float]:
    top, left, bottom, right = pixel_box(region, WIDTH, HEIGHT)
    return {
        "x": left / WIDTH,
        "y": top / HEIGHT,
        "width": (right - left) / WIDTH,
        "height": (bottom - top) / HEIGHT,
    }


FULL = {"x": 0.0, "y": 0.0, "width": 1.0, "height": 1.0}


# -- full-screen flashes --------------------------------------------------------------------


@pytest.mark.parametrize("fps", [30, 60])
@pytest.mark.parametrize("profile", PROFILES)
def test_full_screen_black_white_5hz_fails(clips: ClipCache, profile: str, fps: int) -> None:
    clip = clips.get(
        f"bw5-{fps}",
        lambda p: flash_clip(p, fps=fps, hz=5, start=0.5, end=2.5, on=WHITE, off=BLACK),
    )
    report = judge(clip, profile)
    assert report["verdict"] == "fail"
    segment = only_segment(report, "luminance")
    assert segments_of(report, "red") == []
    assert_timing(segment, clip)
    assert segment["peak_flashes_per_second"] == pytest.approx(5.0, abs=0.5)
    assert segment["peak_area_fraction"] == pytest.approx(1.0, abs=0.01)
    assert_box(segment, FULL, report)
    assert not segment["loop_seam"]
    rates = [row["luminance_flashes_per_second"] for row in report["timeline"]]
    assert max(rates) == pytest.approx(5.0, abs=0.5)


@pytest.mark.parametrize("profile", PROFILES)
def test_full_screen_red_black_4hz_fails_as_luminance_and_red(
    clips: ClipCache, profile: str
) -> None:
    clip = clips.get(
        "red-black-4",
        lambda p: flash_clip(p, hz=4, start=0.5, end=2.5, on=RED, off=BLACK, background=BLACK),
    )
    report = judge(clip, profile)
    assert report["verdict"] == "fail"
    for kind in ("luminance", "red"):
        segment = only_segment(report, kind)
        assert_timing(segment, clip)
        assert segment["peak_flashes_per_second"] == pytest.approx(4.0, abs=0.5)
        assert_box(segment, FULL, report)


@pytest.mark.parametrize("profile", PROFILES)
def test_red_and_isoluminant_grey_4hz_fails_as_red_only(clips: ClipCache, profile: str) -> None:
    grey = srgb_code(0.2126)  # relative luminance of pure red
    clip = clips.get(
        "red-grey-4",
        lambda p: flash_clip(
            p, hz=4, start=0.5, end=2.5, on=RED, off=(grey,) * 3, background=(grey,) * 3
        ),
    )
    report = judge(clip, profile)
    assert report["verdict"] == "fail"
    assert segments_of(report, "luminance") == []
    segment = only_segment(report, "red")
    assert_timing(segment, clip)
    assert_box(segment, FULL, report)


@pytest.mark.parametrize("profile", PROFILES)
def test_top_and_bottom_halves_in_counter_phase_fail(clips: ClipCache, profile: str) -> None:
    """The mean luminance hardly moves, but every pixel flashes at 5 Hz."""
    render = regions_render(
        hz=5, start=0.5, end=2.5, regions=[((0, 0, 1, 0.5), True), ((0, 0.5, 1, 0.5), False)]
    )
    clip = clips.get("counter-phase", lambda p: write_clip(p, render))
    report = judge(clip, profile)
    assert report["verdict"] == "fail"
    segment = only_segment(report, "luminance")
    assert_timing(segment, clip)
    assert segment["peak_area_fraction"] == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("profile", PROFILES)
def test_full_screen_2_5hz_for_6s_is_not_a_failure(clips: ClipCache, profile: str) -> None:
    """Five transitions a second are within the limit; a sustained run may earn a warning."""
    clip = clips.get(
        "slow-2.5",
        lambda p: flash_clip(p, width=136, height=240, duration=7.0, hz=2.5, start=0.5, end=6.5),
    )
    report = judge(clip, profile)
    assert report["verdict"] in ("pass", "warning")
    assert segments_of(report, severity="fail") == []
    for segment in report["segments"]:
        assert (segment["kind"], segment["severity"]) == ("luminance", "warning")
        assert_timing(segment, clip)


# -- partial areas --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "verdict"), [("broadcast", "pass"), ("phone", "fail"), ("wcag", "fail")]
)
def test_10_percent_area_5hz_on_grey(clips: ClipCache, profile: str, verdict: str) -> None:
    region = centred_square(0.10)
    clip = clips.get("area-10", lambda p: flash_clip(p, hz=5, start=0.5, end=2.5, region=region))
    report = judge(clip, profile)
    assert report["verdict"] == verdict
    if verdict == "fail":
        segment = only_segment(report, "luminance")
        assert_timing(segment, clip)
        assert segment["peak_area_fraction"] == pytest.approx(box_area(region), abs=0.01)
        assert segment["peak_window_fraction"] > 0.25
        assert_box(segment, expected_box(region), report)


@pytest.mark.parametrize("noise", [0.0, 3.0], ids=["clean", "noisy"])
@pytest.mark.parametrize(
    ("profile", "verdict"), [("broadcast", "pass"), ("phone", "fail"), ("wcag", "fail")]
)
def test_20_percent_area_5hz(clips: ClipCache, profile: str, verdict: str, noise: float) -> None:
    region = centred_square(0.20)
    clip = clips.get(
        f"area-20-{noise}",
        lambda p: flash_clip(p, hz=5, start=0.5, end=2.5, region=region, noise_sigma=noise),
    )
    report = judge(clip, profile)
    assert report["verdict"] == verdict
    if verdict == "fail":
        segment = only_segment(report, "luminance")
        assert segment["peak_area_fraction"] == pytest.approx(box_area(region), abs=0.01)
        assert_box(segment, expected_box(region), report)
        if not noise:
            assert_timing(segment, clip)
        else:
            # Noise can carry an edge pixel's last step over the threshold a frame or so late.
            assert_near(segment["start"], clip.onset, clip.period, "segment start")
            assert clip.offset - clip.period <= segment["end"] <= clip.offset + 0.2


@pytest.mark.parametrize(("area", "verdict"), [(0.22, "pass"), (0.28, "fail")])
def test_broadcast_area_limit(clips: ClipCache, area: float, verdict: str) -> None:
    region = (0.0, 0.3, 1.0, area)
    assert (box_area(region) > 0.25) == (verdict == "fail")
    clip = clips.get(
        f"band-{area}", lambda p: flash_clip(p, hz=5, start=0.5, end=2.5, region=region)
    )
    report = judge(clip, "broadcast")
    assert report["verdict"] == verdict
    if verdict == "fail":
        segment = only_segment(report, "luminance")
        assert_timing(segment, clip)
        assert segment["peak_area_fraction"] == pytest.approx(box_area(region), abs=0.01)
        assert_box(segment, expected_box(region), report)


@pytest.mark.parametrize(
    ("area", "change", "verdict"),
    [(0.27, 0.11, "fail"), (0.27, 0.09, "pass"), (0.23, 0.11, "pass")],
)
def test_broadcast_small_change_over_a_quarter_of_the_screen(
    clips: ClipCache, area: float, change: float, verdict: str
) -> None:
    """A 0.11 change (BT.1886 luminance) over 27 % of the screen is caught; 0.09 or 23 % is not."""
    dark, bright, actual = grey_pair_for("bt1886", 0.30, change)
    assert (actual >= 0.10) == (change > 0.10)
    region = (0.0, 0.3, 1.0, area)
    clip = clips.get(
        f"broadcast-{area}-{change}",
        lambda p: flash_clip(
            p,
            hz=5,
            start=0.5,
            end=2.5,
            region=region,
            on=(bright,) * 3,
            off=(dark,) * 3,
            background=(dark,) * 3,
        ),
    )
    report = judge(clip, "broadcast")
    assert report["verdict"] == verdict
    if verdict == "fail":
        segment = only_segment(report, "luminance")
        assert_timing(segment, clip)
        assert segment["peak_area_fraction"] == pytest.approx(box_area(region), abs=0.01)


# Two regions that flash in sync: each alone stays under the profile's area limit, together
# they exceed it (broadcast: 15 % + 15 % of the screen; phone: 5 % + 5 %, side by side in one
# visual-field window, which is about 27 % of a 9:16 phone screen).
SYNC_CASES = {
    "broadcast": [(0.0, 0.10, 1.0, 0.15), (0.0, 0.60, 1.0, 0.15)],
    "phone": [(0.10, 0.40, 0.20, 0.25), (0.60, 0.40, 0.20, 0.25)],
}


@pytest.mark.parametrize("profile", sorted(SYNC_CASES))
@pytest.mark.parametrize("count", [1, 2], ids=["one-area", "two-areas"])
def test_areas_flashing_in_sync_add_up(clips: ClipCache, profile: str, count: int) -> None:
    regions = SYNC_CASES[profile][:count]
    render = regions_render(hz=5, start=0.5, end=2.5, regions=[(r, True) for r in regions])
    clip = clips.get(f"sync-{profile}-{count}", lambda p: write_clip(p, render))
    report = judge(clip, profile)
    if count == 1:
        assert_passes(report)
        return
    assert report["verdict"] == "fail"
    segment = only_segment(report, "luminance")
    assert_timing(segment, clip)
    total = sum(box_area(r) for r in regions)
    assert segment["peak_area_fraction"] == pytest.approx(total, abs=0.01)
    # The box spans both areas.
    first, second = (expected_box(r) for r in regions)
    left = min(first["x"], second["x"])
    top = min(first["y"], second["y"])
    right = max(first["x"] + first["width"], second["x"] + second["width"])
    bottom = max(first["y"] + first["height"], second["y"] + second["height"])
    assert_box(
        segment, {"x": left, "y": top, "width": right - left, "height": bottom - top}, report
    )


# -- thresholds -----------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "verdict"), [(0.09, "pass"), (0.11, "fail")])
@pytest.mark.parametrize("profile", ["phone", "wcag"])
def test_luminance_change_threshold(
    clips: ClipCache, profile: str, change: float, verdict: str
) -> None:
    """Full-screen 5 Hz between two greys (sRGB linear, darker one < 0.8) 0.09 or 0.11 apart."""
    dark, bright, actual = grey_pair_for("srgb", 0.30, change)
    assert (dark, bright) == (srgb_code(0.30), srgb_code(0.30 + change))
    assert abs(actual - change) < 0.005
    clip = clips.get(
        f"greys-{change}",
        lambda p: flash_clip(
            p, hz=5, start=0.5, end=2.5, on=(bright,) * 3, off=(dark,) * 3, background=(dark,) * 3
        ),
    )
    report = judge(clip, profile)
    assert report["verdict"] == verdict
    if verdict == "fail":
        assert_timing(only_segment(report, "luminance"), clip)


@pytest.mark.parametrize(("hz", "verdict"), [(3, "pass"), (4, "fail")])
@pytest.mark.parametrize("profile", PROFILES)
def test_flash_rate_threshold(clips: ClipCache, profile: str, hz: int, verdict: str) -> None:
    """Three flashes a second (6 transitions) are allowed; four are not."""
    clip = clips.get(f"rate-{hz}", lambda p: flash_clip(p, duration=4.0, hz=hz, start=0.5, end=3.5))
    report = judge(clip, profile)
    assert report["verdict"] == verdict
    if verdict == "fail":
        segment = only_segment(report, "luminance")
        assert_timing(segment, clip)
        assert segment["peak_flashes_per_second"] == pytest.approx(4.0, abs=0.5)


@pytest.mark.parametrize("profile", PROFILES)
def test_seven_transitions_in_one_second_fail(clips: ClipCache, profile: str) -> None:
    """A single 0.6 s burst: grey->white, five alternations, ->grey at 2.1 s = 7 transitions."""
    clip = clips.get("burst-7", lambda p: flash_clip(p, hz=5, start=1.5, end=2.1))
    assert len(clip.changes) == 7
    report = judge(clip, profile)
    assert report["verdict"] == "fail"
    assert_timing(only_segment(report, "luminance"), clip)


@pytest.mark.parametrize("profile", PROFILES)
def test_still_noise_passes(clips: ClipCache, profile: str) -> None:
    noise = flash_render(width=WIDTH, height=HEIGHT, hz=5, start=99.0, end=100.0, noise_sigma=3)
    clip = clips.get("noise", lambda p: write_clip(p, noise, duration=2.0))
    assert_passes(judge(clip, profile))


# -- patterns and calm motion ---------------------------------------------------------------


def stripes(width: int, height: int, stripe: int, share: float = 0.5) -> np.ndarray:
    """Vertical black/white stripes ``stripe`` px wide over the middle ``share`` of the height."""
    image = solid(height, width, GREY)
    top, bottom = round(height * (1 - share) / 2), round(height * (1 + share) / 2)
    light = (np.arange(width) // stripe) % 2 == 0
    image[top:bottom] = np.where(light[None, :, None], 255, 0).astype(np.uint8)
    return image


@pytest.mark.parametrize(
    ("profile", "verdict"), [("broadcast", "fail"), ("phone", "fail"), ("wcag", "pass")]
)
def test_static_stripes_over_half_the_screen(clips: ClipCache, profile: str, verdict: str) -> None:
    """12-px stripes on a 1080-wide frame are 3 px at 270 wide (the pattern view's own scale)."""
    image = stripes(WIDTH, HEIGHT, 3)
    clip = clips.get("stripes", lambda p: write_clip(p, lambda t: image, duration=2.0))
    report = judge(clip, profile)
    assert report["verdict"] == verdict
    assert segments_of(report, "luminance") == segments_of(report, "red") == []
    if verdict == "fail":
        segment = only_segment(report, "pattern")
        assert segment["start"] == pytest.approx(0.0, abs=0.1)
        assert segment["end"] == pytest.approx(2.0, abs=0.1)
        assert segment["details"]["light_dark_pairs"] >= 6
        assert not segment["details"]["moving"]
        # The band covers the middle half of the height (to within a 32-px analysis cell).
        box = segment["bounding_box"]
        assert box["y"] == pytest.approx(0.25, abs=32 / HEIGHT)
        assert box["y"] + box["height"] == pytest.approx(0.75, abs=32 / HEIGHT)
    if profile == "broadcast":
        assert_passes(judge(clip, profile, patterns=False))


def panning_gradient(width: int = WIDTH, height: int = HEIGHT) -> Render:
    """A smooth ramp panning 40 px/s, its light swelling +-5 % once a second."""
    x = np.arange(width, dtype=np.float64)[None, :]
    y = np.arange(height, dtype=np.float64)[:, None]

    def render(t: float) -> np.ndarray:
        ramp = 0.05 + 0.55 * (x + 40.0 * t) / (3.0 * width) + 0.1 * y / height
        linear = np.clip(ramp * (1 + 0.05 * np.sin(2 * np.pi * t)), 0.0, 1.0)
        code = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
        grey = np.round(code * 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2)

    return render


@pytest.mark.parametrize("profile", PROFILES)
def test_panning_gradient_with_slow_swell_passes(clips: ClipCache, profile: str) -> None:
    clip = clips.get("gradient", lambda p: write_clip(p, panning_gradient()))
    assert_passes(judge(clip, profile))


# -- media variety --------------------------------------------------------------------------


def uneven_times(duration: float) -> list[float]:
    """Frame times with gaps of 22-50 ms in a repeating uneven cycle (90 kHz ticks)."""
    gaps = [1 / 30, 1 / 20, 1 / 45, 1 / 25]
    times = [0.0]
    while times[-1] + gaps[len(times) % 4] < duration:
        times.append(times[-1] + gaps[len(times) % 4])
    return [round(t * 90_000) / 90_000 for t in times]


@pytest.mark.parametrize("profile", PROFILES)
def test_variable_frame_rate_keeps_segment_times(clips: ClipCache, profile: str) -> None:
    clip = clips.get(
        "vfr", lambda p: flash_clip(p, times=uneven_times(3.0), hz=5, start=0.5, end=2.5)
    )
    info, report = analyse_report(clip.path, profile)
    assert info.variable_frame_rate
    assert report["verdict"] == "fail"
    assert_webvtt(report)
    # Onset and offset fall between frames here: they show at the next frame.
    assert clip.onset == clip.shown_at(0.5) > 0.5
    assert clip.offset == clip.shown_at(2.5) > 2.5
    assert_timing(only_segment(report, "luminance"), clip)


@pytest.mark.parametrize("profile", PROFILES)
def test_10_bit_clip(clips: ClipCache, profile: str) -> None:
    clip = clips.get(
        "10-bit",
        lambda p: flash_clip(p, hz=5, start=0.5, end=2.5, video={"pixel_format": "yuv420p10le"}),
    )
    info, report = analyse_report(clip.path, profile)
    assert info.bit_depth == 10
    assert report["verdict"] == "fail"
    assert_webvtt(report)
    segment = only_segment(report, "luminance")
    assert_timing(segment, clip)
    assert_box(segment, FULL, report)


@pytest.mark.parametrize(
    ("rotation", "displayed_y"),
    # FFmpeg's angle is counter-clockwise: turning the stored picture a quarter to the left
    # takes its left edge to the bottom (+90), a quarter to the right takes it to the top (-90).
    [(90, 2 / 3), (-90, 0.0)],
)
def test_rotated_clip_box_is_on_the_displayed_picture(
    clips: ClipCache, rotation: int, displayed_y: float
) -> None:
    """Stored 480x270 landscape with the left third flashing; displayed 270x480 portrait."""
    clip = clips.get(
        f"rotated{rotation}",
        lambda p: flash_clip(
            p,
            width=480,
            height=270,
            hz=5,
            start=0.5,
            end=2.5,
            region=(0.0, 0.0, 1 / 3, 1.0),
            video={"rotation": rotation},
        ),
    )
    info, report = analyse_report(clip.path, "phone")
    assert info.rotation == rotation % 360
    assert (info.display_width, info.display_height) == (270, 480)
    size = report["analysis_size"]
    assert size["width"] / size["height"] == pytest.approx(270 / 480, abs=0.02)
    assert report["verdict"] == "fail"
    assert_webvtt(report)
    segment = only_segment(report, "luminance")
    assert_timing(segment, clip)
    assert_box(segment, {"x": 0.0, "y": displayed_y, "width": 1.0, "height": 1 / 3}, report)


def letterboxed(content_height: int = 152) -> tuple[Render, tuple[float, float, float, float]]:
    """A 16:9 picture in the 270x480 frame, black bars above and below; the picture flashes."""
    bar = (HEIGHT - content_height) // 2
    region = (0.0, bar / HEIGHT, 1.0, content_height / HEIGHT)
    flash = flash_render(width=WIDTH, height=HEIGHT, hz=5, start=0.5, end=2.5, region=region)

    def render(t: float) -> np.ndarray:
        image = flash(t)
        image[:bar] = 0
        image[HEIGHT - bar :] = 0
        return image

    return render, region


@pytest.mark.parametrize("profile", PROFILES)
def test_letterboxed_clip(clips: ClipCache, profile: str) -> None:
    render, region = letterboxed()
    clip = clips.get("letterbox", lambda p: write_clip(p, render))
    report = judge(clip, profile)
    assert report["verdict"] == "fail"
    segment = only_segment(report, "luminance")
    assert_timing(segment, clip)
    assert segment["peak_area_fraction"] == pytest.approx(box_area(region), abs=0.01)
    assert_box(segment, expected_box(region), report)


# -- loop seam ------------------------------------------------------------------------------


def seam_clip(path: Path) -> Clip:
    """3 s: 5 Hz flashing in the first 0.6 s and the last 0.6 s only, grey between.

    Each end alone has 6 transitions in a second (allowed); played in a loop, the two ends
    make one 1.2 s run at 5 Hz across the seam.
    """
    first = flash_render(width=WIDTH, height=HEIGHT, hz=5, start=0.0, end=0.6)
    last = flash_render(width=WIDTH, height=HEIGHT, hz=5, start=2.4, end=3.0)
    return write_clip(path, lambda t: first(t) if t < 1.5 else last(t), duration=3.0)


@pytest.mark.parametrize("profile", PROFILES)
def test_loop_seam_flash(clips: ClipCache, profile: str) -> None:
    clip = clips.get("seam", seam_clip)
    assert_passes(judge(clip, profile, loop=False))
    report = judge(clip, profile, loop=True)
    assert report["verdict"] == "fail"
    segment = only_segment(report, "luminance")
    assert segment["loop_seam"]
    seam = clip.times[-1] + clip.period
    assert segment["start"] < seam < segment["end"]
    # The run ends with the replayed first 0.6 s: its last transition is at seam + 0.6.
    assert_offset(segment, seam + clip.shown_at(0.6), clip.period)


# -- known bugs -----------------------------------------------------------------------------


def test_flash_ending_before_the_seam_is_not_a_seam_hazard(clips: ClipCache) -> None:
    """4 s, grey, 5 Hz from 1.0 s to 3.7 s: the loop joins still grey to still grey."""
    clip = clips.get("late-flash", lambda p: flash_clip(p, duration=4.0, hz=5, start=1.0, end=3.7))
    linear = judge(clip, "phone", loop=False)
    looped = judge(clip, "phone", loop=True)
    assert linear["verdict"] == looped["verdict"] == "fail"
    assert_timing(only_segment(linear, "luminance"), clip)
    assert [s for s in looped["segments"] if s["loop_seam"]] == []
    assert looped["segments"] == linear["segments"]


def two_bursts(path: Path) -> Clip:
    """5 Hz from 0.3 to 0.9 s (its last transition black->grey, a rise), then from 1.7 to 2.7 s
    (its first transition grey->white, another rise, 0.8 s later)."""
    first = flash_render(width=WIDTH, height=HEIGHT, hz=5, start=0.3, end=0.9)
    second = flash_render(width=WIDTH, height=HEIGHT, hz=5, start=1.7, end=2.7)
    return write_clip(path, lambda t: first(t) if t < 1.3 else second(t), duration=3.0)


def test_second_burst_starts_at_its_first_transition(clips: ClipCache) -> None:
    clip = clips.get("two-bursts", two_bursts)
    report = judge(clip, "phone", loop=False)
    assert report["verdict"] == "fail"
    first, second = segments_of(report, "luminance", "fail")
    assert_onset(first, 0.3, clip.period)
    assert_offset(first, 0.9, clip.period)
    assert_onset(second, clip.shown_at(1.7), clip.period)
    assert_offset(second, clip.shown_at(2.7), clip.period)


def test_loop_seam_segment_starts_at_the_runs_first_transition(clips: ClipCache) -> None:
    clip = clips.get("seam", seam_clip)
    segment = only_segment(judge(clip, "phone", loop=True), "luminance")
    assert_onset(segment, clip.shown_at(2.4), clip.period)


@pytest.mark.parametrize("profile", PROFILES)
def test_burst_after_a_cut_from_black_still_fails(clips: ClipCache, profile: str) -> None:
    """The 7-transition burst of test_seven_transitions_in_one_second_fail, after 0.3 s of black."""
    burst = flash_render(width=WIDTH, height=HEIGHT, hz=5, start=1.5, end=2.1)

    def render(t: float) -> np.ndarray:
        return solid(HEIGHT, WIDTH, BLACK) if t < 0.3 else burst(t)

    clip = clips.get("cut-burst-7", lambda p: write_clip(p, render))
    report = judge(clip, profile)
    assert report["verdict"] == "fail"
    # The cut at 0.3 s is a transition too, but more than a second before the burst: the
    # offending run starts with the burst's first transition and ends with its last.
    segment = only_segment(report, "luminance")
    assert_onset(segment, clip.shown_at(1.5), clip.period)
    assert_offset(segment, clip.shown_at(2.1), clip.period)
