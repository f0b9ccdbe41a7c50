"""Where an uploaded video is stored.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("content") as content:
        content.add_column(sa.Column("media_path", sa.String(300)))


def downgrade() -> None:
    with op.batch_alter_table("content") as content:
        content.drop_column("media_path")
