"""Registry storage: SQLAlchemy 2 models, sessions, Alembic migrations."""

from trust_registry.storage._db import Database, make_engine, migrate
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
    "make_engine",
    "migrate",
]
