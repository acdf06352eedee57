"""Alembic's environment: migrations run on the connection :func:`ivr.database.engine.upgrade` hands over
(inside its lock), never on a URL of their own."""

from alembic import context

from ivr.database import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
