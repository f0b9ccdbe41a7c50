"""Age bands: the bands of the reference (13–15, 16–17, 18+, and under 13), plus ``unknown``,
which gets the strictest treatment until the age is assured (DESIGN: children are protected
by default)."""

from __future__ import annotations

from enum import StrEnum


class AgeBand(StrEnum):
    UNDER_13 = "under_13"
    AGE_13_15 = "13_15"
    AGE_16_17 = "16_17"
    ADULT = "18_plus"
    UNKNOWN = "unknown"

    @property
    def minor(self) -> bool:
        """Everyone not known to be an adult is treated as a minor."""
        return self is not AgeBand.ADULT
