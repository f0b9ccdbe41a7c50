"""Advertisers' campaigns and the impressions reported for them.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ad_campaigns",
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("inventory", sa.String(10), nullable=False),
        sa.Column("exclusions", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "id", name="pk_ad_campaigns"),
    )
    op.create_table(
        "ad_impressions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("campaign_id", sa.String(100), nullable=False),
        sa.Column("content_id", sa.String(36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("tier", sa.String(12), nullable=False),
        sa.Column("garm_category", sa.String(60)),
        sa.PrimaryKeyConstraint("id", name="pk_ad_impressions"),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content.id"], name="fk_ad_impressions_content_id_content"
        ),
    )
    op.create_index("ix_ad_impressions_campaign", "ad_impressions", ["platform", "campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_ad_impressions_campaign", "ad_impressions")
    op.drop_table("ad_impressions")
    op.drop_table("ad_campaigns")
