"""Issuing wallet credentials: a credential type + a person + a holder key → SD-JWT VC.

Domain logic only (no HTTP): the OpenID4VCI endpoints and the CLI call this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from issuer.catalog import credential_type
from issuer.catalog._claims import CLAIM_BUILDERS
from issuer.errors import IssuanceNotAllowed, SigningUnavailable
from verifier.sdjwt import IssuedSdJwt, issue_sd_jwt_vc
from verifier.signing import Signer
from verifier.trust import TrustSnapshot, x5t_s256


class Authorize(Protocol):
    """The trust registry's decision for one signer."""

    def __call__(self, document_type: str, institution: str, at: datetime) -> None:
        """May the signer issue ``document_type`` for ``institution`` at ``at``? Raises
        :class:`~issuer.errors.IssuanceNotAllowed` if not."""

    @property
    def signs_from(self) -> datetime | None:
        """When the registry's signing window of the signer starts (``None``: unknown)."""


@dataclass(frozen=True)
class CredentialIssuer:
    """Issues SD-JWT VCs as ``iss`` with one signer.

    ``authorize`` (optional) checks the trust registry's decision before anything is signed: the
    signing certificate's use, state and window, and the institution's accreditation for the
    credential type on the issuance date (docs/trust-list.md). Without it only the certificate's
    validity is checked.

    Time claims have day precision: ``iat`` is 00:00 UTC of the issuance day and ``exp`` a day
    boundary, so copies of one batch (or of several holders' batches) issued seconds apart
    cannot be told apart or linked by their times (docs/openid4vci.md, "Batch issuance"). On
    the day the signing certificate starts, ``iat`` is its start instead: verifiers check the
    chain at ``iat``, and it is still the same value for every credential of that day.
    """

    iss: str
    signer: Signer
    authorize: Authorize | None = None

    def issue(
        self,
        type_id: str,
        person: Mapping[str, Any],
        *,
        holder_jwk: Mapping[str, Any] | None,
        now: datetime,
        status: Mapping[str, Any] | None = None,
    ) -> IssuedSdJwt:
        _refuse_outside_certificate(self.signer, now)
        ctype = credential_type(type_id)
        claims = CLAIM_BUILDERS[type_id](person, now.astimezone(UTC).date())
        if self.authorize is not None:
            source = claims.get("authentic_source")
            institution = (
                source["id"] if isinstance(source, dict) else claims["issuing_authority"]["id"]
            )
            self.authorize(ctype.vct, institution, now)
        # Technical validity ends with the administrative validity, capped by the type's maximum.
        until = date.fromisoformat(claims[ctype.until_claim])
        issued_on = self._day_precision(now)
        exp = min(
            datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC),
            issued_on + timedelta(days=ctype.max_days),
        )
        return issue_sd_jwt_vc(
            claims,
            vct=ctype.vct,
            iss=self.iss,
            signer=self.signer,
            disclosable=ctype.disclosable_pointers(claims),
            iat=int(issued_on.timestamp()),
            exp=int(exp.timestamp()),
            holder_jwk=holder_jwk,
            status=status,
        )

    def _day_precision(self, now: datetime) -> datetime:
        """00:00 UTC of ``now``'s day, but not before the signer's chain is valid nor before
        the registry lets it sign (verifiers check both at ``iat``)."""
        day = datetime.combine(now.astimezone(UTC).date(), time.min, tzinfo=UTC)
        starts = [c.not_valid_before_utc for c in self.signer.certificate_chain]
        if self.authorize is not None and self.authorize.signs_from is not None:
            starts.append(self.authorize.signs_from)
        return max([day, *starts])


def _refuse_outside_certificate(signer: Signer, now: datetime) -> None:
    """Never sign with a certificate that is not valid at the signing time (docs/trust-list.md)."""
    chain = signer.certificate_chain
    if chain and not chain[0].not_valid_before_utc <= now <= chain[0].not_valid_after_utc:
        raise SigningUnavailable(
            f"the signing certificate is valid from {chain[0].not_valid_before_utc:%Y-%m-%d} "
            f"to {chain[0].not_valid_after_utc:%Y-%m-%d}; refusing to sign at {now:%Y-%m-%d}"
        )


@dataclass(frozen=True)
class RegistryAuthorizer:
    """An :class:`Authorize` backed by a verified trust-list snapshot."""

    snapshot: TrustSnapshot
    thumbprint: str  # x5t#S256 of the signer's certificate

    def __call__(self, document_type: str, institution: str, at: datetime) -> None:
        decision = self.snapshot.authorize(self.thumbprint, document_type, institution, at)
        if not decision.allowed:
            reason = decision.failure.message if decision.failure else "not authorized"
            raise IssuanceNotAllowed(f"the trust registry does not allow this issuance: {reason}")

    @property
    def signs_from(self) -> datetime | None:
        found = self.snapshot.certificate(self.thumbprint)
        return None if found is None else found[1].window[0]


def registry_authorizer(snapshot: TrustSnapshot, signer: Signer) -> RegistryAuthorizer:
    if not signer.certificate_chain:
        raise SigningUnavailable("the signer has no certificate: the registry cannot authorize it")
    return RegistryAuthorizer(snapshot, x5t_s256(signer.certificate_chain[0]))
