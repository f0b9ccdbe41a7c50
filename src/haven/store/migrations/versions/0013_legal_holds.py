"""Legal holds on evidence and drafted authority reports.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("content_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("content_id", name="pk_legal_holds"),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content.id"], name="fk_legal_holds_content_id_content"
        ),
    )
    op.create_table(
        "authority_reports",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("content_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_authority_reports"),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content.id"], name="fk_authority_reports_content_id_content"
        ),
    )
    op.create_index("ix_authority_reports_content_id", "authority_reports", ["content_id"])


def downgrade() -> None:
    op.drop_index("ix_authority_reports_content_id", "authority_reports")
    op.drop_table("authority_reports")
    op.drop_table("legal_holds")
