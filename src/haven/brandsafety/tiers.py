"""The GARM category and risk tier of a decision, from all its signals: the harm categories it
found (with their scores) and the treatments the policy or a moderator gave.

GARM's Brand Safety Floor is content no advertiser should appear next to; above it, the
Suitability Framework grades risk high, medium or low. Haven's reading, in order:

* floor: removed content; child sexual exploitation; terrorism; any harm scored 0.9 or more in
  hate, threats, explicit sexual content, self-harm or dangerous acts;
* high: an age restriction or a warning screen; any other harm scored 0.8 or more;
* medium: kept out of recommendations or labelled (misinformation banners); any harm 0.5-0.8;
* low: nothing of the above.

The GARM category is that of the highest-scored harm (the taxonomy maps each harm to one)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from haven.taxonomy import UnknownCategory, category


class Tier(StrEnum):
    FLOOR = "floor"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


ORDER = [Tier.LOW, Tier.MEDIUM, Tier.HIGH, Tier.FLOOR]  # least to most risky
FLOOR_ALWAYS = {"child_sexual_exploitation_grooming", "violent_extremism"}
FLOOR_AT_90 = {
    "hate_speech",
    "violent_threats",
    "sexual_content",
    "self_harm_suicide",
    "dangerous_challenges",
}
HIGH_TREATMENTS = {"age_restrict", "warning_screen"}
MEDIUM_TREATMENTS = {"not_recommended", "info_banner", "unverified_label"}


@dataclass(frozen=True)
class BrandSafety:
    garm_category: str | None  # None: no harm found
    tier: Tier
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "garm_category": self.garm_category,
            "risk_tier": self.tier.value,
            "reason": self.reason,
        }


def brand_safety(categories: dict[str, float], treatments: list[str]) -> BrandSafety:
    """The tier and GARM category of a decision (its harm scores and its treatment names)."""
    known = {}
    for harm, score in categories.items():
        try:
            known[harm] = (category(harm), float(score))
        except UnknownCategory:
            continue
    top = max(known, key=lambda h: known[h][1], default=None)
    garm = known[top][0].garm.value if top else None
    names = set(treatments)
    if "remove" in names:
        return BrandSafety(garm, Tier.FLOOR, "the content was removed")
    for harm, (_, score) in known.items():
        if harm in FLOOR_ALWAYS and score >= 0.5:
            return BrandSafety(
                category(harm).garm.value, Tier.FLOOR, f"{harm} is below the brand safety floor"
            )
        if harm in FLOOR_AT_90 and score >= 0.9:
            return BrandSafety(category(harm).garm.value, Tier.FLOOR, f"{harm} scored {score:.2f}")
    if names & HIGH_TREATMENTS:
        return BrandSafety(garm, Tier.HIGH, f"{', '.join(sorted(names & HIGH_TREATMENTS))} applies")
    if top and known[top][1] >= 0.8:
        return BrandSafety(garm, Tier.HIGH, f"{top} scored {known[top][1]:.2f}")
    if names & MEDIUM_TREATMENTS:
        return BrandSafety(
            garm, Tier.MEDIUM, f"{', '.join(sorted(names & MEDIUM_TREATMENTS))} applies"
        )
    if top and known[top][1] >= 0.5:
        return BrandSafety(garm, Tier.MEDIUM, f"{top} scored {known[top][1]:.2f}")
    return BrandSafety(garm, Tier.LOW, "no harm found")
