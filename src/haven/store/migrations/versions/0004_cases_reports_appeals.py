"""Cases (the review queue), notices, appeals, and the Art. 17 fields of decisions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("content") as content:
        content.add_column(sa.Column("author_id", sa.String(200)))
    with op.batch_alter_table("decisions") as decisions:
        decisions.add_column(
            sa.Column("source", sa.String(20), nullable=False, server_default="own_initiative")
        )
        decisions.add_column(
            sa.Column(
                "ground", sa.String(30), nullable=False, server_default="incompatible_with_terms"
            )
        )
        decisions.add_column(
            sa.Column("ground_reference", sa.String(500), nullable=False, server_default="")
        )
        decisions.add_column(sa.Column("explanation", sa.Text, nullable=False, server_default=""))
        decisions.add_column(
            sa.Column("territorial_scope", sa.JSON, nullable=False, server_default='["worldwide"]')
        )
        decisions.add_column(sa.Column("ends_at", UTC_TIME))
    with op.batch_alter_table("decisions") as decisions:
        for column in ("source", "ground", "ground_reference", "explanation", "territorial_scope"):
            decisions.alter_column(column, server_default=None)
    op.create_table(
        "cases",
        sa.Column("content_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("queue", sa.String(50), nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("opened_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("report_ids", sa.JSON, nullable=False),
        sa.Column("claimed_by", sa.String(200)),
        sa.Column("claim_expires_at", UTC_TIME),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decision_version", sa.Integer),
        sa.Column("appeal_id", sa.String(36)),
        sa.Column("excluded_reviewer", sa.String(200)),
        sa.PrimaryKeyConstraint("content_id", name="pk_cases"),
        sa.ForeignKeyConstraint(["content_id"], ["content.id"], name="fk_cases_content_id_content"),
    )
    op.create_index("ix_cases_queue", "cases", ["status", "queue", "priority"])
    op.create_table(
        "reports",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("content_id", sa.String(36), nullable=False),
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("reporter_kind", sa.String(20), nullable=False),
        sa.Column("good_faith", sa.Boolean, nullable=False),
        sa.Column("video_timestamp", sa.Float),
        sa.Column("location_url", sa.Text),
        sa.Column("reporter_id", sa.String(200)),
        sa.Column("notifier_name", sa.String(200)),
        sa.Column("notifier_email", sa.String(320)),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content.id"], name="fk_reports_content_id_content"
        ),
    )
    op.create_index("ix_reports_content_id", "reports", ["content_id"])
    op.create_table(
        "appeals",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("content_id", sa.String(36), nullable=False),
        sa.Column("decision_id", sa.String(36), nullable=False),
        sa.Column("appellant_kind", sa.String(20), nullable=False),
        sa.Column("appellant_id", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", UTC_TIME),
        sa.Column("explanation", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_appeals"),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content.id"], name="fk_appeals_content_id_content"
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name="fk_appeals_decision_id_decisions"
        ),
    )
    op.create_index("ix_appeals_content_id", "appeals", ["content_id"])


def downgrade() -> None:
    op.drop_table("appeals")
    op.drop_table("reports")
    op.drop_table("cases")
    with op.batch_alter_table("decisions") as decisions:
        for column in (
            "ends_at",
            "territorial_scope",
            "explanation",
            "ground_reference",
            "ground",
            "source",
        ):
            decisions.drop_column(column)
    with op.batch_alter_table("content") as content:
        content.drop_column("author_id")
