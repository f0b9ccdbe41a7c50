"""Well-being and youth safety: users, usage events, Family Pairing, grants, notices.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "wb_users",
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("age_band", sa.String(10), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("passcode_hash", sa.String(200)),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("platform", "user_id", name="pk_wb_users"),
    )
    op.create_table(
        "wb_usage_events",
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        _when("at"),
        sa.PrimaryKeyConstraint("platform", "event_id", name="pk_wb_usage_events"),
    )
    op.create_index("ix_wb_usage_events_user", "wb_usage_events", ["platform", "user_id", "at"])
    op.create_table(
        "wb_pairing_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("parent_id", sa.String(200), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
        sa.PrimaryKeyConstraint("code_hash", name="pk_wb_pairing_codes"),
    )
    op.create_table(
        "wb_attempts",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(250), nullable=False),
        _when("at"),
        sa.PrimaryKeyConstraint("id", name="pk_wb_attempts"),
    )
    op.create_index("ix_wb_attempts_subject", "wb_attempts", ["platform", "subject", "at"])
    op.create_table(
        "wb_links",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("parent_id", sa.String(200), nullable=False),
        sa.Column("teen_id", sa.String(200), nullable=False),
        _when("created_at"),
        sa.Column("controls", sa.JSON, nullable=False),
        sa.Column("parent_passcode_hash", sa.String(200)),
        _when("ended_at", nullable=True),
        sa.Column("ended_by", sa.String(200)),
        sa.PrimaryKeyConstraint("id", name="pk_wb_links"),
    )
    op.create_index("ix_wb_links_teen", "wb_links", ["platform", "teen_id"])
    op.create_index("ix_wb_links_parent", "wb_links", ["platform", "parent_id"])
    op.create_table(
        "wb_time_requests",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("link_id", sa.String(36), nullable=False),
        _when("requested_at"),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        _when("answered_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_wb_time_requests"),
        sa.ForeignKeyConstraint(
            ["link_id"], ["wb_links.id"], name="fk_wb_time_requests_link_id_wb_links"
        ),
    )
    op.create_table(
        "wb_grants",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("local_date", sa.String(10), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        _when("until", nullable=True),
        sa.Column("granted_by", sa.String(200), nullable=False),
        _when("at"),
        sa.PrimaryKeyConstraint("id", name="pk_wb_grants"),
    )
    op.create_index("ix_wb_grants_user", "wb_grants", ["platform", "user_id", "local_date"])
    op.create_table(
        "wb_notices",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        _when("at"),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_wb_notices"),
    )
    op.create_index("ix_wb_notices_user", "wb_notices", ["platform", "user_id", "id"])


def downgrade() -> None:
    for table in (
        "wb_notices",
        "wb_grants",
        "wb_time_requests",
        "wb_links",
        "wb_attempts",
        "wb_pairing_codes",
        "wb_usage_events",
        "wb_users",
    ):
        op.drop_table(table)
