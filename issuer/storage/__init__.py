"""Issuer storage: SQLAlchemy 2 models, sessions, Alembic migrations (over servicekit.storage)."""

from issuer.storage._db import MIGRATIONS, Database
from issuer.storage._models import (
    AuditRow,
    Base,
    RevocationEntryRow,
    RevocationListRow,
    StatusEntryRow,
    StatusListRow,
)

__all__ = [
    "MIGRATIONS",
    "AuditRow",
    "Base",
    "Database",
    "RevocationEntryRow",
    "RevocationListRow",
    "StatusEntryRow",
    "StatusListRow",
]
