"""The issuer database: ``servicekit.storage`` with the issuer's Alembic history."""

from __future__ import annotations

from servicekit import storage

#: The issuer's revisions are recorded in Alembic's default table (kept for existing databases).
MIGRATIONS = storage.Migrations("issuer", version_table="alembic_version")


class Database(storage.Database):
    """Sessions over the issuer's database (SQLite or PostgreSQL); ``migrate()`` to head."""

    def __init__(self, url: str) -> None:
        super().__init__(url, MIGRATIONS)
