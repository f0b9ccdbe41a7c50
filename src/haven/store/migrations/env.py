"""Alembic environment: Haven passes its own connection (``haven db upgrade``, the tests)."""

from __future__ import annotations

from alembic import context

from haven.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `haven db upgrade`, which passes the connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
