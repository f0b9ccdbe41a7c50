"""Transparency: statements of reasons sent to the Transparency Database, authority orders,
Art. 23 suspensions and the monthly active recipients the platform reports.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statement_submissions",
        sa.Column("puid", sa.String(36), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("tdb_uuid", sa.String(64)),
        sa.Column("detail", sa.Text),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("puid", name="pk_statement_submissions"),
    )
    op.create_table(
        "authority_orders",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("authority", sa.String(200), nullable=False),
        sa.Column("category", sa.String(80), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("content_id", sa.String(36)),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
        sa.Column("effect_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_authority_orders"),
    )
    op.create_index("ix_authority_orders_platform", "authority_orders", ["platform"])
    op.create_table(
        "suspensions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("warned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_suspensions"),
    )
    op.create_index("ix_suspensions_platform", "suspensions", ["platform"])
    op.create_index("ix_suspensions_subject_id", "suspensions", ["subject_id"])
    op.create_table(
        "active_recipients",
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("recipients", sa.BigInteger, nullable=False),
        sa.Column("method", sa.String(500), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "month", name="pk_active_recipients"),
    )


def downgrade() -> None:
    op.drop_table("active_recipients")
    op.drop_index("ix_suspensions_subject_id", "suspensions")
    op.drop_index("ix_suspensions_platform", "suspensions")
    op.drop_table("suspensions")
    op.drop_index("ix_authority_orders_platform", "authority_orders")
    op.drop_table("authority_orders")
    op.drop_table("statement_submissions")
