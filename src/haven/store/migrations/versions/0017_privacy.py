"""Privacy: pseudonym keys for the audit log, the index of which entries carry which
pseudonym, and indexes that find a person's rows for a data-subject request.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

LOOKUPS = [
    ("ix_content_author", "content", ["platform", "author_id"]),
    ("ix_reports_reporter", "reports", ["platform", "reporter_id"]),
    ("ix_appeals_appellant", "appeals", ["appellant_id"]),
    ("ix_wb_pairing_codes_parent", "wb_pairing_codes", ["platform", "parent_id"]),
]


def upgrade() -> None:
    op.create_table(
        "privacy_pseudonym_keys",
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("identifier", sa.String(320), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "kind", "identifier", name="pk_privacy_pseudonym_keys"),
    )
    op.create_table(
        "privacy_audit_refs",
        sa.Column("pseudonym", sa.String(40), nullable=False),
        sa.Column("seq", sa.BigInteger, autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("pseudonym", "seq", name="pk_privacy_audit_refs"),
    )
    for name, table, columns in LOOKUPS:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(LOOKUPS):
        op.drop_index(name, table)
    op.drop_table("privacy_audit_refs")
    op.drop_table("privacy_pseudonym_keys")
