"""Photosensitivity profiles: the thresholds of each standard, loaded from ``profiles.yaml``.

The numbers live in data next to their sources; this module validates them and turns the
profile's area rule into a window size for a given video.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from haven.errors import InputError

RED_RULES = frozenset({"legacy", "uv"})
AREA_MODES = frozenset({"screen", "visual_field", "screen_window"})
TRANSFERS = frozenset({"srgb", "bt1886"})


class UnknownProfile(InputError):
    code = "unknown_profile"


@dataclass(frozen=True)
class PatternRule:
    enabled: bool
    min_pairs: int = 6
    stationary_max_fraction: float = 0.40
    moving_max_fraction: float = 0.25
    min_seconds: float = 0.5
    min_light_luminance: float = 0.25
    min_contrast: float = 0.10


@dataclass(frozen=True)
class AreaRule:
    mode: str
    max_fraction: float
    geometry: dict[str, float]

    def window_fraction(self, display_width: int, display_height: int) -> tuple[float, float]:
        """Width and height of the judging window as fractions of the displayed video.

        A fraction above 1 means the window is larger than the video in that direction; the
        surplus lies outside the picture (nothing flashes there), so it still counts in the
        window's area.
        """
        g = self.geometry
        if self.mode == "screen":
            return 1.0, 1.0
        if self.mode == "visual_field":
            distance = g["viewing_distance_mm"]
            window_w = 2 * distance * math.tan(math.radians(g["field_width_deg"] / 2))
            window_h = 2 * distance * math.tan(math.radians(g["field_height_deg"] / 2))
            mm_per_px = min(
                g["screen_width_mm"] / display_width, g["screen_height_mm"] / display_height
            )
            return window_w / (display_width * mm_per_px), window_h / (display_height * mm_per_px)
        # screen_window: the video plays as large as it fits on a reference screen in pixels.
        px_per_px = min(
            g["screen_width_px"] / display_width, g["screen_height_px"] / display_height
        )
        return (
            g["window_width_px"] / (display_width * px_per_px),
            g["window_height_px"] / (display_height * px_per_px),
        )


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    transfer: str
    luminance_min_change: float
    luminance_dark_limit: float
    red_rules: frozenset[str]
    max_transitions_per_second: int
    area: AreaRule
    extended_min_transitions: int
    extended_min_seconds: float
    pattern: PatternRule

    def thresholds(self) -> dict[str, Any]:
        """The numbers this profile judges by, for the report."""
        return {
            "transfer": self.transfer,
            "luminance_min_change": self.luminance_min_change,
            "luminance_dark_limit": self.luminance_dark_limit,
            "red_rules": sorted(self.red_rules),
            "red_legacy_min_change": LEGACY_RED_MIN_CHANGE,
            "red_uv_min_distance": UV_MIN_DISTANCE,
            "max_transitions_per_second": self.max_transitions_per_second,
            "area_mode": self.area.mode,
            "area_max_fraction": self.area.max_fraction,
            "extended_min_transitions_per_second": self.extended_min_transitions,
            "extended_min_seconds": self.extended_min_seconds,
            "pattern_enabled": self.pattern.enabled,
        }


# Constants of the red-flash definitions themselves (not profile choices): WCAG 2.2 /
# Harding & Binnie 2002 for the legacy metric, ISO 9241-391 for the chromaticity rule.
LEGACY_RED_MIN_CHANGE = 20.0
UV_MIN_DISTANCE = 0.2
RED_SATURATION = 0.8


def _profile_from_data(name: str, data: dict[str, Any]) -> Profile:
    try:
        red_rules = frozenset(data["red"]["rules"])
        if not red_rules <= RED_RULES:
            raise ValueError(f"unknown red rules {sorted(red_rules - RED_RULES)}")
        area = data["area"]
        if area["mode"] not in AREA_MODES:
            raise ValueError(f"unknown area mode {area['mode']!r}")
        if data["transfer"] not in TRANSFERS:
            raise ValueError(f"unknown transfer {data['transfer']!r}")
        geometry = {k: float(v) for k, v in area.items() if k not in {"mode", "max_fraction"}}
        pattern = PatternRule(**data.get("pattern", {"enabled": False}))
        return Profile(
            name=name,
            description=" ".join(str(data["description"]).split()),
            transfer=data["transfer"],
            luminance_min_change=float(data["luminance"]["min_change"]),
            luminance_dark_limit=float(data["luminance"]["dark_limit"]),
            red_rules=red_rules,
            max_transitions_per_second=int(data["max_transitions_per_second"]),
            area=AreaRule(area["mode"], float(area["max_fraction"]), geometry),
            extended_min_transitions=int(data["extended_flashing"]["min_transitions_per_second"]),
            extended_min_seconds=float(data["extended_flashing"]["min_seconds"]),
            pattern=pattern,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"photosensitivity profile {name!r} is invalid: {exc}") from exc


@cache
def load_profiles() -> dict[str, Profile]:
    """All shipped profiles by name."""
    text = resources.files(__package__).joinpath("profiles.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {name: _profile_from_data(name, body) for name, body in data["profiles"].items()}


DEFAULT_PROFILE = "phone"


def get_profile(name: str) -> Profile:
    profiles = load_profiles()
    try:
        return profiles[name]
    except KeyError:
        raise UnknownProfile(
            f"unknown photosensitivity profile {name!r}; choose one of {', '.join(profiles)}",
            profile=name,
        ) from None
