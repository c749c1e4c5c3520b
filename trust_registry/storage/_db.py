"""The registry database: ``servicekit.storage`` with the registry's Alembic history."""

from __future__ import annotations

from servicekit import storage

#: The registry's own Alembic version table (the name existing databases have recorded).
VERSION_TABLE = "alembic_version_registry"
MIGRATIONS = storage.Migrations("trust_registry", version_table=VERSION_TABLE)


class Database(storage.Database):
    """Sessions over the registry's database (SQLite or PostgreSQL); ``migrate()`` to head."""

    def __init__(self, url: str) -> None:
        super().__init__(url, MIGRATIONS)
