"""The tests' wallet: :class:`issuer.wallet_client.Wallet` (real keys, real signatures, real
HTTP against the ASGI app or a live server; every step can be bent for an attack) and what only
attacks need: unsigned and HMAC-signed JWTs, and looks inside the credentials."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from issuer.wallet_client import (
    Wallet,
    new_key,
    offer_from_value_link,
    offer_uri_from_link,
    pre_authorized,
)
from verifier.jose import b64url_encode, jwk_from_public_key
from verifier.signing import Signer

__all__ = [
    "ADMIN_TOKEN",
    "Wallet",
    "disclosure_salts",
    "hs256_jwt",
    "new_key",
    "offer_from_value_link",
    "offer_uri_from_link",
    "payload_of",
    "pre_authorized",
    "public_jwk",
    "unsigned_jwt",
]

ADMIN_TOKEN = "oid4vci-test-admin-token-0123456789abcdef"


def public_jwk(signer: Signer) -> dict[str, Any]:
    return jwk_from_public_key(signer.public_key())


def unsigned_jwt(header: Mapping[str, Any], claims: Mapping[str, Any]) -> str:
    """``alg: none``: no signature at all (RFC 7519 §6)."""
    part = lambda value: b64url_encode(json.dumps(value).encode())  # noqa: E731
    return f"{part({**header, 'alg': 'none'})}.{part(claims)}."


def hs256_jwt(header: Mapping[str, Any], claims: Mapping[str, Any], secret: bytes) -> str:
    part = lambda value: b64url_encode(json.dumps(value).encode())  # noqa: E731
    signing_input = f"{part({**header, 'alg': 'HS256'})}.{part(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url_encode(mac)}"


def disclosure_salts(sd_jwt: str) -> list[str]:
    """The salts of an SD-JWT's disclosures (their first array element)."""
    salts = []
    for part in sd_jwt.split("~")[1:]:
        if part:
            padded = part + "=" * (-len(part) % 4)
            salts.append(json.loads(base64.urlsafe_b64decode(padded))[0])
    return salts


def payload_of(sd_jwt: str) -> dict[str, Any]:
    jwt = sd_jwt.split("~", 1)[0]
    part = jwt.split(".")[1]
    payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return payload
