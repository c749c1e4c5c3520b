"""A Python wallet for the authorization-code flow's error paths: it mints wallet attestations
and their PoPs, pushes authorization requests, lets the citizen log in, and asks for tokens —
each step with knobs to get it wrong."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from issuer.oid4vci import ATTESTATION_HEADER, POP_HEADER
from tests.openid4vci._wallet import Wallet, new_key, public_jwk
from verifier.jose import private_key_from_jwk, sign_compact_json
from verifier.signing import LocalSigner

from ._provider import SampleUser
from ._support import log_in
from ._wallet import CLIENT_ID, REDIRECT_URI, WalletProvider


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


@dataclass
class AuthorizationClient:
    issuer: str
    provider: WalletProvider
    client_id: str = CLIENT_ID
    instance: LocalSigner = field(default_factory=new_key)
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=15))

    def __post_init__(self) -> None:
        self.wallet = Wallet(self.http)
        self.wallet.discover(self.issuer)

    @property
    def metadata(self) -> dict[str, Any]:
        return self.wallet.as_metadata

    def attestation(
        self, *, claims: Mapping[str, Any] | None = None, header: Mapping[str, Any] | None = None
    ) -> str:
        signer = LocalSigner(private_key_from_jwk(self.provider.private_jwk))
        now = int(time.time())
        body = {
            "iss": self.provider.id, "sub": self.client_id, "iat": now, "exp": now + 3600,
            "cnf": {"jwk": public_jwk(self.instance)}, **(claims or {}),
        }  # fmt: skip
        jose = {
            "typ": "oauth-client-attestation+jwt",
            "jwk": self.provider.public_jwk,
            **(header or {}),
        }
        return sign_compact_json(jose, body, signer)

    def pop(
        self, *, claims: Mapping[str, Any] | None = None, key: LocalSigner | None = None
    ) -> str:
        body = {
            "iss": self.client_id, "aud": self.issuer, "jti": secrets.token_urlsafe(16),
            "iat": int(time.time()), **(claims or {}),
        }  # fmt: skip
        return sign_compact_json(
            {"typ": "oauth-client-attestation-pop+jwt"}, body, key or self.instance
        )

    def auth_headers(self) -> dict[str, str]:
        return {ATTESTATION_HEADER: self.attestation(), POP_HEADER: self.pop()}

    def par(
        self,
        form: Mapping[str, str] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        challenge: str | None = None,
        dpop: bool = True,
    ) -> httpx.Response:
        data = {
            "response_type": "code", "client_id": self.client_id, "redirect_uri": REDIRECT_URI,
            "scope": "social-status-1", "state": "wallet-state-1",
            "code_challenge": challenge or pkce()[1], "code_challenge_method": "S256",
            **(form or {}),
        }  # fmt: skip
        url = self.metadata["pushed_authorization_request_endpoint"]

        def send() -> httpx.Response:
            extra = dict(self.auth_headers() if headers is None else headers)
            if dpop:
                extra["DPoP"] = self.wallet.dpop("POST", url)
            return self.http.post(
                url, data={k: v for k, v in data.items() if v is not None}, headers=extra
            )

        response = send()
        self.wallet._remember_nonce(response)
        if response.status_code == 400 and response.json().get("error") == "use_dpop_nonce":
            response = send()
            self.wallet._remember_nonce(response)
        return response

    def authorize(self, request_uri: str, user: SampleUser, portal: str) -> dict[str, str]:
        """The citizen's browser: authorization endpoint, login; the wallet's redirect query."""
        query = urlencode({"client_id": self.client_id, "request_uri": request_uri})
        start = f"{self.metadata['authorization_endpoint']}?{query}"
        landed = log_in(httpx.Client(timeout=15), portal, user, start=start, stop=REDIRECT_URI)
        assert landed.is_redirect, landed.text[:300]
        return {k: v[0] for k, v in parse_qs(urlsplit(landed.headers["location"]).query).items()}

    def token(
        self,
        code: str,
        verifier: str,
        *,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        dpop_key: LocalSigner | None = None,
    ) -> httpx.Response:
        url = self.metadata["token_endpoint"]
        data = {
            "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
            "redirect_uri": REDIRECT_URI, "client_id": self.client_id, **(form or {}),
        }  # fmt: skip

        def send() -> httpx.Response:
            extra = dict(self.auth_headers() if headers is None else headers)
            extra["DPoP"] = self.wallet.dpop("POST", url, key=dpop_key)
            return self.http.post(url, data=data, headers=extra)

        response = send()
        self.wallet._remember_nonce(response)
        if response.status_code == 400 and response.json().get("error") == "use_dpop_nonce":
            response = send()
            self.wallet._remember_nonce(response)
        return response
