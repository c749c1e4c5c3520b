"""Resolvers for tokens that carry their certificate chain in ``x5c`` (SD-JWT VC, status lists).

HAIP 1.0 (STANDARDS.md §3): issuer key resolution via ``x5c`` MUST be supported; the chain in
``x5c`` does not contain the trust anchor. We pin the registry root and never trust a key from a
token unless its chain validates to that root *and* the trust list lists the leaf for that use.
A pinned root found inside ``x5c`` is ignored (not needed, not an error); any other self-signed
or unrelated certificate makes the chain fail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cryptography import x509

from verifier import codes
from verifier._errors import ClaimsInvalid, UntrustedIssuer
from verifier._report import Check
from verifier.trust._freshness import FreshnessPolicy
from verifier.trust._pki import (
    ValidationUse,
    cert_der,
    parse_x5c,
    public_key_of,
    validate_chain,
    x5t_s256,
)
from verifier.trust._resolver import ResolvedKey
from verifier.trust._snapshot import Authorization, TrustSnapshot


def _instant(value: datetime | int | float) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return value.astimezone(UTC)
    return datetime.fromtimestamp(value, UTC)


def _signed_at(payload: Mapping[str, Any], fallback: datetime) -> datetime:
    """The token's ``iat`` (its signing time) or, without one, the policy's ``now``."""
    iat = payload.get("iat")
    if type(iat) is bool or not isinstance(iat, int | float):
        return fallback
    try:
        return datetime.fromtimestamp(iat, UTC)
    except (OverflowError, OSError, ValueError):
        raise ClaimsInvalid("iat is out of range", code=codes.CLAIMS_IAT) from None


class _X5cResolver:
    def __init__(
        self, snapshot: TrustSnapshot, root: x509.Certificate, *, now: datetime | int | float
    ) -> None:
        self.snapshot = snapshot
        self.root = root
        self.now = _instant(now)
        self._root_der = cert_der(root)
        self._root_fp = x5t_s256(root)

    def freshness(self, policy: FreshnessPolicy | None = None) -> Check:
        """The trust list's freshness at this resolver's ``now``: callers add it to the report
        (a resolver can only fail, it cannot make an outcome ``undetermined``)."""
        return self.snapshot.freshness_at(self.now, policy)

    def _chain(
        self, certs: Sequence[x509.Certificate], at: datetime, use: ValidationUse
    ) -> x509.Certificate:
        certs = [c for c in certs if cert_der(c) != self._root_der]  # the pin is never needed
        if not certs:
            raise UntrustedIssuer("x5c holds no end-entity certificate", code=codes.TRUST_CHAIN)
        validate_chain(certs[0], certs[1:], self.root, at=at, use=use)
        return certs[0]

    def _resolved(self, leaf: x509.Certificate, decision: Authorization) -> ResolvedKey:
        assert decision.issuer is not None
        return ResolvedKey(
            public_key_of(leaf),
            x5t_s256(leaf),
            decision.issuer.credential_issuer,
            f"{self.snapshot.source}: {decision.issuer.id}, x5c chain to root "
            f"{self._root_fp[:12]}…",
        )


class SdJwtVcTrustResolver(_X5cResolver):
    """Issuer keys of SD-JWT VCs from ``x5c``, authorized by the trust list.

    The leaf must chain to the pinned root at the credential's ``iat`` (else ``now``), be a
    ``document_signing`` certificate listed for the issuer whose ``credential_issuer`` equals
    ``iss``, and that issuer must be authorized for ``vct`` on that date for the institution
    ``authentic_source.id`` (when disclosed in clear) or else for itself.
    """

    def resolve(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> ResolvedKey:
        certs = parse_x5c(header.get("x5c"))  # HAIP: x5c is how SD-JWT VC issuer keys resolve
        at = _signed_at(payload, self.now)
        leaf = self._chain(certs, at, "document_signing")
        found = self.snapshot.certificate(x5t_s256(leaf))
        if found is None:
            raise UntrustedIssuer(
                f"the x5c leaf is not a certificate of the {self.snapshot.source}",
                code=codes.TRUST_UNKNOWN_KID,
            )
        issuer, entry = found
        iss = payload.get("iss")
        if iss != issuer.credential_issuer:
            raise UntrustedIssuer(
                f"the certificate belongs to {issuer.credential_issuer}, not to iss {iss!r}",
                code=codes.TRUST_ISSUER_MISMATCH,
            )
        vct = payload.get("vct")
        if not isinstance(vct, str) or not vct:
            raise ClaimsInvalid("vct is missing or not a string", code=codes.CLAIMS_VCT)
        source = payload.get("authentic_source")
        institution = source.get("id") if isinstance(source, Mapping) else None
        if not isinstance(institution, str):
            institution = issuer.id
        decision = self.snapshot.authorize(entry, vct, institution, at)
        decision.raise_if_denied()
        return self._resolved(leaf, decision)


class StatusListTrustResolver(_X5cResolver):
    """Keys of Token Status Lists and jti revocation lists (HAIP: x5c, no anchor inside).

    The leaf must chain to the pinned root, be a ``status_signing`` certificate covering the
    list's ``iat`` (else ``now``), and belong to an issuer whose ``status_lists`` or
    ``revocation_lists`` names the list URI (the JWT ``sub``, draft-ietf-oauth-status-list §5.1).
    """

    def resolve(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> ResolvedKey:
        uri = payload.get("sub")
        if not isinstance(uri, str) or not uri:
            raise ClaimsInvalid("the status list has no sub (its URI)", code=codes.CLAIMS_SUB)
        return self.resolve_chain(uri, parse_x5c(header.get("x5c")), _signed_at(payload, self.now))

    def resolve_chain(
        self, uri: str, chain: Sequence[x509.Certificate], at: datetime
    ) -> ResolvedKey:
        """For callers holding the chain already (a CWT ``x5chain``)."""
        leaf = self._chain(chain, at, "status_signing")
        decision = self.snapshot.authorize_list_signer(uri, x5t_s256(leaf), at)
        decision.raise_if_denied()
        return self._resolved(leaf, decision)
