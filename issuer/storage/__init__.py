"""Issuer storage: SQLAlchemy 2 models, sessions, Alembic migrations (over servicekit.storage)."""

from issuer.storage._db import MIGRATIONS, Database
from issuer.storage._models import (
    AuditEntryRow,
    AuditHeadRow,
    Base,
    IssuanceMemberRow,
    IssuanceRow,
    RevocationEntryRow,
    RevocationListRow,
    StatusEntryRow,
    StatusListRow,
)

__all__ = [
    "MIGRATIONS",
    "AuditEntryRow",
    "AuditHeadRow",
    "Base",
    "Database",
    "IssuanceMemberRow",
    "IssuanceRow",
    "RevocationEntryRow",
    "RevocationListRow",
    "StatusEntryRow",
    "StatusListRow",
]
