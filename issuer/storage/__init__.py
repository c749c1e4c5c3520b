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
    table_of,
)
from issuer.storage._oid4vci import (
    AccessTokenRow,
    CNonceRow,
    CredentialResponseRow,
    DpopJtiRow,
    DpopNonceRow,
    OfferRow,
)
from issuer.storage._unique import insert_if_absent

__all__ = [
    "MIGRATIONS",
    "AccessTokenRow",
    "AuditEntryRow",
    "AuditHeadRow",
    "Base",
    "CNonceRow",
    "CredentialResponseRow",
    "Database",
    "DpopJtiRow",
    "DpopNonceRow",
    "IssuanceMemberRow",
    "IssuanceRow",
    "OfferRow",
    "RevocationEntryRow",
    "RevocationListRow",
    "StatusEntryRow",
    "StatusListRow",
    "insert_if_absent",
    "table_of",
]
