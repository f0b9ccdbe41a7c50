"""Vulnerability disclosure: researchers' reports, triage, rewards.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "security_reports",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("asset", sa.String(500), nullable=False),
        sa.Column("steps", sa.Text, nullable=False),
        sa.Column("proposed_cvss31", sa.JSON),
        sa.Column("proposed_cvss40", sa.JSON),
        sa.Column("researcher_name", sa.String(200)),
        sa.Column("researcher_contact", sa.String(320)),
        sa.Column("acknowledge", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("duplicate_of", sa.String(36)),
        sa.Column("cvss31", sa.JSON),
        sa.Column("cvss40", sa.JSON),
        sa.Column("severity", sa.String(10)),
        sa.Column("first_response_at", sa.DateTime(timezone=True)),
        sa.Column("triaged_at", sa.DateTime(timezone=True)),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_security_reports"),
        sa.UniqueConstraint("token_hash", name="uq_security_reports_token_hash"),
        sa.ForeignKeyConstraint(
            ["duplicate_of"],
            ["security_reports.id"],
            name="fk_security_reports_duplicate_of_security_reports",
        ),
    )
    op.create_index("ix_security_reports_state", "security_reports", ["state", "received_at"])
    op.create_table(
        "security_report_messages",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("report_id", sa.String(36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_security_report_messages"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["security_reports.id"],
            name="fk_security_report_messages_report_id_security_reports",
        ),
    )
    op.create_index(
        "ix_security_report_messages_report_id", "security_report_messages", ["report_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_security_report_messages_report_id", "security_report_messages")
    op.drop_table("security_report_messages")
    op.drop_index("ix_security_reports_state", "security_reports")
    op.drop_table("security_reports")
