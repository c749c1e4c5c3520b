"""Status List Token in CWT form (draft-ietf-oauth-status-list-20 §5.2, §4.3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from verifier import codes
from verifier._errors import MalformedInput
from verifier.cose import CoseSign1, CwtClaim, CwtClaims, HeaderParameter, encode_cwt_claims, sign1
from verifier.jose import AlgorithmPolicy, PublicKey, b64url_encode
from verifier.status._list import DEFAULT_MAX_ENTRIES, StatusList
from verifier.status._media import STATUS_LIST_CWT_MEDIA_TYPE
from verifier.status._token import (
    DEFAULT_MAX_TOKEN_BYTES,
    StatusListToken,
    build_token,
    certificate_chain_der,
    check_decode_arguments,
    check_encode_arguments,
    status_errors,
)

if TYPE_CHECKING:
    from verifier.signing import Signer


def encode_status_list_cwt(
    status_list: StatusList,
    *,
    uri: str,
    signer: Signer,
    iat: int,
    exp: int | None = None,
    ttl: int | None = None,
    issuer: str | None = None,
    aggregation_uri: str | None = None,
) -> bytes:
    """Sign a Status List Token CWT: COSE_Sign1_Tagged (18), never CWT tag 61 (§5.2).

    Protected: alg, 16 typ ``application/statuslist+cwt`` and 33 x5chain if the signer has a
    chain (RFC 9360: one bstr, or an array for several). Unprotected: 4 kid, as in the draft's
    example. Claims follow the example's order: 1 iss?, 2 sub, 6 iat, 4 exp?, 65534 ttl?, 65533.
    """
    check_encode_arguments(uri, iat, exp, ttl)
    if ttl is not None and type(ttl) is not int:
        raise ValueError("a CWT ttl is an unsigned integer (§5.2)")
    protected: dict[int | str, Any] = {HeaderParameter.TYP: STATUS_LIST_CWT_MEDIA_TYPE}
    chain = certificate_chain_der(signer)
    if chain:
        protected[HeaderParameter.X5CHAIN] = chain[0] if len(chain) == 1 else list(chain)
    body = status_list.cbor_map(aggregation_uri)  # §4.3
    claims: dict[int | str, Any] = {}
    if issuer is not None:
        claims[CwtClaim.ISS] = issuer
    claims[CwtClaim.SUB] = uri  # §5.2 REQUIRED
    claims[CwtClaim.IAT] = iat  # §5.2 REQUIRED
    if exp is not None:
        claims[CwtClaim.EXP] = exp
    if ttl is not None:
        claims[CwtClaim.TTL] = ttl
    claims[CwtClaim.STATUS_LIST] = body  # §5.2 REQUIRED
    return sign1(
        encode_cwt_claims(claims),
        signer,
        protected=protected,
        unprotected={HeaderParameter.KID: signer.kid.encode("utf-8")},
    )


def _check_typ(typ: object) -> None:
    # §5.2: 16 (type) REQUIRED in the protected header; the CoAP Content-Format id is still TBD
    # (§14.8), so only the media type string is accepted (compared case-insensitively).
    if not isinstance(typ, str) or typ.lower() != STATUS_LIST_CWT_MEDIA_TYPE:
        raise MalformedInput(
            f"protected typ (16) {typ!r} is not {STATUS_LIST_CWT_MEDIA_TYPE}", code=codes.STATUS_TYP
        )


def cwt_certificate_chain(token: bytes) -> tuple[bytes, ...]:
    """The DER certificates in an (unverified) Status List CWT's ``x5chain``, to find its signer."""
    return _x5chain(CoseSign1.decode(token))


def _x5chain(message: CoseSign1) -> tuple[bytes, ...]:
    chain = message.header(HeaderParameter.X5CHAIN)
    if chain is None:
        return ()
    certs = (chain,) if isinstance(chain, bytes) else chain
    if not isinstance(certs, list | tuple) or not certs:
        raise MalformedInput("x5chain is not a bstr or an array of bstr", code=codes.STATUS_FORMAT)
    if not all(isinstance(c, bytes) and c for c in certs):
        raise MalformedInput("x5chain holds an entry that is not a bstr", code=codes.STATUS_FORMAT)
    return tuple(certs)


def _kid(message: CoseSign1) -> str | None:
    with status_errors():
        kid = message.kid
    if kid is None:
        return None
    try:
        return kid.decode("utf-8")
    except UnicodeDecodeError:
        return b64url_encode(kid)


def decode_status_list_cwt(
    token: bytes,
    *,
    key: PublicKey,
    policy: AlgorithmPolicy,
    expected_uri: str,
    now: int | float,
    leeway: int | float = 0,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES,
) -> StatusListToken:
    """Verify a Status List Token CWT with a trusted ``key`` and return it (§8.3 steps 3-5)."""
    if not isinstance(token, bytes | bytearray | memoryview):
        raise MalformedInput("a status list CWT is bytes", code=codes.STATUS_FORMAT)
    check_decode_arguments(now, max_token_bytes, len(token))
    with status_errors():
        # §5.2: MUST be COSE_Sign1_Tagged (18) (or Mac0, which a verifier holding a public key
        # cannot check); the CWT tag 61 MUST NOT be used, so any other outer tag is refused.
        message = CoseSign1.decode(bytes(token), max_size=max_token_bytes)
    _check_typ(message.protected.get(HeaderParameter.TYP))
    with status_errors():
        message.verify(key, policy)  # §5.2 rule 2: MUST reject an invalid signature
        claims = CwtClaims.decode(message.payload, max_size=max_token_bytes)
    body = claims.claims.get(CwtClaim.STATUS_LIST)  # §5.2: 65533 REQUIRED, §4.3 structure
    if not isinstance(body, Mapping):
        raise MalformedInput(
            "status list claim (65533) is missing or not a map", code=codes.STATUS_CLAIMS
        )
    lst = body.get("lst")
    if not isinstance(lst, bytes):  # §4.3: lst is a byte string
        raise MalformedInput(
            "status_list lst is missing or not a byte string", code=codes.STATUS_CLAIMS
        )
    ttl = claims.claims.get(CwtClaim.TTL)  # §5.2: unsigned integer, MUST be positive
    if ttl is not None and (type(ttl) is not int or ttl <= 0):
        raise MalformedInput(
            f"ttl (65534) {ttl!r} is not a positive integer", code=codes.STATUS_TTL
        )
    return build_token(
        "cwt",
        sub=claims.sub,
        iat=claims.iat,
        exp=claims.exp,
        nbf=claims.nbf,
        iss=claims.iss,
        ttl=ttl,
        bits=body.get("bits"),
        lst=lst,
        aggregation_uri=body.get("aggregation_uri"),
        kid=_kid(message),
        chain=_x5chain(message),
        expected_uri=expected_uri,
        now=now,
        leeway=leeway,
        max_entries=max_entries,
    )
