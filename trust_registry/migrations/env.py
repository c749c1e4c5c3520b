"""Alembic environment: runs on the connection handed over by ``trust_registry.storage.migrate``."""

from alembic import context

from trust_registry.storage._db import VERSION_TABLE
from trust_registry.storage._models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    version_table=VERSION_TABLE,
)
with context.begin_transaction():
    context.run_migrations()
