"""Signed jti revocation lists for paper documents (the ``rid`` of EHIC PDF QR PoC v0.5 §2.3.2).

The spec leaves the list format open ("a blacklist of revoked jtis, size-limited, each jti
assigned to a list in advance, usually hosted by the issuer"). Ours (docs/revocation-lists.md):
a compact JWS, ``typ: civicred-revocation-list+jwt``, signed by the issuer's status-signing key
(``x5c`` chain, root excluded), payload::

    {"rid": "<this list's URI>", "issued_at": 1795460000, "next_update": 1795546400,
     "capacity": 10000, "revoked": ["<jti>", ...]}
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.serialization import Encoding

from verifier import codes
from verifier._errors import MalformedInput, SignatureInvalid, StatusUnavailable
from verifier.jose import AlgorithmPolicy, CompactJws, PublicKey, b64_decode, sign_compact_json

if TYPE_CHECKING:
    from verifier.signing import Signer

REVOCATION_LIST_TYP = "civicred-revocation-list+jwt"
REVOCATION_LIST_MEDIA_TYPE = "application/jwt"
MAX_LIST_BYTES = 4 * 1024 * 1024
MAX_JTI_LENGTH = 128


@dataclass(frozen=True)
class RevocationList:
    """A verified jti revocation list."""

    rid: str
    issued_at: int
    next_update: int
    capacity: int
    revoked: frozenset[str]
    certificate_chain: tuple[bytes, ...] = ()

    def is_revoked(self, jti: str) -> bool:
        return jti in self.revoked


def encode_revocation_list(
    *,
    rid: str,
    revoked: Iterable[str],
    capacity: int,
    issued_at: int,
    next_update: int,
    signer: Signer,
) -> str:
    if next_update <= issued_at:
        raise ValueError("next_update must be after issued_at")
    entries = sorted(set(revoked))
    if len(entries) > capacity:
        raise ValueError("more revoked jtis than the list's capacity")
    header: dict[str, Any] = {"typ": REVOCATION_LIST_TYP, "kid": signer.kid}
    chain = signer.certificate_chain
    if chain:
        header["x5c"] = [base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in chain]
    claims = {
        "rid": rid,
        "issued_at": issued_at,
        "next_update": next_update,
        "capacity": capacity,
        "revoked": entries,
    }
    return sign_compact_json(header, claims, signer)


def certificate_chain_of(token: str) -> tuple[bytes, ...]:
    """The ``x5c`` DER certificates of an (unverified) list, to find its trusted signer."""
    header = CompactJws.parse(token, what="revocation list").header
    return _x5c(header)


def _x5c(header: Mapping[str, Any]) -> tuple[bytes, ...]:
    x5c = header.get("x5c", [])
    if not isinstance(x5c, list) or not all(isinstance(c, str) for c in x5c):
        raise MalformedInput("x5c must be an array of base64 strings", code=codes.REVOCATION_FORMAT)
    try:  # RFC 7515 §4.1.6: standard base64 (not base64url) DER
        return tuple(b64_decode(c, what="an x5c certificate") for c in x5c)
    except MalformedInput:
        raise MalformedInput("x5c is not base64", code=codes.REVOCATION_FORMAT) from None


def decode_revocation_list(
    token: str, *, key: PublicKey, policy: AlgorithmPolicy, expected_rid: str
) -> RevocationList:
    """Verify a list with a trusted key; freshness is judged by the caller at its ``now``."""
    if not isinstance(token, str) or len(token) > MAX_LIST_BYTES:
        raise MalformedInput(
            "revocation list is not text or too large", code=codes.REVOCATION_FORMAT
        )
    jws = CompactJws.parse(token, what="revocation list")
    if jws.header.get("typ") != REVOCATION_LIST_TYP:
        raise MalformedInput(
            f"revocation list typ is not {REVOCATION_LIST_TYP}", code=codes.REVOCATION_FORMAT
        )
    try:
        jws.verify(key, policy)
    except SignatureInvalid as exc:
        raise SignatureInvalid(
            f"revocation list: {exc.message}", code=codes.REVOCATION_SIGNATURE
        ) from None
    claims = jws.payload_object(what="revocation list payload")
    if claims.get("rid") != expected_rid:
        raise StatusUnavailable(
            "the revocation list is not the one the document names", code=codes.REVOCATION_RID
        )
    issued_at = _non_negative_int(claims.get("issued_at"), "issued_at")
    next_update = _non_negative_int(claims.get("next_update"), "next_update")
    capacity = _non_negative_int(claims.get("capacity"), "capacity")
    revoked = claims.get("revoked")
    if not isinstance(revoked, list) or not all(
        isinstance(j, str) and 0 < len(j) <= MAX_JTI_LENGTH for j in revoked
    ):
        raise MalformedInput(
            "revoked must be an array of jti strings", code=codes.REVOCATION_FORMAT
        )
    if len(revoked) > capacity:
        raise MalformedInput(
            "the list holds more entries than its capacity", code=codes.REVOCATION_FORMAT
        )
    return RevocationList(
        expected_rid, issued_at, next_update, capacity, frozenset(revoked), _x5c(jws.header)
    )


def _non_negative_int(value: object, name: str) -> int:
    if type(value) is not int or value < 0:
        raise MalformedInput(f"{name} must be a non-negative integer", code=codes.REVOCATION_FORMAT)
    return value
