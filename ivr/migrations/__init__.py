"""The database's schema, as Alembic migrations: an existing database is upgraded in place."""
