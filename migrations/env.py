"""Alembic environment: runs on the connection handed over by ``chalicelib.migrate``."""

from alembic import context

from chalicelib.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
