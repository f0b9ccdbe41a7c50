"""The evidence behind automated decisions, for the review console.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("decision_id", sa.String(36), nullable=False),
        sa.Column("content_id", sa.String(36), nullable=False),
        sa.Column("report", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("decision_id", name="pk_evidence"),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name="fk_evidence_decision_id_decisions"
        ),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content.id"], name="fk_evidence_content_id_content"
        ),
    )
    op.create_index("ix_evidence_content_id", "evidence", ["content_id"])


def downgrade() -> None:
    op.drop_index("ix_evidence_content_id", "evidence")
    op.drop_table("evidence")
