"""The registry's service container: settings, database, PKI and domain services, built once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from trust_registry.domain import (
    AuditService,
    CertificateService,
    DirectoryService,
    ListService,
    MetadataService,
    PublicationService,
    ResolverService,
    is_empty,
    seed_dev_data,
)
from trust_registry.domain._journal import Clock
from trust_registry.pki import CertificateAuthority
from trust_registry.settings import RegistrySettings
from trust_registry.storage import Database

log = logging.getLogger(__name__)


def wall_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class RegistryServices:
    settings: RegistrySettings
    db: Database
    ca: CertificateAuthority
    clock: Clock
    directory: DirectoryService
    certificates: CertificateService
    lists: ListService
    publication: PublicationService
    resolver: ResolverService
    metadata: MetadataService
    audit: AuditService

    @classmethod
    def build(cls, settings: RegistrySettings, *, clock: Clock = wall_clock) -> RegistryServices:
        """Migrate the database (``alembic upgrade head``), load or create the PKI, and seed
        the dev dataset into an empty database when ``settings.seed_dev_data``."""
        if settings.uses_dev_secrets:
            log.warning("DEV ONLY: the registry runs with a default passphrase or admin token")
        db = Database(settings.database_url)
        db.migrate()
        ca = CertificateAuthority.load_or_create(
            settings.pki_dir,
            passphrase=settings.root_passphrase.get_secret_value().encode(),
            registry_uri=settings.public_base_url,
            now=clock(),
        )
        directory = DirectoryService(db, clock)
        services = cls(
            settings=settings,
            db=db,
            ca=ca,
            clock=clock,
            directory=directory,
            certificates=CertificateService(
                db,
                clock,
                ca,
                default_validity=timedelta(days=settings.certificate_validity_days),
                min_publication=timedelta(seconds=settings.min_publication_seconds),
            ),
            lists=ListService(db, clock, max_token_bytes=settings.max_list_token_bytes),
            publication=PublicationService(
                db,
                clock,
                ca,
                iss=settings.public_base_url,
                validity=timedelta(seconds=settings.trust_list_validity_seconds),
                resign_after=timedelta(seconds=settings.resign_after_seconds),
            ),
            resolver=ResolverService(db),
            metadata=MetadataService(db),
            audit=AuditService(db),
        )
        if settings.seed_dev_data and is_empty(db):
            log.warning("DEV ONLY: seeding the dev dataset (BE:CBSS, BE:0120, BE:0320)")
            seed_dev_data(directory)
        return services

    def close(self) -> None:
        self.db.dispose()
