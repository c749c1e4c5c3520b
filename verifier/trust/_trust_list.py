"""Registry-signed JWS (trust lists, bundles): sign, and verify against the pinned root.

docs/trust-list.md §Trust list: compact JWS, ``typ`` ``civicred-trust-list+jwt``, ``x5c`` =
[registry signing certificate] (never the root, HAIP), signed by a certificate that chains to the
pinned root and carries no EKU. The chain is validated at the data's ``issued_at`` (its signing
time, as for documents); staleness is the freshness policy's business, never silently "valid".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cryptography import x509

from verifier import codes
from verifier._errors import MalformedInput, UntrustedIssuer
from verifier.jose import CREDENTIAL_ALGORITHMS, AlgorithmPolicy, CompactJws, sign_compact_json
from verifier.trust._fields import numeric_date
from verifier.trust._freshness import FreshnessPolicy
from verifier.trust._model import TrustList
from verifier.trust._pki import parse_x5c, public_key_of, validate_chain, x5c_header
from verifier.trust._snapshot import TrustSnapshot

if TYPE_CHECKING:
    from verifier.signing import Signer

TRUST_LIST_TYP = "civicred-trust-list+jwt"
REGISTRY_ALGORITHMS: AlgorithmPolicy = CREDENTIAL_ALGORITHMS


@dataclass(frozen=True, slots=True)
class RegistryJws:
    """A verified registry JWS: its payload, the validated chain (leaf … root), its time."""

    payload: Mapping[str, Any]
    chain: tuple[x509.Certificate, ...]
    issued_at: datetime


def sign_registry_jws(payload: Mapping[str, Any], *, typ: str, signer: Signer) -> str:
    """Sign ``payload`` with the registry signer; ``x5c`` comes from its certificate chain."""
    chain = signer.certificate_chain
    if not chain:
        raise ValueError("the registry signer has no certificate chain (x5c is required)")
    return sign_compact_json({"typ": typ, "x5c": x5c_header(chain)}, payload, signer)


def verify_registry_jws(token: str, *, typ: str, root: x509.Certificate, what: str) -> RegistryJws:
    """Verify typ, signature (x5c leaf) and chain to ``root`` (the only anchor) at ``issued_at``.

    Raises ``trust.typ``, ``trust.x5c``, ``jws.alg``/``jws.signature``, ``trust.chain``,
    ``trust.cert_expired``/``trust.cert_not_yet_valid``, ``trust.wrong_use``, ``trust.list``.
    """
    jws = CompactJws.parse(token, what=what)
    if jws.header.get("typ") != typ:
        raise UntrustedIssuer(
            f"{what} typ is {jws.header.get('typ')!r}, not {typ!r}", code=codes.TRUST_TYP
        )
    certs = parse_x5c(jws.header.get("x5c"))
    jws.verify(public_key_of(certs[0]), REGISTRY_ALGORITHMS)
    payload = jws.payload_object(what=f"{what} payload")
    signed_at = numeric_date(payload.get("issued_at"))
    if signed_at is None:
        raise MalformedInput(f"{what} issued_at is not a NumericDate", code=codes.TRUST_LIST)
    chain = validate_chain(certs[0], certs[1:], root, at=signed_at, use="registry_signing")
    return RegistryJws(payload, chain, signed_at)


def sign_trust_list(model: TrustList, signer: Signer) -> str:
    """The ``civicred-trust-list+jwt`` of ``model`` (trust-list.md §Trust list)."""
    return sign_registry_jws(model.to_json(), typ=TRUST_LIST_TYP, signer=signer)


def verify_trust_list(
    token: str,
    root: x509.Certificate,
    now: datetime,
    max_age: timedelta | None = None,
    *,
    policy: FreshnessPolicy | None = None,
) -> TrustSnapshot:
    """Verify a trust list against the pinned ``root`` and rate its freshness at ``now``.

    A stale list still yields a snapshot; its ``freshness`` check is ``undetermined`` and callers
    put it into their report (trust-list.md §Freshness policy).
    """
    if policy is None:
        policy = FreshnessPolicy()
        if max_age is not None:
            policy = FreshnessPolicy(max_age, min(policy.warn_after, max_age), policy.leeway)
    verified = verify_registry_jws(token, typ=TRUST_LIST_TYP, root=root, what="trust list")
    model = TrustList.from_json(verified.payload)
    freshness = policy.check(
        "the trust list", model.issued_at, now=now, next_update=model.next_update
    )
    return TrustSnapshot(model, freshness, root, verified.chain[0])
