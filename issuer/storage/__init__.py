"""Issuer storage: SQLAlchemy 2 models, sessions, Alembic migrations."""

from issuer.storage._db import Database, make_engine, migrate
from issuer.storage._models import (
    AuditRow,
    Base,
    RevocationEntryRow,
    RevocationListRow,
    StatusEntryRow,
    StatusListRow,
)

__all__ = [
    "AuditRow",
    "Base",
    "Database",
    "RevocationEntryRow",
    "RevocationListRow",
    "StatusEntryRow",
    "StatusListRow",
    "make_engine",
    "migrate",
]
