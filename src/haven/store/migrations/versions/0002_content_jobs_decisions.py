"""Submitted content, background jobs and decisions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "content",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("surface", sa.String(20), nullable=False),
        sa.Column("language", sa.String(3), nullable=False),
        sa.Column("author_age_band", sa.String(10), nullable=False),
        sa.Column("region", sa.String(2)),
        sa.Column("external_id", sa.String(200)),
        sa.Column("text", sa.Text),
        sa.Column("media_sha256", sa.String(64)),
        sa.Column("submitted_at", UTC_TIME, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_content"),
    )
    op.create_index("ix_content_platform", "content", ["platform"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("enqueued_at", UTC_TIME, nullable=False),
        sa.Column("lease_until", UTC_TIME),
        sa.Column("finished_at", UTC_TIME),
        sa.Column("error", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.UniqueConstraint("key", name="uq_jobs_key"),
    )
    op.create_index("ix_jobs_subject_id", "jobs", ["subject_id"])
    op.create_index("ix_jobs_state", "jobs", ["state", "enqueued_at"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("content_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("made_at", UTC_TIME, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("job_id", sa.String(36)),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("treatments", sa.JSON, nullable=False),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("automated_detection", sa.Boolean, nullable=False),
        sa.Column("automation", sa.String(20), nullable=False),
        sa.Column("policy_version", sa.String(50), nullable=False),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content.id"], name="fk_decisions_content_id_content"
        ),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name="fk_decisions_job_id_jobs"),
        sa.UniqueConstraint("job_id", name="uq_decisions_job_id"),
        sa.UniqueConstraint("content_id", "version", name="uq_decisions_version"),
    )


def downgrade() -> None:
    op.drop_table("decisions")
    op.drop_table("jobs")
    op.drop_table("content")
