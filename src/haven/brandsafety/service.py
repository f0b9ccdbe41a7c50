"""Campaigns, the placement check, impressions and the campaign report. The platform's key
acts for its advertisers' campaigns."""

from __future__ import annotations

import re
from collections import Counter
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from haven.audit.interfaces import AuditLog
from haven.audit.models import AuditEvent
from haven.brandsafety.campaigns import (
    Campaign,
    InvalidCampaign,
    Inventory,
    Placement,
    may_run,
    parse_exclusions,
)
from haven.brandsafety.tiers import BrandSafety, brand_safety
from haven.clock import Clock
from haven.content.interfaces import ContentStore
from haven.decisions.interfaces import DecisionsStore
from haven.decisions.models import Decision
from haven.errors import HavenError

CAMPAIGN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")
MAX_IMPRESSIONS = 1000


class UnknownCampaign(HavenError):
    code = "unknown_campaign"


class CampaignsRepository(Protocol):
    def put(self, campaign: Campaign, at: datetime) -> None: ...
    def get(self, platform: str, campaign_id: str) -> Campaign | None: ...
    def add_impressions(self, rows: list[dict[str, Any]]) -> None: ...
    def impressions(self, platform: str, campaign_id: str) -> list[tuple[str, str | None, int]]: ...


class BrandSafetyTransaction(Protocol):
    campaigns: CampaignsRepository
    content: ContentStore
    decisions: DecisionsStore
    audit: AuditLog


class BrandSafetyStore(Protocol):
    clock: Clock

    def transaction(
        self, *, snapshot: bool = False, write: bool = True
    ) -> AbstractContextManager[BrandSafetyTransaction]: ...


def of_decision(decision: Decision | None) -> BrandSafety | None:
    if decision is None:
        return None
    return brand_safety(decision.categories, [t["name"] for t in decision.treatments])


def put_campaign(
    store: BrandSafetyStore,
    *,
    platform: str,
    campaign_id: str,
    inventory: str,
    exclusions: list[dict[str, Any]],
    actor: str,
) -> Campaign:
    if not CAMPAIGN_ID.fullmatch(campaign_id):
        raise InvalidCampaign(
            "campaign id: 1-100 letters, digits, '.', '_', ':' or '-'", field="campaign_id"
        )
    try:
        chosen = Inventory(inventory)
    except ValueError:
        raise InvalidCampaign("inventory is full, standard or limited", field="inventory") from None
    campaign = Campaign(platform, campaign_id, chosen, parse_exclusions(exclusions))
    with store.transaction() as tx:
        tx.campaigns.put(campaign, store.clock.now())
        tx.audit.append(
            AuditEvent(
                "campaign", f"{platform}/{campaign_id}", "campaign.saved", actor, campaign.as_dict()
            )
        )
    return campaign


def _campaign(tx: BrandSafetyTransaction, platform: str, campaign_id: str) -> Campaign:
    found = tx.campaigns.get(platform, campaign_id)
    if found is None:
        raise UnknownCampaign(f"no campaign {campaign_id!r}", campaign_id=campaign_id)
    return found


def campaign(store: BrandSafetyStore, platform: str, campaign_id: str) -> Campaign:
    with store.transaction(write=False) as tx:
        return _campaign(tx, platform, campaign_id)


def check(
    store: BrandSafetyStore, *, platform: str, campaign_id: str, content_id: str
) -> Placement:
    """May the campaign run next to the content, by the content's current decision."""
    with store.transaction(write=False) as tx:
        found = _campaign(tx, platform, campaign_id)
        item = tx.content.get(content_id, platform=platform)
        decision = tx.decisions.latest(item.id)
    return may_run(found, of_decision(decision))


def record_impressions(
    store: BrandSafetyStore, *, platform: str, impressions: list[dict[str, Any]]
) -> int:
    """Impressions served (campaign, content, count), all or nothing, each kept with the
    content's tier and GARM category at that moment."""
    if not 1 <= len(impressions) <= MAX_IMPRESSIONS:
        raise InvalidCampaign(f"1 to {MAX_IMPRESSIONS} impressions a call", field="impressions")
    now = store.clock.now()
    rows = []
    with store.transaction() as tx:
        for index, impression in enumerate(impressions):
            count = impression.get("count", 1)
            if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1_000_000:
                raise InvalidCampaign(
                    f"impressions.{index}.count: 1 to 1,000,000", field=f"impressions.{index}.count"
                )
            _campaign(tx, platform, str(impression["campaign_id"]))
            item = tx.content.get(str(impression["content_id"]), platform=platform)
            safety = of_decision(tx.decisions.latest(item.id))
            rows.append(
                {
                    "platform": platform,
                    "campaign_id": str(impression["campaign_id"]),
                    "content_id": item.id,
                    "at": now,
                    "count": count,
                    "tier": safety.tier.value if safety else "unscreened",
                    "garm_category": safety.garm_category if safety else None,
                }
            )
        tx.campaigns.add_impressions(rows)
    return sum(r["count"] for r in rows)


def report(store: BrandSafetyStore, *, platform: str, campaign_id: str) -> dict[str, Any]:
    """The campaign's impressions by risk tier and by GARM category, as counts and shares."""
    with store.transaction(write=False) as tx:
        found = _campaign(tx, platform, campaign_id)
        rows = tx.campaigns.impressions(platform, campaign_id)
    by_tier: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    for tier, garm, count in rows:
        by_tier[tier] += count
        by_category[garm or "none"] += count
    total = sum(by_tier.values())

    def shares(counter: Counter[str]) -> dict[str, dict[str, float]]:
        return {
            k: {"impressions": v, "share": round(v / total, 4) if total else 0.0}
            for k, v in sorted(counter.items())
        }

    return {
        "campaign": found.as_dict(),
        "impressions": total,
        "by_tier": shares(by_tier),
        "by_garm_category": shares(by_category),
    }
