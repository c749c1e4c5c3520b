"""Domain services: plain Python over the database, no HTTP (routers stay thin)."""

from trust_registry.domain._audit import AuditService
from trust_registry.domain._certificates import CertificateService
from trust_registry.domain._directory import DirectoryService
from trust_registry.domain._errors import (
    BadRequest,
    ConcurrentChange,
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    RegistryError,
)
from trust_registry.domain._lists import ListService, PushedList
from trust_registry.domain._metadata import MetadataService
from trust_registry.domain._publication import PublicationService, SignedDocument
from trust_registry.domain._resolver import ResolverService
from trust_registry.domain._seed import is_empty, seed_dev_data
from trust_registry.domain._views import (
    AccreditationView,
    AuditEntry,
    CertificateView,
    InstitutionView,
    IssuerView,
)

__all__ = [
    "AccreditationView",
    "AuditEntry",
    "AuditService",
    "BadRequest",
    "CertificateService",
    "CertificateView",
    "ConcurrentChange",
    "Conflict",
    "DirectoryService",
    "InstitutionView",
    "InvalidInput",
    "InvalidTransition",
    "IssuerView",
    "ListService",
    "MetadataService",
    "NotFound",
    "PublicationService",
    "PushedList",
    "RegistryError",
    "ResolverService",
    "SignedDocument",
    "is_empty",
    "seed_dev_data",
]
