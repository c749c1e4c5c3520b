"""The issuer's service container: settings, database, keys and domain services, built once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from issuer.audit import AuditLog
from issuer.issuance import Authorize, CredentialIssuer
from issuer.lifecycle import LifecycleService
from issuer.login import CitizenLogin
from issuer.oid4vci import IssuanceRecorder, OpenId4VciService
from issuer.settings import IssuerSettings, SourceSettings
from issuer.source_events import GroundedRecorder, SourceEventProcessor
from issuer.sources import (
    AuthenticSource,
    DevAuthenticSource,
    HttpAuthenticSource,
    HttpSourceOptions,
    SyntheticSource,
)
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
    #: What a change at the source does to what was issued (issuer.source_events).
    source_events: SourceEventProcessor
    oid4vci: OpenId4VciService
    #: Citizens' login through the OpenID Connect provider (portal, authorization endpoint).
    login: CitizenLogin

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
        nothing here connects to the database. ``source`` defaults to the one the settings name
        (:func:`source_from_settings`); ``recorder`` (what an OpenID4VCI credential response is
        recorded in) to the lifecycle's issuances, with their subject and source facts."""
        db = Database(settings.database_url)
        if migrate:
            db.migrate()
        source = source or source_from_settings(settings.source)
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
            source_events=SourceEventProcessor(source, lifecycle, audit),
            oid4vci=OpenId4VciService(
                db=db,
                settings=settings,
                credentials=credentials,
                status=status,
                source=source,
                recorder=recorder or GroundedRecorder(lifecycle, clock),
                audit=audit,
                clock=clock,
            ),
            login=CitizenLogin(db, settings, source, clock),
        )

    def close(self) -> None:
        """Release the database connections (at shutdown)."""
        self.db.dispose()


def source_from_settings(settings: SourceSettings) -> AuthenticSource:
    if settings.kind == "synthetic":
        return SyntheticSource(settings.synthetic_citizens, seed=settings.synthetic_seed)
    if settings.kind == "http":
        assert settings.url is not None  # checked by SourceSettings
        return HttpAuthenticSource(
            HttpSourceOptions(
                url=settings.url,
                connect_timeout_seconds=settings.connect_timeout_seconds,
                read_timeout_seconds=settings.read_timeout_seconds,
                deadline_seconds=settings.deadline_seconds,
                attempts=settings.attempts,
                backoff_seconds=settings.backoff_seconds,
                backoff_max_seconds=settings.backoff_max_seconds,
                ca_file=settings.ca_file,
                client_cert_file=settings.client_cert_file,
                client_key_file=settings.client_key_file,
                token=settings.token.get_secret_value() if settings.token else None,
            )
        )
    return DevAuthenticSource()
