"""A minimal OpenID4VCI 1.0 wallet for the tests: real keys, real signatures, real HTTP (httpx,
against the ASGI app or a live server). It does what the npm ``@openid4vc/openid4vci`` wallet
does (docs/openid4vci.md): offer by reference, path-inserted metadata, token with DPoP and one
nonce retry, nonce, ``proofs.jwt`` batch, notification. Every step can be bent for an attack.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from issuer.oid4vci import NONCE_HEADER, PRE_AUTHORIZED_GRANT, PROOF_TYP, access_token_hash
from verifier.jose import b64url_encode, jwk_from_public_key, sign_compact_json
from verifier.signing import LocalSigner, generate_private_key

ADMIN_TOKEN = "oid4vci-test-admin-token-0123456789abcdef"


def new_key(alg: str = "ES256") -> LocalSigner:
    return LocalSigner(generate_private_key(alg))


def public_jwk(signer: LocalSigner) -> dict[str, Any]:
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


def offer_uri_from_link(link: str) -> str:
    query = parse_qs(urlsplit(link).query)
    return query["credential_offer_uri"][0]


def offer_from_value_link(link: str) -> dict[str, Any]:
    return json.loads(parse_qs(urlsplit(link).query)["credential_offer"][0])


@dataclass
class Wallet:
    http: httpx.Client
    clock: Callable[[], datetime] | None = None
    dpop_key: LocalSigner = field(default_factory=new_key)
    dpop_nonce: str | None = None
    issuer_metadata: dict[str, Any] = field(default_factory=dict)
    as_metadata: dict[str, Any] = field(default_factory=dict)

    def now(self) -> int:
        return int(self.clock().timestamp()) if self.clock else int(time.time())

    # -- proofs ------------------------------------------------------------------------------
    def dpop(
        self,
        method: str,
        url: str,
        *,
        access_token: str | None = None,
        nonce: str | None = None,
        key: LocalSigner | None = None,
        claims: Mapping[str, Any] | None = None,
        header: Mapping[str, Any] | None = None,
    ) -> str:
        """A DPoP proof (RFC 9449 §4.2) with this wallet's key and last server nonce."""
        key = key or self.dpop_key
        body: dict[str, Any] = {
            "jti": secrets.token_urlsafe(16),
            "htm": method,
            "htu": url,
            "iat": self.now(),
        }
        nonce = nonce or self.dpop_nonce
        if nonce is not None:
            body["nonce"] = nonce
        if access_token is not None:
            body["ath"] = access_token_hash(access_token)
        body.update(claims or {})
        jose = {"typ": "dpop+jwt", "jwk": public_jwk(key), **(header or {})}
        return sign_compact_json(jose, body, key)

    def key_proof(
        self,
        holder: LocalSigner,
        *,
        nonce: str | None,
        aud: str | None = None,
        claims: Mapping[str, Any] | None = None,
        header: Mapping[str, Any] | None = None,
    ) -> str:
        """An ``openid4vci-proof+jwt`` (OpenID4VCI 1.0 Appendix F.1) for ``holder``."""
        body: dict[str, Any] = {
            "aud": aud or self.issuer_metadata["credential_issuer"],
            "iat": self.now(),
        }
        if nonce is not None:
            body["nonce"] = nonce
        body.update(claims or {})
        jose = {"typ": PROOF_TYP, "jwk": public_jwk(holder), **(header or {})}
        return sign_compact_json(jose, body, holder)

    # -- protocol steps ----------------------------------------------------------------------
    def fetch_offer(self, credential_offer_uri: str) -> dict[str, Any]:
        response = self.http.get(credential_offer_uri)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        return response.json()

    def discover(self, credential_issuer: str) -> None:
        """Both metadata documents at their path-inserted well-known URLs."""
        parts = urlsplit(credential_issuer)
        origin, path = f"{parts.scheme}://{parts.netloc}", parts.path
        issuer = self.http.get(f"{origin}/.well-known/openid-credential-issuer{path}")
        assert issuer.status_code == 200, issuer.text
        self.issuer_metadata = issuer.json()
        assert self.issuer_metadata["credential_issuer"] == credential_issuer
        oauth = self.http.get(f"{origin}/.well-known/oauth-authorization-server{path}")
        assert oauth.status_code == 200, oauth.text
        self.as_metadata = oauth.json()
        assert self.as_metadata["issuer"] == credential_issuer

    def token_request(
        self,
        code: str,
        tx_code: str | None = None,
        *,
        form: Mapping[str, str] | None = None,
        dpop: str | None = None,
        retry: bool = True,
    ) -> httpx.Response:
        """The pre-authorized token request; on ``use_dpop_nonce`` one retry with the nonce."""
        url = self.as_metadata["token_endpoint"]
        data = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
        if tx_code is not None:
            data["tx_code"] = tx_code
        data.update(form or {})
        response = self.http.post(url, data=data, headers={"DPoP": dpop or self.dpop("POST", url)})
        self._remember_nonce(response)
        if retry and response.status_code == 400 and response.json()["error"] == "use_dpop_nonce":
            response = self.http.post(url, data=data, headers={"DPoP": self.dpop("POST", url)})
            self._remember_nonce(response)
        return response

    def access_token(self, code: str, tx_code: str | None = None) -> str:
        response = self.token_request(code, tx_code)
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def c_nonce(self) -> str:
        response = self.http.post(self.issuer_metadata["nonce_endpoint"])
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        self._remember_nonce(response)
        return str(response.json()["c_nonce"])

    def resource_request(
        self,
        url: str,
        access_token: str,
        body: Mapping[str, Any],
        *,
        dpop: str | None = None,
        retry: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """A DPoP-protected POST; on a ``use_dpop_nonce`` challenge one retry (RFC 9449 §9)."""

        def send() -> httpx.Response:
            proof = dpop or self.dpop("POST", url, access_token=access_token)
            return self.http.post(
                url,
                json=body,
                headers={"Authorization": f"DPoP {access_token}", "DPoP": proof, **(headers or {})},
            )

        response = send()
        self._remember_nonce(response)
        if (
            retry
            and dpop is None
            and response.status_code == 401
            and 'error="use_dpop_nonce"' in response.headers.get("www-authenticate", "")
        ):
            response = send()
            self._remember_nonce(response)
        return response

    def credential_request(
        self, access_token: str, body: Mapping[str, Any], **kwargs: Any
    ) -> httpx.Response:
        return self.resource_request(
            self.issuer_metadata["credential_endpoint"], access_token, body, **kwargs
        )

    def notify(self, access_token: str, notification_id: str, event: str) -> httpx.Response:
        return self.resource_request(
            self.issuer_metadata["notification_endpoint"],
            access_token,
            {"notification_id": notification_id, "event": event},
        )

    def _remember_nonce(self, response: httpx.Response) -> None:
        if NONCE_HEADER in response.headers:
            self.dpop_nonce = response.headers[NONCE_HEADER]


def pre_authorized(offer: Mapping[str, Any]) -> dict[str, Any]:
    grant: dict[str, Any] = offer["grants"][PRE_AUTHORIZED_GRANT]
    return grant


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
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
