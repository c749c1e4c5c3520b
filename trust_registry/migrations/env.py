"""Alembic environment: runs on the connection handed over by ``trust_registry.storage.Database``."""

from servicekit.storage import run_migrations
from trust_registry.storage._models import Base

run_migrations(Base.metadata)
