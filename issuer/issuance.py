"""Issuing wallet credentials: a credential type + a person + a holder key → SD-JWT VC.

Domain logic only (no HTTP): the OpenID4VCI endpoints and the CLI call this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from issuer.catalog import credential_type
from issuer.catalog._claims import CLAIM_BUILDERS
from verifier import IssuanceError
from verifier.sdjwt import IssuedSdJwt, issue_sd_jwt_vc
from verifier.signing import Signer


@dataclass(frozen=True)
class CredentialIssuer:
    """Issues SD-JWT VCs as ``iss`` with one signer."""

    iss: str
    signer: Signer

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
        # Technical validity ends with the administrative validity, capped by the type's maximum.
        until = date.fromisoformat(claims[ctype.until_claim])
        exp = min(
            datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC),
            now + timedelta(days=ctype.max_days),
        )
        return issue_sd_jwt_vc(
            claims,
            vct=ctype.vct,
            iss=self.iss,
            signer=self.signer,
            disclosable=ctype.disclosable_pointers(claims),
            iat=int(now.timestamp()),
            exp=int(exp.timestamp()),
            holder_jwk=holder_jwk,
            status=status,
        )


def _refuse_outside_certificate(signer: Signer, now: datetime) -> None:
    """Never sign with a certificate that is not valid at the signing time (docs/trust-list.md)."""
    chain = signer.certificate_chain
    if chain and not chain[0].not_valid_before_utc <= now <= chain[0].not_valid_after_utc:
        raise IssuanceError(
            f"the signing certificate is valid from {chain[0].not_valid_before_utc:%Y-%m-%d} "
            f"to {chain[0].not_valid_after_utc:%Y-%m-%d}; refusing to sign at {now:%Y-%m-%d}"
        )
