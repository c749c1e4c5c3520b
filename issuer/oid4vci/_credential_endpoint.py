"""The credential endpoint's issuance (OpenID4VCI 1.0 §8): one response per grant and
configuration, one SD-JWT VC per proven key, in **one database transaction**.

Batch copies share nothing that links them: each has its own holder key (``cnf.jwk``), its own
random salts and decoys, its own random status index (:meth:`StatusService.allocate_in`, on a
list published before or in the same transaction as its first index) and day-precision times.

Order (docs/openid4vci.md, "One transaction per credential request"). Before the transaction, the checks that need
no database: the DPoP proof's signature and claims, the request body, the key proofs' signatures
and claims (their refusals are given back below, where each check stands in this order). In the
transaction: the access token and its key, the DPoP server nonce and ``jti``
(:meth:`ResourceGuard.grant`); the configuration and the token's scope; a response not already
made for this grant; the key proofs' nonces (consumed); then, all or nothing (a savepoint), the
status entries, the signatures, the response (unique per grant and configuration), and last the
two rows every issuance locks until its commit: the status list's count and the issuance ledger
with its audit entry (:class:`IssuanceRecorder`). A refusal (4xx) commits
what the request consumed before it — the ``jti``, the nonces — and nothing of the issuance; a
server error (5xx) rolls all of it back. The credentials are returned only after the commit, so
every status entry they reference is stored, on a list that is served.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar, cast

from sqlalchemy.orm import Session

from issuer.catalog import CredentialType
from issuer.errors import (
    CredentialRequestDenied,
    InsufficientScope,
    InvalidCredentialRequest,
    IssuanceRefused,
    ServiceError,
    UnknownCredentialConfiguration,
    UnknownCredentialIdentifier,
)
from issuer.issuance import CredentialIssuer
from issuer.observability import metrics
from issuer.oid4vci._configurations import configurations
from issuer.oid4vci._key_proofs import KeyProofChecker, ProvenKey
from issuer.oid4vci._nonces import CNonces
from issuer.oid4vci._recorder import IssuanceRecorder
from issuer.oid4vci._requests import CredentialRequest
from issuer.oid4vci._responses import ALREADY_ISSUED, CredentialResponses
from issuer.oid4vci._tokens import TokenGrant
from issuer.sources import AuthenticSource
from issuer.status import StatusService

T = TypeVar("T")


@dataclass(frozen=True)
class Ahead(Generic[T]):
    """A check run before the transaction (it needs no database): its result, or its refusal
    raised by :meth:`get` where the check stands in the endpoint's order."""

    value: T | None
    refusal: ServiceError | None = None

    @classmethod
    def run(cls, check: Callable[[], T]) -> Ahead[T]:
        try:
            return cls(check())
        except ServiceError as exc:
            return cls(None, exc)

    def get(self) -> T:
        if self.refusal is not None:
            raise self.refusal
        return cast(T, self.value)


@dataclass(frozen=True)
class IssuedCredentials:
    credential_type: str
    credentials: tuple[str, ...]
    notification_id: str


@dataclass(frozen=True)
class CredentialEndpoint:
    credentials: CredentialIssuer
    status: StatusService
    source: AuthenticSource
    recorder: IssuanceRecorder
    proofs: KeyProofChecker
    nonces: CNonces
    responses: CredentialResponses
    clock: Callable[[], datetime]

    def verify_ahead(
        self, request: Ahead[CredentialRequest], now: datetime
    ) -> Ahead[list[ProvenKey]]:
        """The key proofs' signatures and claims (no database)."""
        if request.refusal is not None:
            return Ahead(None, request.refusal)
        parsed = request.get()
        return Ahead.run(lambda: self.proofs.verify(parsed.proofs, now=int(now.timestamp())))

    def issue(
        self,
        session: Session,
        grant: TokenGrant,
        request: CredentialRequest,
        keys: Ahead[list[ProvenKey]],
        now: datetime,
    ) -> IssuedCredentials:
        """In ``session``, after :meth:`ResourceGuard.grant` (see the module docstring)."""
        configuration_id, ctype = self._configuration(grant, request)
        if self.responses.exists(session, grant.grant_reference, configuration_id):
            raise CredentialRequestDenied(ALREADY_ISSUED)
        proven = keys.get()
        self.proofs.spend_nonces(proven, lambda nonce: self.nonces.consume(session, nonce))
        try:
            person = self.source.person(grant.subject_id)
        except KeyError:
            raise CredentialRequestDenied(
                "the authentic source no longer knows the subject"
            ) from None
        try:
            with session.begin_nested():  # the issuance: all of it or none of it
                allocations = self.status.allocate_in(
                    session, len(proven), group_id=grant.grant_reference
                )
                issued = tuple(
                    self.credentials.issue(
                        ctype.id,
                        person,
                        holder_jwk=key.jwk,
                        now=now,
                        status=allocation.reference.to_claim(),
                    ).compact
                    for key, allocation in zip(proven, allocations, strict=True)
                )
                credential_ids = [a.credential_id for a in allocations]
                notification_id = self.responses.record(
                    session, grant.grant_reference, configuration_id, credential_ids
                )
                # the rows every issuance of every replica locks, last (held until the commit)
                self.status.count_allocated(session, allocations)
                self.recorder.record_issued(
                    session,
                    grant_reference=grant.grant_reference,
                    credential_type=ctype.id,
                    credential_ids=credential_ids,
                    subject_id=grant.subject_id,
                    person=person,
                )
        except (IssuanceRefused, ValueError) as exc:
            # the person is no longer eligible (claim builders), or the registry forbids it
            metrics.issued(ctype.id, "refused")
            raise CredentialRequestDenied(
                f"the issuer will not issue this credential: {exc}"
            ) from None
        return IssuedCredentials(ctype.id, issued, notification_id)

    def _configuration(
        self, grant: TokenGrant, request: CredentialRequest
    ) -> tuple[str, CredentialType]:
        """The configuration requested, as the token says it must be named (§8.2)."""
        if request.identifier is not None:
            if not grant.by_identifier:
                raise InvalidCredentialRequest(
                    "this access token has no credential identifiers: send "
                    "credential_configuration_id"
                )
            if request.identifier not in grant.configuration_ids:
                raise UnknownCredentialIdentifier("unknown credential_identifier for this token")
            configuration_id = request.identifier
        else:
            assert request.configuration_id is not None
            if grant.by_identifier:
                raise InvalidCredentialRequest(
                    "the token response named credential identifiers: send "
                    "credential_identifier (OpenID4VCI 1.0 §8.2)"
                )
            configuration_id = request.configuration_id
            if configuration_id not in configurations():
                raise UnknownCredentialConfiguration(
                    f"unknown credential configuration {configuration_id[:64]}"
                )
            if configuration_id not in grant.configuration_ids:
                raise InsufficientScope(
                    "the access token does not cover this credential configuration"
                )
        return configuration_id, configurations()[configuration_id]
