"""``/v1/brand-safety``: advertisers' campaigns with their inventory filters, "may campaign X
run next to video Y", impressions and the campaign report."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from haven.api.deps import PlatformKey, RuntimeDep
from haven.api.schemas import Strict
from haven.brandsafety import service

router = APIRouter(prefix="/v1/brand-safety", tags=["brand safety"])


class ExclusionIn(Strict):
    garm_category: str = Field(max_length=60)
    from_tier: Literal["low", "medium", "high"]


class CampaignIn(Strict):
    inventory: Literal["full", "standard", "limited"]
    exclusions: list[ExclusionIn] = Field(default_factory=list, max_length=50)


class CheckIn(Strict):
    content_id: str = Field(max_length=36)


class ImpressionIn(Strict):
    campaign_id: str = Field(max_length=100)
    content_id: str = Field(max_length=36)
    count: int = Field(default=1, ge=1, le=1_000_000)


class ImpressionsIn(Strict):
    impressions: list[ImpressionIn] = Field(min_length=1, max_length=service.MAX_IMPRESSIONS)


@router.put("/campaigns/{campaign_id}")
def put_campaign(
    campaign_id: str, body: CampaignIn, key: PlatformKey, runtime: RuntimeDep
) -> dict[str, Any]:
    """A campaign's inventory (full, standard, limited) and per-category exclusions."""
    campaign = service.put_campaign(
        runtime.store,
        platform=key.platform,
        campaign_id=campaign_id,
        inventory=body.inventory,
        exclusions=[e.model_dump() for e in body.exclusions],
        actor=key.actor,
    )
    return campaign.as_dict()


@router.get("/campaigns/{campaign_id}")
def get_campaign(campaign_id: str, key: PlatformKey, runtime: RuntimeDep) -> dict[str, Any]:
    return service.campaign(runtime.store, key.platform, campaign_id).as_dict()


@router.post("/campaigns/{campaign_id}/check")
def check(campaign_id: str, body: CheckIn, key: PlatformKey, runtime: RuntimeDep) -> dict[str, Any]:
    """May the campaign's ads run next to this content (by its current decision)?"""
    placement = service.check(
        runtime.store, platform=key.platform, campaign_id=campaign_id, content_id=body.content_id
    )
    return placement.as_dict()


@router.post("/impressions", status_code=201)
def post_impressions(body: ImpressionsIn, key: PlatformKey, runtime: RuntimeDep) -> dict[str, int]:
    """Impressions served (all or nothing), kept with the content's tier at that moment."""
    total = service.record_impressions(
        runtime.store, platform=key.platform, impressions=[i.model_dump() for i in body.impressions]
    )
    return {"impressions": total}


@router.get("/campaigns/{campaign_id}/report")
def get_report(campaign_id: str, key: PlatformKey, runtime: RuntimeDep) -> dict[str, Any]:
    """The share of the campaign's impressions by risk tier and by GARM category."""
    return service.report(runtime.store, platform=key.platform, campaign_id=campaign_id)
