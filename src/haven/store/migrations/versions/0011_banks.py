"""Banks of known harmful media: banks, entries, and what each index position means.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hash_banks",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("enabled_ratio", sa.Float, nullable=False),
        sa.Column("negative", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_hash_banks"),
    )
    op.create_table(
        "bank_entries",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("bank", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("frames", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_bank_entries"),
        sa.ForeignKeyConstraint(
            ["bank"], ["hash_banks.name"], name="fk_bank_entries_bank_hash_banks"
        ),
        sa.UniqueConstraint("bank", "kind", "value", name="uq_bank_entries_bank"),
    )
    op.create_index("ix_bank_entries_value", "bank_entries", ["kind", "value"])
    op.create_table(
        "bank_hashes",
        sa.Column("position", sa.BigInteger, autoincrement=False, nullable=False),
        sa.Column("entry", sa.Integer, nullable=False),
        sa.Column("frame", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_bank_hashes"),
        sa.ForeignKeyConstraint(
            ["entry"], ["bank_entries.id"], name="fk_bank_hashes_entry_bank_entries"
        ),
    )
    op.create_table(
        "bank_index_head",
        sa.Column("id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("next_position", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bank_index_head"),
    )
    op.execute("INSERT INTO bank_index_head (id, next_position) VALUES (1, 0)")


def downgrade() -> None:
    for table in ("bank_index_head", "bank_hashes", "bank_entries", "hash_banks"):
        op.drop_table(table)
