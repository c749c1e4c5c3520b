"""The credential endpoint's issuance (OpenID4VCI 1.0 §8): one response per grant and
configuration, one SD-JWT VC per proven key.

Batch copies share nothing that links them: each has its own holder key (``cnf.jwk``), its own
random salts and decoys, its own random status index (one :meth:`StatusService.allocate` each,
on a list that is published before any of its indices is handed out) and day-precision times.

Order (docs/openid4vci.md, "Credential endpoint"): the configuration and the token's scope; a
response not already made for this grant; the key proofs and their nonces (consumed); the claim
of the response (unique per grant and configuration, released again if anything below fails);
status entries; signatures; the issuance ledger (:class:`IssuanceRecorder`); then the response.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from issuer.catalog import CredentialType
from issuer.errors import (
    CredentialRequestDenied,
    InsufficientScope,
    InvalidCredentialRequest,
    IssuanceRefused,
    UnknownCredentialConfiguration,
    UnknownCredentialIdentifier,
)
from issuer.issuance import CredentialIssuer
from issuer.observability import metrics
from issuer.oid4vci._configurations import configurations
from issuer.oid4vci._key_proofs import KeyProofChecker
from issuer.oid4vci._nonces import CNonces
from issuer.oid4vci._recorder import IssuanceRecorder
from issuer.oid4vci._requests import CredentialRequest
from issuer.oid4vci._responses import ALREADY_ISSUED, CredentialResponses
from issuer.oid4vci._tokens import TokenGrant
from issuer.sources import AuthenticSource
from issuer.status import StatusService


@dataclass(frozen=True)
class IssuedCredentials:
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

    def issue(self, grant: TokenGrant, request: CredentialRequest) -> IssuedCredentials:
        configuration_id, ctype = self._configuration(grant, request)
        if self.responses.exists(grant.grant_reference, configuration_id):
            raise CredentialRequestDenied(ALREADY_ISSUED)
        now = self.clock()
        keys = self.proofs.check(
            request.proofs, now=int(now.timestamp()), consume_nonce=self.nonces.consume
        )
        try:
            person = self.source.person(grant.subject_id)
        except KeyError:
            raise CredentialRequestDenied(
                "the authentic source no longer knows the subject"
            ) from None
        notification_id = self.responses.claim(grant.grant_reference, configuration_id)
        try:
            allocations = [self.status.allocate(group_id=grant.grant_reference) for _ in keys]
            issued = tuple(
                self.credentials.issue(
                    ctype.id,
                    person,
                    holder_jwk=key.jwk,
                    now=now,
                    status=allocation.reference.to_claim(),
                ).compact
                for key, allocation in zip(keys, allocations, strict=True)
            )
            credential_ids = [a.credential_id for a in allocations]
            self.recorder.record(
                grant_reference=grant.grant_reference,
                credential_type=ctype.id,
                credential_ids=credential_ids,
            )
            self.responses.complete(notification_id, credential_ids)
        except (IssuanceRefused, ValueError) as exc:
            # the person is no longer eligible (claim builders), or the registry forbids it
            self.responses.release(notification_id)
            metrics.issued(ctype.id, "refused")
            raise CredentialRequestDenied(
                f"the issuer will not issue this credential: {exc}"
            ) from None
        except BaseException:
            self.responses.release(notification_id)
            raise
        for _ in issued:
            metrics.issued(ctype.id)
        return IssuedCredentials(issued, notification_id)

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
