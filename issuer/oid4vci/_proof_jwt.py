"""JWTs that prove possession of the key in their own ``jwk`` header: key proofs (OpenID4VCI 1.0
Appendix F.1, ``openid4vci-proof+jwt``) and DPoP proofs (RFC 9449 §4.2, ``dpop+jwt``).

The checks both share (OpenID4VCI 1.0 Appendix F.4, RFC 9449 §4.3): explicit ``typ``; ``alg``
from the crypto policy of :mod:`verifier.jose` (``none`` and MAC algorithms are not in it at all);
the key as a public ``jwk`` and nothing else (no ``kid``, ``x5c``, ``jku`` or ``x5u``: a key the
issuer would have to fetch or trust); the signature with that key; ``iat`` inside a window.
Pure functions: the time and the policy are inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from verifier import CivicredError
from verifier.jose import (
    AlgorithmPolicy,
    CompactJws,
    jwk_thumbprint,
    public_key_from_jwk,
    public_members,
)

#: A proof JWT longer than this is refused before it is parsed (an RSA-4096 jwk fits easily).
MAX_PROOF_CHARS = 8192
#: Header members that name a key by reference instead of carrying it (RFC 7515 §4.1).
_KEY_REFERENCES = ("kid", "x5c", "jku", "x5u", "x5t", "x5t#S256", "trust_chain")


class ProofRejected(Exception):
    """A proof JWT failed a check; ``message`` says which (no secrets, no personal data)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class KeyProof:
    """A verified proof JWT: its claims and the public key that signed it."""

    header: Mapping[str, Any]
    claims: Mapping[str, Any]
    #: The RFC 7638 members of the key (what ``cnf.jwk`` carries).
    jwk: Mapping[str, Any]
    #: RFC 7638 SHA-256 thumbprint, base64url (DPoP's ``jkt``, RFC 9449 §6).
    thumbprint: str


def verify_proof_jwt(token: object, *, typ: str, policy: AlgorithmPolicy, what: str) -> KeyProof:
    """Parse ``token`` and verify it with the key of its ``jwk`` header; raise
    :class:`ProofRejected` naming the first failed check."""
    if not isinstance(token, str) or not token:
        raise ProofRejected(f"the {what} must be a compact JWT string")
    if len(token) > MAX_PROOF_CHARS:
        raise ProofRejected(f"the {what} is longer than {MAX_PROOF_CHARS} characters")
    try:
        jws = CompactJws.parse(token, what=what)
    except CivicredError as exc:
        raise ProofRejected(str(exc)) from None
    header = jws.header
    if header.get("typ") != typ:
        raise ProofRejected(f"the {what} header typ must be {typ}")
    try:
        jws.algorithm(policy)  # before any key is parsed: none, HS256 … are not in the policy
    except CivicredError as exc:
        raise ProofRejected(f"{what}: {exc}") from None
    references = [name for name in _KEY_REFERENCES if name in header]
    if references:
        raise ProofRejected(
            f"the {what} must carry its key as jwk only (found {', '.join(references)})"
        )
    jwk = header.get("jwk")
    if not isinstance(jwk, Mapping):
        raise ProofRejected(f"the {what} header has no jwk")
    try:
        key = public_key_from_jwk(jwk)  # refuses private members (d, p, q …, priv)
        jws.verify(key, policy)  # the algorithm must fit the key type and curve
        claims = jws.payload_object(what=f"{what} payload")
        members = public_members(jwk)
        thumbprint = jwk_thumbprint(members)
    except CivicredError as exc:
        raise ProofRejected(f"{what}: {exc}") from None
    return KeyProof(header, claims, members, thumbprint)


def check_iat(claims: Mapping[str, Any], *, now: int, max_age: int, skew: int, what: str) -> int:
    """``iat`` is a number no older than ``max_age`` and no more than ``skew`` seconds ahead."""
    iat = claims.get("iat")
    if type(iat) not in (int, float):
        raise ProofRejected(f"the {what} has no numeric iat")
    if iat < now - max_age:
        raise ProofRejected(f"the {what} is too old (iat more than {max_age} s ago)")
    if iat > now + skew:
        raise ProofRejected(f"the {what} is issued in the future (iat more than {skew} s ahead)")
    return int(iat)
