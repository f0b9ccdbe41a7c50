"""An id for the bank index of this database: its index file is named after it, so databases
sharing a folder never read each other's index.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bank_index_head") as head:
        head.add_column(sa.Column("index_id", sa.String(36), nullable=False, server_default=""))
    op.execute(
        sa.text("UPDATE bank_index_head SET index_id = :value").bindparams(value=str(uuid.uuid4()))
    )


def downgrade() -> None:
    with op.batch_alter_table("bank_index_head") as head:
        head.drop_column("index_id")
