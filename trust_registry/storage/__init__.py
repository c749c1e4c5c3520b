"""Registry storage: SQLAlchemy 2 models, sessions, Alembic migrations (over servicekit.storage)."""

from trust_registry.storage._db import MIGRATIONS, Database
from trust_registry.storage._models import (
    AccreditationRow,
    AuditRow,
    Base,
    CertificateRow,
    InstitutionRow,
    IssuerListRow,
    IssuerRow,
    IssuerSignsForRow,
    SignedDocumentRow,
    TrustListSequenceRow,
)

__all__ = [
    "MIGRATIONS",
    "AccreditationRow",
    "AuditRow",
    "Base",
    "CertificateRow",
    "Database",
    "InstitutionRow",
    "IssuerListRow",
    "IssuerRow",
    "IssuerSignsForRow",
    "SignedDocumentRow",
    "TrustListSequenceRow",
]
