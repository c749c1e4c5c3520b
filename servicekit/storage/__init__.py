"""Database plumbing shared by the issuer and the registry (SQLAlchemy 2, Alembic)."""

from servicekit.storage._database import (
    Database,
    Migrations,
    make_engine,
    migrate,
    run_migrations,
    schema_revisions,
)
from servicekit.storage._types import UtcDateTime

__all__ = [
    "Database",
    "Migrations",
    "UtcDateTime",
    "make_engine",
    "migrate",
    "run_migrations",
    "schema_revisions",
]
