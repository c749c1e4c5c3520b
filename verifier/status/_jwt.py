"""Status List Token in JWT form (draft-ietf-oauth-status-list-20 §5.1, §4.2)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from verifier import codes
from verifier._errors import MalformedInput
from verifier.jose import (
    AlgorithmPolicy,
    CompactJws,
    PublicKey,
    b64_decode,
    b64url_decode,
    sign_compact_json,
)
from verifier.status._list import DEFAULT_MAX_ENTRIES, StatusList
from verifier.status._media import STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_JWT_TYP
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


def encode_status_list_jwt(
    status_list: StatusList,
    *,
    uri: str,
    signer: Signer,
    iat: int,
    exp: int | None = None,
    ttl: int | None = None,
    issuer: str | None = None,
    aggregation_uri: str | None = None,
) -> str:
    """Sign a Status List Token JWT (§5.1): header typ statuslist+jwt, kid, x5c if any.

    Claims are emitted in sorted order, as in the draft's example, so the signing input is
    reproducible from the same inputs.
    """
    check_encode_arguments(uri, iat, exp, ttl)
    header: dict[str, Any] = {"kid": signer.kid, "typ": STATUS_LIST_JWT_TYP}  # §5.1 typ REQUIRED
    chain = certificate_chain_der(signer)
    if chain:  # RFC 7515 §4.1.6: standard (not URL-safe) base64 DER, leaf first
        header["x5c"] = [base64.b64encode(der).decode("ascii") for der in chain]
    body = status_list.json_object(aggregation_uri)  # §4.2
    claims: dict[str, Any] = {}
    if exp is not None:
        claims["exp"] = exp
    claims["iat"] = iat  # §5.1 REQUIRED
    if issuer is not None:
        claims["iss"] = issuer
    claims["status_list"] = body  # §5.1 REQUIRED, §4.2 structure
    claims["sub"] = uri  # §5.1 REQUIRED
    if ttl is not None:
        claims["ttl"] = ttl
    return sign_compact_json(header, claims, signer)


def _check_typ(typ: object) -> None:
    # §5.1: typ MUST be statuslist+jwt. RFC 7515 §4.1.9: media types are case-insensitive and
    # "application/" is implied when the value has no '/'.
    value = typ.lower() if isinstance(typ, str) else None
    if value is not None and "/" not in value:
        value = "application/" + value
    if value != STATUS_LIST_JWT_MEDIA_TYPE:
        raise MalformedInput(f"typ {typ!r} is not {STATUS_LIST_JWT_TYP}", code=codes.STATUS_TYP)


def _x5c(header: Mapping[str, Any]) -> tuple[bytes, ...]:
    x5c = header.get("x5c")
    if x5c is None:
        return ()
    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise MalformedInput("x5c is not a non-empty array of strings", code=codes.STATUS_FORMAT)
    try:  # RFC 7515 §4.1.6: standard base64 (not base64url) DER
        return tuple(b64_decode(c, what="an x5c certificate") for c in x5c)
    except MalformedInput:
        raise MalformedInput(
            "x5c holds an entry that is not base64", code=codes.STATUS_FORMAT
        ) from None


def decode_status_list_jwt(
    token: str,
    *,
    key: PublicKey,
    policy: AlgorithmPolicy,
    expected_uri: str,
    now: int | float,
    leeway: int | float = 0,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES,
) -> StatusListToken:
    """Verify a Status List Token JWT with a trusted ``key`` and return it (§8.3 steps 3-5).

    ``expected_uri`` is the ``uri`` of the Referenced Token's status_list; ``now`` is injected.
    """
    if not isinstance(token, str):
        raise MalformedInput("a status list JWT is text", code=codes.STATUS_FORMAT)
    check_decode_arguments(now, max_token_bytes, len(token))
    with status_errors():
        jws = CompactJws.parse(token.strip(), what="status list token")
    _check_typ(jws.header.get("typ"))
    with status_errors():
        jws.verify(key, policy)  # §5.1 rule 2: MUST reject an invalid signature
        claims = jws.payload_object(what="status list token payload")
    body = claims.get("status_list")  # §5.1: REQUIRED, §4.2 structure
    if not isinstance(body, Mapping):
        raise MalformedInput(
            "status_list claim is missing or not an object", code=codes.STATUS_CLAIMS
        )
    lst = body.get("lst")
    if not isinstance(lst, str):  # §4.2: lst REQUIRED, base64url string
        raise MalformedInput("status_list.lst is missing or not a string", code=codes.STATUS_CLAIMS)
    try:
        compressed = b64url_decode(lst, what="status_list.lst")
    except MalformedInput as exc:
        raise MalformedInput(exc.message, code=codes.STATUS_LST) from None
    ttl = claims.get("ttl")  # §5.1: if present, MUST be a positive number
    if ttl is not None and (type(ttl) is bool or not isinstance(ttl, int | float) or ttl <= 0):
        raise MalformedInput(f"ttl {ttl!r} is not a positive number", code=codes.STATUS_TTL)
    kid = jws.header.get("kid")
    return build_token(
        "jwt",
        sub=claims.get("sub"),
        iat=claims.get("iat"),
        exp=claims.get("exp"),
        nbf=claims.get("nbf"),
        iss=claims.get("iss"),
        ttl=ttl,
        bits=body.get("bits"),
        lst=compressed,
        aggregation_uri=body.get("aggregation_uri"),
        kid=kid if isinstance(kid, str) else None,
        chain=_x5c(jws.header),
        expected_uri=expected_uri,
        now=now,
        leeway=leeway,
        max_entries=max_entries,
    )
