"""Advertisers' inventory filters, as GARM defines them, and the campaign check.

* ``full`` inventory runs next to anything above the floor;
* ``standard`` avoids high risk;
* ``limited`` runs only next to low risk.

Per-category exclusions add to that, cumulatively: excluding a GARM category "from medium"
keeps the campaign away from medium and high risk content of that category. Nothing ever runs
below the floor, nor next to content not yet decided."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from haven.brandsafety.tiers import ORDER, BrandSafety, Tier
from haven.errors import InputError
from haven.taxonomy import Garm


class Inventory(StrEnum):
    FULL = "full"
    STANDARD = "standard"
    LIMITED = "limited"


WORST_ALLOWED = {
    Inventory.FULL: Tier.HIGH,
    Inventory.STANDARD: Tier.MEDIUM,
    Inventory.LIMITED: Tier.LOW,
}


class InvalidCampaign(InputError):
    code = "invalid_campaign"


@dataclass(frozen=True)
class Exclusion:
    garm_category: Garm
    from_tier: Tier  # excluded at this tier and every riskier one


@dataclass(frozen=True)
class Campaign:
    platform: str
    id: str
    inventory: Inventory
    exclusions: tuple[Exclusion, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "inventory": self.inventory.value,
            "exclusions": [
                {"garm_category": e.garm_category.value, "from_tier": e.from_tier.value}
                for e in self.exclusions
            ],
        }


def parse_exclusions(raw: list[dict[str, Any]]) -> tuple[Exclusion, ...]:
    out = []
    for index, item in enumerate(raw):
        try:
            tier = Tier(item["from_tier"])
            if tier is Tier.FLOOR:
                raise ValueError("the floor is always excluded")
            out.append(Exclusion(Garm(item["garm_category"]), tier))
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidCampaign(
                f"exclusions.{index}: a GARM category and a tier (low, medium, high): {exc}",
                field=f"exclusions.{index}",
            ) from None
    return tuple(out)


@dataclass(frozen=True)
class Placement:
    allowed: bool
    reason: str
    brand_safety: BrandSafety | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "reason": self.reason,
            "brand_safety": self.brand_safety.as_dict() if self.brand_safety else None,
        }


def may_run(campaign: Campaign, safety: BrandSafety | None) -> Placement:
    """May the campaign's ads run next to content whose brand safety is ``safety`` (None: the
    content has no decision yet)?"""
    if safety is None:
        return Placement(False, "the content has not been screened yet", None)
    if safety.tier is Tier.FLOOR:
        return Placement(False, f"below the brand safety floor: {safety.reason}", safety)
    worst = WORST_ALLOWED[campaign.inventory]
    if ORDER.index(safety.tier) > ORDER.index(worst):
        return Placement(
            False,
            f"{safety.tier.value} risk is outside {campaign.inventory.value} inventory",
            safety,
        )
    for exclusion in campaign.exclusions:
        if safety.garm_category == exclusion.garm_category.value and ORDER.index(
            safety.tier
        ) >= ORDER.index(exclusion.from_tier):
            return Placement(
                False,
                f"the campaign excludes {exclusion.garm_category.value} from"
                f" {exclusion.from_tier.value} risk",
                safety,
            )
    return Placement(
        True, f"{safety.tier.value} risk fits {campaign.inventory.value} inventory", safety
    )
