"""The portal's relying party against forged ID tokens: a real provider metadata and JWKS server
on 127.0.0.1 (our keys), tokens bent one claim or one header at a time; each is refused with
``login_failed`` naming the check, and the genuine ones (ES256, RS256) pass."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from issuer.errors import LoginFailed
from issuer.login import OidcProvider
from issuer.settings import LoginSettings
from servicekit.local import app_thread, free_port
from verifier.jose import jwk_from_public_key, sign_compact_json
from verifier.signing import LocalSigner, generate_private_key

CLIENT = "civicred-portal"
NONCE = "n-0123456789"
EC_KEY = LocalSigner(generate_private_key("ES256"))
RSA_KEY = LocalSigner(rsa.generate_private_key(public_exponent=65537, key_size=2048))
OTHER = LocalSigner(generate_private_key("ES256"))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    app = FastAPI()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/.well-known/openid-configuration")
    def metadata() -> dict[str, Any]:
        return {
            "issuer": issuer, "authorization_endpoint": f"{issuer}/auth",
            "token_endpoint": f"{issuer}/token", "jwks_uri": f"{issuer}/jwks",
            "code_challenge_methods_supported": ["S256"],
        }  # fmt: skip

    @app.get("/jwks")
    def jwks() -> dict[str, Any]:
        return {
            "keys": [
                {**jwk_from_public_key(EC_KEY.public_key()), "kid": "ec", "use": "sig"},
                {**jwk_from_public_key(RSA_KEY.public_key()), "kid": "rsa", "use": "sig"},
            ]
        }

    with app_thread(app, port) as url:
        yield OidcProvider(LoginSettings(issuer_url=url, client_id=CLIENT), f"{url}/cb")


def token(
    provider: OidcProvider,
    *,
    key: LocalSigner = EC_KEY,
    header: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
) -> str:
    now = int(time.time())
    body = {
        "iss": provider.metadata().issuer, "sub": "abc", "aud": CLIENT, "iat": now,
        "exp": now + 300, "nonce": NONCE, "national_number": "85073003328", **(claims or {}),
    }  # fmt: skip
    kid = "rsa" if key is RSA_KEY else "ec"
    return sign_compact_json({"kid": kid, "typ": "JWT", **(header or {})}, body, key)


def test_genuine_tokens_verify(provider: OidcProvider) -> None:
    assert provider.verify_id_token(token(provider), nonce=NONCE)["national_number"]
    assert provider.verify_id_token(token(provider, key=RSA_KEY), nonce=NONCE)["sub"] == "abc"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "another-client"}, "aud"),
        ({"iss": "https://evil.example"}, "iss"),
        ({"nonce": "replayed"}, "nonce"),
        ({"exp": 1_000_000}, "exp"),
        ({"aud": [CLIENT, "other"], "azp": "other"}, "azp"),
    ],
)
def test_bent_claims_are_refused(
    provider: OidcProvider, claims: dict[str, Any], reason: str
) -> None:
    with pytest.raises(LoginFailed, match=reason) as refused:
        provider.verify_id_token(token(provider, claims=claims), nonce=NONCE)
    assert refused.value.error == "login_failed" and refused.value.status_code == 400


def test_a_token_signed_by_another_key_under_a_known_kid_is_refused(provider: OidcProvider) -> None:
    with pytest.raises(LoginFailed, match="does not verify"):
        provider.verify_id_token(token(provider, key=OTHER), nonce=NONCE)


def test_an_unknown_kid_is_refused_after_one_refetch(provider: OidcProvider) -> None:
    with pytest.raises(LoginFailed, match="key the provider does not publish"):
        provider.verify_id_token(token(provider, header={"kid": "rotated-away"}), nonce=NONCE)


def test_alg_none_and_hs256_with_the_public_key_are_refused(provider: OidcProvider) -> None:
    genuine = token(provider).split(".")
    header = json.loads(base64.urlsafe_b64decode(genuine[0] + "=="))
    none = b64(json.dumps({**header, "alg": "none"}).encode())
    with pytest.raises(LoginFailed, match="does not verify"):
        provider.verify_id_token(f"{none}.{genuine[1]}.", nonce=NONCE)
    hs_header = b64(json.dumps({**header, "alg": "HS256"}).encode())
    secret = json.dumps(jwk_from_public_key(EC_KEY.public_key())).encode()
    mac = hmac.new(secret, f"{hs_header}.{genuine[1]}".encode(), hashlib.sha256).digest()
    with pytest.raises(LoginFailed, match="does not verify"):
        provider.verify_id_token(f"{hs_header}.{genuine[1]}.{b64(mac)}", nonce=NONCE)


def test_a_metadata_document_naming_another_issuer_is_refused() -> None:
    from issuer.errors import LoginUnavailable

    app = FastAPI()
    port = free_port()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/.well-known/openid-configuration")
    def metadata() -> dict[str, Any]:
        return {"issuer": "https://impostor.example", "authorization_endpoint": "x",
                "token_endpoint": "x", "jwks_uri": "x"}  # fmt: skip

    with app_thread(app, port) as url:
        relying_party = OidcProvider(LoginSettings(issuer_url=url, client_id=CLIENT), f"{url}/cb")
        with pytest.raises(LoginUnavailable, match="another issuer"):
            relying_party.metadata()
