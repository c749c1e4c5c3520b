"""The wallet's side of the desk's request (OpenID4VP 1.0 §5, §8): read the link, verify the
request object, answer with a vp_token. What :func:`verifier.sdjwt.present` is to SD-JWT: the
holder half of a wire format the verifier owns, for test wallets, the benchmark and the demo.

The request object is verified as a wallet must (§5.9.3, RFC 9101 §6): ``typ``, the signature
with the ``x5c`` leaf key, ``client_id`` equal to the link's and to ``x509_hash:`` of that leaf,
the leaf issued by a certificate the wallet trusts, valid at ``now``, and ``exp``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec

from verifier import codes
from verifier._errors import VerificationError
from verifier.jose import (
    CREDENTIAL_ALGORITHMS,
    RESPONSE_ENCRYPTION,
    CompactJws,
    encrypt_compact,
    public_key_from_jwk,
)
from verifier.oid4vp._request import (
    DIRECT_POST,
    DIRECT_POST_JWT,
    REQUEST_OBJECT_TYP,
    x509_hash_client_id,
)
from verifier.oid4vp._response import Refused
from verifier.trust import parse_x5c, public_key_of


@dataclass(frozen=True, slots=True)
class WalletLink:
    client_id: str
    request_uri: str


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    """A verified request object, as a wallet holds it."""

    claims: Mapping[str, Any]

    @property
    def client_id(self) -> str:
        return str(self.claims["client_id"])

    @property
    def nonce(self) -> str:
        return str(self.claims["nonce"])

    @property
    def state(self) -> str | None:
        state = self.claims.get("state")
        return state if isinstance(state, str) else None

    @property
    def response_uri(self) -> str:
        return str(self.claims["response_uri"])

    @property
    def response_mode(self) -> str:
        return str(self.claims["response_mode"])

    @property
    def dcql_query(self) -> Mapping[str, Any]:
        query = self.claims["dcql_query"]
        assert isinstance(query, dict)
        return query


def read_link(link: str) -> WalletLink | Refused:
    """``openid4vp://?client_id=…&request_uri=…`` (§5.7)."""
    query = parse_qs(urlsplit(link).query)
    client_id, request_uri = query.get("client_id", []), query.get("request_uri", [])
    if len(client_id) != 1 or len(request_uri) != 1:
        return Refused(codes.OID4VP_REQUEST, "the link needs one client_id and one request_uri")
    return WalletLink(client_id[0], request_uri[0])


def verify_request_object(
    token: str, *, link: WalletLink, trusted: Sequence[x509.Certificate], now: datetime
) -> ReceivedRequest | Refused:
    """The request object fetched from ``link.request_uri``, verified (module docstring)."""
    try:
        jws = CompactJws.parse(token, what="request object")
        if jws.header.get("typ") != REQUEST_OBJECT_TYP:
            return Refused(
                codes.OID4VP_REQUEST, f"the request object typ is not {REQUEST_OBJECT_TYP}"
            )
        chain = parse_x5c(jws.header.get("x5c"))
        jws.verify(public_key_of(chain[0]), CREDENTIAL_ALGORITHMS)
        claims = jws.payload_object(what="request object")
    except VerificationError as exc:
        return Refused(codes.OID4VP_REQUEST, f"the request object: {exc.message}")
    leaf = chain[0]
    if claims.get("client_id") != link.client_id:
        return Refused(codes.OID4VP_REQUEST, "the request object's client_id is not the link's")
    if x509_hash_client_id(leaf) != link.client_id:
        return Refused(codes.OID4VP_REQUEST, "client_id is not x509_hash of the x5c leaf")
    if not any(_issued_by(leaf, anchor) for anchor in trusted):
        return Refused(
            codes.OID4VP_REQUEST, "the verifier's certificate is not from a trusted issuer"
        )
    if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
        return Refused(codes.OID4VP_REQUEST, "the verifier's certificate is not valid now")
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= now.timestamp():
        return Refused(codes.OID4VP_EXPIRED, "the request object has expired")
    for name in ("nonce", "response_uri", "dcql_query"):
        if name not in claims:
            return Refused(codes.OID4VP_REQUEST, f"the request object has no {name}")
    if claims.get("response_mode") not in (DIRECT_POST, DIRECT_POST_JWT):
        return Refused(codes.OID4VP_REQUEST, "the response mode is not direct_post(.jwt)")
    return ReceivedRequest(claims)


def response_form(request: ReceivedRequest, vp_token: Mapping[str, list[str]]) -> dict[str, str]:
    """The form a wallet posts to ``response_uri`` (§8.2): for ``direct_post.jwt`` a JWE to the
    request's key (its ``kid`` in the header, the first ``enc`` the verifier lists that the
    crypto policy knows, §8.3), else ``vp_token`` as JSON text and ``state``."""
    parameters: dict[str, Any] = {"vp_token": dict(vp_token)}
    if request.state is not None:
        parameters["state"] = request.state
    if request.response_mode == DIRECT_POST:
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in parameters.items()}
    metadata = request.claims.get("client_metadata") or {}
    jwk = metadata["jwks"]["keys"][0]
    key = public_key_from_jwk({k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y")})
    assert isinstance(key, ec.EllipticCurvePublicKey)
    offered = metadata.get("encrypted_response_enc_values_supported", ["A128GCM"])
    enc = next(e for e in offered if e in RESPONSE_ENCRYPTION.contents)
    header = {"kid": jwk["kid"]} if "kid" in jwk else {}
    jwe = encrypt_compact(json.dumps(parameters).encode(), key, RESPONSE_ENCRYPTION,
                          alg=jwk.get("alg", "ECDH-ES"), enc=enc, header=header)  # fmt: skip
    return {"response": jwe}


def _issued_by(leaf: x509.Certificate, anchor: x509.Certificate) -> bool:
    try:
        leaf.verify_directly_issued_by(anchor)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
