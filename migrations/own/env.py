"""Alembic environment of our own state: schema ``serverless`` and its own version table.

Runs on the connection handed over by ``chalicelib.migrate``; sees and compares only the tables
of schema ``serverless``, so it never touches Open Event's tables beside it.
"""

from alembic import context
from sqlalchemy import text

from chalicelib.models import OWN_SCHEMA, Base

connection = context.config.attributes["connection"]
connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {OWN_SCHEMA}"))
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table_schema=OWN_SCHEMA,
    include_schemas=True,
    include_name=lambda name, kind, parent: kind != "schema" or name == OWN_SCHEMA,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
