"""The desk's Authorization Request (OpenID4VP 1.0 §5): a signed request object passed by
reference, and the link a wallet scans.

Choices (docs/desk.md §OpenID4VP profile):

- **Client Identifier Prefix ``x509_hash``** (§5.9.3): the client id is ``x509_hash:`` and the
  base64url SHA-256 of the DER leaf certificate; the request object is signed with that
  certificate's key and carries it in ``x5c`` (leaf first, no trust anchor). HAIP 1.0 asks
  verifiers for ``x509_hash`` and wallets for it first; a wallet decides whether it trusts the
  certificate's issuer.
- **Signed request object by reference** (§5.7, RFC 9101 §5.2): the link holds only
  ``client_id`` and ``request_uri``; the object's header ``typ`` is ``oauth-authz-req+jwt``
  (RFC 9101 §10.8) and its ``aud`` is ``https://self-issued.me/v2`` (§5.8, static discovery).
- **Response mode** ``direct_post.jwt`` (§8.3.1: the response encrypted to a key of the
  request's ``client_metadata.jwks``, one fresh key per request) or ``direct_post`` (§8.2).
- The DCQL query of the purpose (:mod:`verifier.oid4vp._dcql`), a fresh ``nonce`` (§14.1,
  replay: the KB-JWT must sign it) and ``state`` (§5.3 / RFC 6749 §4.1.1).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from cryptography import x509

from verifier.jose import (
    CREDENTIAL_ALGORITHMS,
    RESPONSE_ENCRYPTION,
    b64url_encode,
    dumps_compact,
    sign_compact,
)
from verifier.oid4vp._dcql import DcqlQuery
from verifier.policies import SD_JWT_VC_FORMAT
from verifier.signing import Signer
from verifier.trust import dump_der, x5c_header

REQUEST_OBJECT_TYP = "oauth-authz-req+jwt"  # RFC 9101 §10.8, OpenID4VP 1.0 §5.2
REQUEST_OBJECT_MEDIA_TYPE = "application/oauth-authz-req+jwt"  # RFC 9101 §10.2
STATIC_DISCOVERY_AUDIENCE = "https://self-issued.me/v2"  # OpenID4VP 1.0 §5.8
X509_HASH = "x509_hash"  # OpenID4VP 1.0 §5.9.3
DIRECT_POST = "direct_post"  # §8.2
DIRECT_POST_JWT = "direct_post.jwt"  # §8.3.1
RESPONSE_MODES = (DIRECT_POST_JWT, DIRECT_POST)
WALLET_SCHEME = "openid4vp://"  # §13.1.2 (the custom URL scheme of the wallet invocation)


def x509_hash_client_id(leaf: x509.Certificate) -> str:
    """§5.9.3: ``x509_hash:`` + base64url(SHA-256(DER of the leaf certificate))."""
    return f"{X509_HASH}:{b64url_encode(hashlib.sha256(dump_der(leaf)).digest())}"


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """One request of the desk: everything its request object says."""

    client_id: str
    response_uri: str
    response_mode: str
    nonce: str
    state: str
    query: DcqlQuery
    issued_at: int
    expires_at: int
    #: ``direct_post.jwt``: the public key the response is encrypted to (with ``kid``).
    encryption_jwk: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.response_mode not in RESPONSE_MODES:
            raise ValueError(f"response_mode must be one of {', '.join(RESPONSE_MODES)}")
        if (self.response_mode == DIRECT_POST_JWT) != (self.encryption_jwk is not None):
            raise ValueError("direct_post.jwt needs an encryption key, direct_post none")

    def claims(self) -> dict[str, Any]:
        """The request object's claims (§5.1, §5.2)."""
        return {
            "iss": self.client_id,
            "aud": STATIC_DISCOVERY_AUDIENCE,
            "iat": self.issued_at,
            "exp": self.expires_at,
            "client_id": self.client_id,
            "response_type": "vp_token",
            "response_mode": self.response_mode,
            "response_uri": self.response_uri,
            "nonce": self.nonce,
            "state": self.state,
            "dcql_query": self.query.as_json(),
            "client_metadata": self._client_metadata(),
        }

    def _client_metadata(self) -> dict[str, Any]:
        """§5.1 ``client_metadata`` (§11.1): the formats and algorithms this verifier takes,
        and for encrypted responses its key and ``enc`` values (§8.3)."""
        algorithms = sorted(CREDENTIAL_ALGORITHMS.allowed)
        metadata: dict[str, Any] = {
            "vp_formats_supported": {
                SD_JWT_VC_FORMAT: {"sd-jwt_alg_values": algorithms, "kb-jwt_alg_values": algorithms}
            }
        }
        if self.encryption_jwk is not None:
            metadata["jwks"] = {"keys": [dict(self.encryption_jwk)]}
            metadata["encrypted_response_enc_values_supported"] = list(RESPONSE_ENCRYPTION.contents)
        return metadata


def sign_request(request: AuthorizationRequest, signer: Signer) -> str:
    """The request object, signed by the key of the ``x509_hash`` certificate (§5.9.3)."""
    chain: Sequence[x509.Certificate] = signer.certificate_chain
    if not chain or x509_hash_client_id(chain[0]) != request.client_id:
        raise ValueError("the signer's leaf certificate is not the one the client id names")
    header = {"typ": REQUEST_OBJECT_TYP, "x5c": x5c_header(chain)}
    return sign_compact(header, dumps_compact(request.claims()).encode("utf-8"), signer)


def wallet_link(client_id: str, request_uri: str, *, scheme: str = WALLET_SCHEME) -> str:
    """What the request QR holds (§5.7: the request by reference, ``client_id`` alongside)."""
    return f"{scheme}?{urlencode({'client_id': client_id, 'request_uri': request_uri})}"
