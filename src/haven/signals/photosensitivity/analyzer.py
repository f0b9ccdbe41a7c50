"""The photosensitivity analyzer: general flashes, red flashes and regular patterns.

Frames arrive at a reduced size (area fractions do not depend on resolution). Each pixel's
relative luminance and red measures go through their own transition trackers; the one-second
counts per pixel, not the frame mean, decide what flashes, and the profile's area rule decides
whether the flashing pixels matter. A looping video is also judged across its seam by replaying
its first second after its last frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from haven.media import DecodedFrame, FrameRequest, MediaInfo
from haven.signals.base import AnalysisRun, Analyzer, AnalyzerOutput, InputKind, Signal, TimeRange
from haven.signals.photosensitivity.colour import (
    LUMINANCE_WEIGHTS,
    legacy_red_metric,
    linearisation_table,
    saturated_red,
)
from haven.signals.photosensitivity.flashes import NEAR_LIMIT_RATIO, AreaLimit, FlashChannel
from haven.signals.photosensitivity.motion import MotionExplainer
from haven.signals.photosensitivity.patterns import PatternDetector
from haven.signals.photosensitivity.profiles import (
    DEFAULT_PROFILE,
    LEGACY_RED_MIN_CHANGE,
    RED_SATURATION,
    UV_MIN_DISTANCE,
    Profile,
    get_profile,
)
from haven.signals.photosensitivity.segments import MERGE_GAP_SECONDS, Segment, Timeline, webvtt
from haven.signals.photosensitivity.transitions import ChromaticityTracker, TransitionTracker

# Analysis sizes (longer side, pixels). 240 keeps 1/8 of a 1080x1920 frame: a flashing area
# of 0.2 % of the screen is still 65 pixels. Patterns need finer detail: 480 resolves stripes
# down to 0.6 % of the long side (11 px at 1920).
FLASH_LONG_SIDE = 160
PATTERN_LONG_SIDE = 480
PATTERN_SAMPLE_INTERVAL = 0.1

FLASH_VIEW = "flash"
PATTERN_VIEW = "pattern"

VERDICTS = ("pass", "warning", "fail")


class PhotosensitivityAnalyzer(Analyzer):
    name: ClassVar[str] = "photosensitivity"
    version: ClassVar[str] = "1.0.0"
    inputs: ClassVar[frozenset[InputKind]] = frozenset({InputKind.VIDEO_FRAMES})
    emits: ClassVar[frozenset[str]] = frozenset(
        {"photosensitivity.verdict", "photosensitivity.segment"}
    )

    def __init__(self, profile: str = DEFAULT_PROFILE, *, patterns: bool = True, loop: bool = True):
        self.profile: Profile = get_profile(profile)
        self.patterns = patterns and self.profile.pattern.enabled
        self.loop = loop

    def frame_requests(self) -> Sequence[FrameRequest]:
        requests = [FrameRequest(FLASH_VIEW, FLASH_LONG_SIDE, "rgb24")]
        if self.patterns:
            requests.append(
                FrameRequest(PATTERN_VIEW, PATTERN_LONG_SIDE, "gray", PATTERN_SAMPLE_INTERVAL)
            )
        return requests

    def start(self, media: MediaInfo) -> PhotosensitivityRun:
        return PhotosensitivityRun(self, media)

    def describe(self) -> dict[str, Any]:
        return {
            "profile": self.profile.name,
            "patterns": self.patterns,
            "loop": self.loop,
            "thresholds": self.profile.thresholds(),
        }


class PhotosensitivityRun(AnalysisRun):
    def __init__(self, analyzer: PhotosensitivityAnalyzer, media: MediaInfo):
        self.analyzer = analyzer
        self.profile = profile = analyzer.profile
        self.media = media
        self.lut = linearisation_table(profile.transfer)
        # For each red code, the largest green or blue code whose linear value is at most a
        # quarter of it: beyond that the pixel cannot be saturated red.
        self.red_partner_limit = (
            (np.searchsorted(self.lut, self.lut / 4, side="right") - 1)
            .clip(0, 255)
            .astype(np.uint8)
        )
        # Relative luminance is a sum of one table look-up per channel.
        self.luminance_of_red = self.lut * np.float32(LUMINANCE_WEIGHTS[0])
        self.luminance_of_green = self.lut * np.float32(LUMINANCE_WEIGHTS[1])
        self.luminance_of_blue = self.lut * np.float32(LUMINANCE_WEIGHTS[2])
        self.luminance_tracker = TransitionTracker(
            min_change=profile.luminance_min_change, dark_limit=profile.luminance_dark_limit
        )
        self.legacy_red_tracker = (
            TransitionTracker(min_change=LEGACY_RED_MIN_CHANGE, inclusive=False)
            if "legacy" in profile.red_rules
            else None
        )
        self.uv_red_tracker = (
            ChromaticityTracker(min_distance=UV_MIN_DISTANCE) if "uv" in profile.red_rules else None
        )
        self.patterns = (
            PatternDetector(profile.pattern, sample_interval=PATTERN_SAMPLE_INTERVAL)
            if analyzer.patterns
            else None
        )
        self.timeline = Timeline()
        self.channels: dict[str, FlashChannel] = {}
        self.frames = 0
        self.first_time: float | None = None
        self.last_time: float | None = None
        self.interval: float | None = None
        self.analysis_size: tuple[int, int] | None = None
        self._first_second: list[tuple[float, np.ndarray]] = []
        self.motion = MotionExplainer(tolerance=profile.luminance_min_change / 2)

    # -- per frame ---------------------------------------------------------------------------

    def on_frame(self, frame: DecodedFrame) -> None:
        rgb = frame.images.get(FLASH_VIEW)
        if rgb is None:
            raise ValueError("photosensitivity needs the 'flash' view on every frame")
        if not self.channels:
            self._set_up(rgb.shape[:2])
        if self.first_time is None:
            self.first_time = frame.time
        if self.last_time is not None and frame.time > self.last_time:
            step = frame.time - self.last_time
            self.interval = step if self.interval is None else min(self.interval, step)
        self.last_time = frame.time
        self.frames += 1
        self._analyse_rgb(frame.time, rgb)
        if self.analyzer.loop and frame.time - self.first_time < 1.0:
            self._first_second.append((frame.time, rgb))
        gray = frame.images.get(PATTERN_VIEW)
        if gray is not None and self.patterns is not None:
            self.patterns.on_sample(frame.time, self.lut[gray])

    def _set_up(self, shape: tuple[int, int]) -> None:
        height, width = shape
        self.analysis_size = (width, height)
        fraction_w, fraction_h = self.profile.area.window_fraction(width, height)
        area = AreaLimit(fraction_w * width, fraction_h * height, self.profile.area.max_fraction)
        for kind in ("luminance", "red"):
            self.channels[kind] = FlashChannel(
                kind,
                shape,
                area=area,
                max_transitions=self.profile.max_transitions_per_second,
                extended_min_transitions=self.profile.extended_min_transitions,
                extended_min_seconds=self.profile.extended_min_seconds,
                timeline=self.timeline,
            )
        self.window_fraction = (fraction_w, fraction_h)

    def _analyse_rgb(self, time: float, rgb: np.ndarray) -> None:
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        luminance = self.luminance_of_red[r] + self.luminance_of_green[g]
        luminance += self.luminance_of_blue[b]
        channel = self.channels["luminance"]
        channel.track_activity(luminance)
        transitions = self.luminance_tracker.update(time, luminance)
        explained = self.motion.explain(luminance, needed=transitions is not None)
        if transitions is not None and explained is not None:
            # The scene moving past a pixel is not a flash (see ``motion``).
            transitions &= ~explained
            if not transitions.any():
                transitions = None
        channel.push(time, transitions)
        self.channels["red"].push(time, self._red_transitions(time, rgb))

    def _red_transitions(self, time: float, rgb: np.ndarray) -> np.ndarray | None:
        # Saturated red needs R/(R+G+B) >= 0.8 in linear light, so R at least 4x G and 4x B;
        # frames with no such pixel (most, warm tones included) skip the colour maths.
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        limit = self.red_partner_limit[r]
        any_red = bool(((g <= limit) & (b <= limit) & (r > 0)).any())
        linear = self.lut[rgb] if any_red else None
        saturated = saturated_red(linear, saturation=RED_SATURATION) if linear is not None else None
        if saturated is not None and not saturated.any():
            saturated = None
        metric = legacy_red_metric(linear, saturated) if saturated is not None else None
        found: np.ndarray | None = None
        legacy = self.legacy_red_tracker
        if legacy is not None and (metric is not None or not legacy.skip_zero_frame(time)):
            zeros = np.zeros(rgb.shape[:2], dtype=np.float32)
            found = legacy.update(time, metric if metric is not None else zeros)
        if self.uv_red_tracker is not None:
            # The chromaticity rule needs a visible red: near black, compression noise makes
            # "saturated" reds of no luminance whose u'v' is meaningless.
            visible_red = (
                saturated & (metric > LEGACY_RED_MIN_CHANGE) if saturated is not None else None
            )
            lut = self.lut
            by_uv = self.uv_red_tracker.update(
                (lambda: linear) if linear is not None else (lambda: lut[rgb]), visible_red
            )
            if by_uv is not None:
                found = by_uv if found is None else (found | by_uv)
        return found

    # -- the end -----------------------------------------------------------------------------

    def finish(self) -> AnalyzerOutput:
        if not self.channels or self.last_time is None or self.first_time is None:
            raise ValueError("photosensitivity analysis received no frames")
        interval = self.interval or (1 / 30)
        duration = self.last_time - self.first_time + interval
        found = {kind: channel.finish() for kind, channel in self.channels.items()}
        if self.analyzer.loop and self.frames > 1:
            for kind, seam_failures in self._seam_failures(duration).items():
                failures, _ = found[kind]
                _merge_seam(failures, seam_failures)
        segments = [s for failures, warnings in found.values() for s in failures + warnings]
        if self.patterns is not None:
            segments += self.patterns.finish()
        segments.sort(key=lambda s: (s.start, s.kind))
        verdict = _verdict(segments)
        confidence, reasons = self._confidence(verdict, segments)
        return AnalyzerOutput(
            signals=self._signals(verdict, confidence, reasons, segments),
            report=self._report(verdict, confidence, reasons, segments, duration),
        )

    def _seam_failures(self, duration: float) -> dict[str, list[Segment]]:
        """Replay the start after the last frame, as a looping player shows it.

        The replay covers a full second past the seam; a clip shorter than that is replayed
        as many times as it takes. Only failing seconds that straddle the seam are kept.
        """
        seam = self.first_time + duration
        for channel in self.channels.values():
            channel.start_replay(seam)
        offset = duration
        while True:
            for time, rgb in self._first_second:
                replay_time = time + offset
                if replay_time > seam + 1.0 + 1e-6:
                    return {kind: c.failures.finish() for kind, c in self.channels.items()}
                self._analyse_rgb(replay_time, rgb)
            offset += duration

    def _confidence(self, verdict: str, segments: list[Segment]) -> tuple[float, list[str]]:
        """How sure the verdict is, and why not more; near a limit a person should look."""
        reasons: list[str] = []
        limit = self.profile.area.max_fraction
        rate_limit = self.profile.max_transitions_per_second + 1
        if verdict == "fail":
            margins = [
                min(s.peak_window_fraction / limit, s.peak_transitions_per_second / rate_limit)
                for s in segments
                if s.severity == "fail" and s.kind != "pattern"
            ]
            if margins and max(margins) < 1 + NEAR_LIMIT_RATIO:
                reasons.append("every failing segment is within 20 % of a limit")
        else:
            for kind, channel in self.channels.items():
                if channel.near_limit():
                    reasons.append(f"{kind} flashing came within 20 % of a limit")
            if self.patterns is not None and self.patterns.worst_ratio >= 1 - NEAR_LIMIT_RATIO:
                reasons.append("a regular pattern came within 20 % of the area limit")
        if self.media.corrupt_frames:
            reasons.append(f"{self.media.corrupt_frames} frames decoded with errors")
        if self.media.missing_seconds:
            reasons.append(
                f"the file may be truncated: {self.media.missing_seconds:.2f} s of the declared"
                " video did not decode"
            )
        if self.media.frames_timed_by_rate:
            reasons.append(
                "the video's timestamps are missing or out of order, so flash rates are estimates"
            )
        return (0.6 if reasons else 0.95), reasons

    def _segment_dict(self, segment: Segment) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": segment.kind,
            "severity": segment.severity,
            "start": round(segment.start, 4),
            "end": round(segment.end, 4),
            "peak_flashes_per_second": segment.peak_transitions_per_second / 2,
            "peak_area_fraction": round(segment.peak_area_fraction, 4),
            "peak_window_fraction": round(segment.peak_window_fraction, 4),
            "bounding_box": segment.normalised_box(),
            "loop_seam": segment.loop_seam,
        }
        if segment.details:
            out["details"] = dict(segment.details)
        return out

    def _signals(
        self, verdict: str, confidence: float, reasons: list[str], segments: list[Segment]
    ) -> list[Signal]:
        name, version = self.analyzer.name, self.analyzer.version
        segment_dicts = [self._segment_dict(s) for s in segments]
        signals = [
            Signal(
                analyzer=name,
                analyzer_version=version,
                kind="photosensitivity.verdict",
                confidence=confidence,
                attributes={
                    "verdict": verdict,
                    "profile": self.profile.name,
                    "segment_count": len(segments),
                    "failing_segment_count": sum(s.severity == "fail" for s in segments),
                    "kinds": sorted({s.kind for s in segments}),
                    "uncertain_because": reasons,
                },
                evidence={"segments": segment_dicts},
            )
        ]
        for as_dict in segment_dicts:
            signals.append(
                Signal(
                    analyzer=name,
                    analyzer_version=version,
                    kind="photosensitivity.segment",
                    confidence=confidence,
                    attributes=as_dict,
                    time_range=TimeRange(as_dict["start"], as_dict["end"]),
                )
            )
        return signals

    def _report(
        self,
        verdict: str,
        confidence: float,
        reasons: list[str],
        segments: list[Segment],
        duration: float,
    ) -> dict[str, Any]:
        kinds = ["luminance", "red"] + (["pattern"] if self.patterns is not None else [])
        notes = []
        if self.patterns is not None and self.patterns.too_small:
            notes.append("video too small for pattern analysis")
        width, height = self.analysis_size or (0, 0)
        return {
            "profile": self.profile.name,
            "profile_description": self.profile.description,
            "verdict": verdict,
            "confidence": confidence,
            "uncertain_because": reasons,
            "segments": [self._segment_dict(s) for s in segments],
            "timeline": self.timeline.rows(kinds[:2]),
            "webvtt": webvtt(segments, duration=duration),
            "thresholds": self.profile.thresholds(),
            "window_fraction": {
                "width": round(self.window_fraction[0], 4),
                "height": round(self.window_fraction[1], 4),
            },
            "analysis_size": {"width": width, "height": height},
            "frames_analysed": self.frames,
            "pattern_detection": self.patterns is not None,
            "loop_seam_checked": self.analyzer.loop,
            "notes": notes,
        }


def _merge_seam(failures: list[Segment], seam_failures: list[Segment]) -> None:
    """Add the loop-seam failures to ``failures``; one that continues a failure is merged."""
    for seam_failure in seam_failures:
        seam_failure.loop_seam = True
        for failure in failures:
            touching = seam_failure.start <= failure.end + MERGE_GAP_SECONDS
            if failure.start <= seam_failure.end and touching:
                failure.merge(seam_failure)
                break
        else:
            failures.append(seam_failure)


def _verdict(segments: list[Segment]) -> str:
    if any(s.severity == "fail" for s in segments):
        return "fail"
    if segments:
        return "warning"
    return "pass"
