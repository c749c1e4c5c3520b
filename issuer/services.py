"""The issuer's service container: settings, database, keys and domain services, built once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from issuer.audit import AuditLog
from issuer.issuance import Authorize, CredentialIssuer
from issuer.lifecycle import LifecycleService
from issuer.oid4vci import IssuanceRecorder, OpenId4VciService
from issuer.settings import IssuerSettings
from issuer.sources import AuthenticSource, DevAuthenticSource
from issuer.status import JtiRevocationService, StatusService
from issuer.storage import Database
from verifier.signing import Signer


def wall_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class IssuerServices:
    settings: IssuerSettings
    db: Database
    #: The one wall clock of the service (domain services take it as an input).
    clock: Callable[[], datetime]
    document_signer: Signer
    status_signer: Signer
    status: StatusService
    revocation: JtiRevocationService
    credentials: CredentialIssuer
    #: The hash-chained audit log every change and every operator request is recorded in.
    audit: AuditLog
    #: Issuances and the operator's changes to them (issuer.lifecycle).
    lifecycle: LifecycleService
    #: Where the facts about people come from (the subjects of offers).
    source: AuthenticSource
    oid4vci: OpenId4VciService

    @classmethod
    def build(
        cls,
        settings: IssuerSettings,
        *,
        document_signer: Signer,
        status_signer: Signer,
        authorize: Authorize | None = None,
        source: AuthenticSource | None = None,
        recorder: IssuanceRecorder | None = None,
        clock: Callable[[], datetime] = wall_clock,
        migrate: bool = True,
    ) -> IssuerServices:
        """``migrate=False``: the schema is someone else's job (``civicred issuer migrate``);
        nothing here connects to the database. ``source`` defaults to the fictional dev
        citizens (the only adapter so far); ``recorder`` (what an OpenID4VCI credential response
        is recorded in) to the lifecycle's issuances."""
        db = Database(settings.database_url)
        if migrate:
            db.migrate()
        source = source or DevAuthenticSource()
        audit = AuditLog(db, clock=clock)
        status = StatusService(db, settings, status_signer, clock=clock, audit=audit)
        revocation = JtiRevocationService(db, settings, status_signer, clock=clock, audit=audit)
        credentials = CredentialIssuer(settings.credential_issuer, document_signer, authorize)
        lifecycle = LifecycleService(db, status, revocation, audit, clock=clock)
        return cls(
            settings=settings,
            db=db,
            clock=clock,
            document_signer=document_signer,
            status_signer=status_signer,
            status=status,
            revocation=revocation,
            credentials=credentials,
            audit=audit,
            lifecycle=lifecycle,
            source=source,
            oid4vci=OpenId4VciService(
                db=db,
                settings=settings,
                credentials=credentials,
                status=status,
                source=source,
                recorder=recorder or lifecycle,
                audit=audit,
                clock=clock,
            ),
        )

    def close(self) -> None:
        """Release the database connections (at shutdown)."""
        self.db.dispose()
