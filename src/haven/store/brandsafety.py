"""Campaigns and impressions in SQL (``haven.brandsafety.service.CampaignsRepository``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from haven.brandsafety.campaigns import Campaign, Inventory, parse_exclusions
from haven.store.tables import CampaignRow, ImpressionRow

_CAMPAIGNS = CampaignRow.__table__
_IMPRESSIONS = ImpressionRow.__table__


class SqlCampaigns:
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, campaign: Campaign, at: datetime) -> None:
        values = {
            "inventory": campaign.inventory.value,
            "exclusions": campaign.as_dict()["exclusions"],
            "updated_at": at,
        }
        changed = self._session.execute(
            update(_CAMPAIGNS)
            .where(_CAMPAIGNS.c.platform == campaign.platform, _CAMPAIGNS.c.id == campaign.id)
            .values(**values)
        )
        if changed.rowcount == 0:
            self._session.execute(
                insert(_CAMPAIGNS).values(platform=campaign.platform, id=campaign.id, **values)
            )

    def get(self, platform: str, campaign_id: str) -> Campaign | None:
        row = self._session.execute(
            select(_CAMPAIGNS).where(
                _CAMPAIGNS.c.platform == platform, _CAMPAIGNS.c.id == campaign_id
            )
        ).first()
        if row is None:
            return None
        return Campaign(
            row.platform, row.id, Inventory(row.inventory), parse_exclusions(row.exclusions)
        )

    def add_impressions(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self._session.execute(insert(_IMPRESSIONS), rows)

    def impressions(self, platform: str, campaign_id: str) -> list[tuple[str, str | None, int]]:
        rows = self._session.execute(
            select(
                _IMPRESSIONS.c.tier, _IMPRESSIONS.c.garm_category, func.sum(_IMPRESSIONS.c.count)
            )
            .where(_IMPRESSIONS.c.platform == platform, _IMPRESSIONS.c.campaign_id == campaign_id)
            .group_by(_IMPRESSIONS.c.tier, _IMPRESSIONS.c.garm_category)
        )
        return [(str(r[0]), r[1], int(r[2])) for r in rows]
