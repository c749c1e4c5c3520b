"""Alembic environment: runs on the connection handed over by ``issuer.storage.Database``."""

from issuer.storage._models import Base
from servicekit.storage import run_migrations

run_migrations(Base.metadata)
