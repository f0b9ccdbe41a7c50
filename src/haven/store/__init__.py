"""Haven's store: SQLAlchemy tables, Alembic migrations and the repositories that implement the
domain packages' Protocols. SQLite (default, in the data directory, WAL) and PostgreSQL run the
same code; the tests run every store test against both."""
