"""Issuer storage: SQLAlchemy 2 models, sessions, Alembic migrations (over servicekit.storage)."""

from issuer.storage._citizens import LoginAttemptRow, PortalSessionRow
from issuer.storage._db import MIGRATIONS, Database
from issuer.storage._models import (
    AuditEntryRow,
    AuditHeadRow,
    Base,
    IssuanceBasisRow,
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
    AuthorizationRow,
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
    "AuthorizationRow",
    "Base",
    "CNonceRow",
    "CredentialResponseRow",
    "Database",
    "DpopJtiRow",
    "DpopNonceRow",
    "IssuanceBasisRow",
    "IssuanceMemberRow",
    "IssuanceRow",
    "LoginAttemptRow",
    "OfferRow",
    "PortalSessionRow",
    "RevocationEntryRow",
    "RevocationListRow",
    "StatusEntryRow",
    "StatusListRow",
    "insert_if_absent",
    "table_of",
]
