"""The relying party's view of the OpenID Connect provider: its metadata (OpenID Connect
Discovery 1.0 §4), its keys, the token request and the ID token's verification.

Protocol pieces come from Authlib: PKCE S256 (RFC 7636 §4.2, ``create_s256_code_challenge``) and
the ID token's claim rules (OpenID Connect Core 1.0 §3.1.3.7: ``iss``, ``aud``, ``azp``,
``exp``, ``iat``, ``nonce``, ``at_hash``; ``CodeIDToken``). The signature is checked with the
project's JOSE code under the crypto policy's ``ID_TOKEN_ALGORITHMS`` (docs/crypto-policy.md):
no ``none``, no MAC, the key chosen by ``kid`` from the provider's JWKS, fetched again once when
the ``kid`` is unknown (key rotation).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc.errors import JoseError

from issuer.errors import LoginFailed, LoginUnavailable
from issuer.settings import LoginSettings
from verifier import CivicredError
from verifier.jose import ID_TOKEN_ALGORITHMS, CompactJws, PublicKey, public_key_from_jwk

#: The provider's metadata and keys are read again after this long.
METADATA_TTL_SECONDS = 3600
#: Seconds of clock difference tolerated on ``exp`` and ``iat``.
LEEWAY_SECONDS = 60
MAX_ID_TOKEN_CHARS = 16 * 1024


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    #: RFC 9207 §3: the provider sends ``iss`` in its authorization responses (then we require it).
    iss_in_response: bool


class OidcProvider:
    def __init__(
        self,
        settings: LoginSettings,
        redirect_uri: str,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        assert settings.issuer_url is not None
        self._settings = settings
        self._issuer = settings.issuer_url
        self.redirect_uri = redirect_uri
        self._http = httpx.Client(
            timeout=settings.timeout_seconds, transport=transport, follow_redirects=False
        )
        self._clock = clock
        self._lock = threading.Lock()
        self._metadata: tuple[float, ProviderMetadata] | None = None
        self._keys: dict[str, PublicKey] = {}

    # -- discovery -------------------------------------------------------------------------------
    def metadata(self) -> ProviderMetadata:
        with self._lock:
            if self._metadata is not None and self._metadata[0] > self._clock():
                return self._metadata[1]
        raw = self._get_json(f"{self._issuer}/.well-known/openid-configuration")
        if raw.get("issuer") != self._issuer:  # Discovery §4.3: MUST be identical
            raise LoginUnavailable("the login provider's metadata names another issuer")
        try:
            metadata = ProviderMetadata(
                issuer=self._issuer,
                authorization_endpoint=str(raw["authorization_endpoint"]),
                token_endpoint=str(raw["token_endpoint"]),
                jwks_uri=str(raw["jwks_uri"]),
                iss_in_response=raw.get("authorization_response_iss_parameter_supported") is True,
            )
        except KeyError:
            raise LoginUnavailable("the login provider's metadata lacks an endpoint") from None
        if "S256" not in raw.get("code_challenge_methods_supported", ["S256"]):
            raise LoginUnavailable("the login provider does not support PKCE S256")
        with self._lock:
            self._metadata = (self._clock() + METADATA_TTL_SECONDS, metadata)
        return metadata

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise LoginUnavailable(
                f"the login provider cannot be reached ({type(exc).__name__})"
            ) from None
        if response.status_code != 200:
            raise LoginUnavailable(f"the login provider answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise LoginUnavailable("the login provider's answer is not JSON") from None
        if not isinstance(body, dict):
            raise LoginUnavailable("the login provider's answer is not a JSON object")
        return body

    def _key(self, kid: object) -> PublicKey:
        if not isinstance(kid, str):
            raise LoginFailed("the ID token names no key (kid)")
        with self._lock:
            found = self._keys.get(kid)
        if found is not None:
            return found
        keys: dict[str, PublicKey] = {}
        for jwk in self._get_json(self.metadata().jwks_uri).get("keys", []):
            if (
                isinstance(jwk, dict)
                and isinstance(jwk.get("kid"), str)
                and jwk.get("use", "sig") == "sig"
            ):
                try:
                    keys[jwk["kid"]] = public_key_from_jwk(jwk)
                except CivicredError:
                    continue  # a key outside the policy is never used
        with self._lock:
            self._keys = keys
        if kid not in keys:
            raise LoginFailed("the ID token is signed with a key the provider does not publish")
        return keys[kid]

    # -- the authorization code flow -------------------------------------------------------------
    def authorization_url(self, *, state: str, nonce: str, code_verifier: str) -> str:
        """The authentication request (OpenID Connect Core 1.0 §3.1.2.1) with PKCE S256."""
        query = {
            "response_type": "code",
            "client_id": self._settings.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(self._settings.scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(code_verifier),
            "code_challenge_method": "S256",
        }
        return f"{self.metadata().authorization_endpoint}?{urlencode(query)}"

    def check_response_issuer(self, iss: str | None) -> None:
        """RFC 9207 §2.4: ``iss`` must be this provider's when present, and present when the
        provider says it sends it (mix-up attacks)."""
        metadata = self.metadata()
        if iss is None and metadata.iss_in_response:
            raise LoginFailed("the authorization response lacks iss (RFC 9207)")
        if iss is not None and iss != metadata.issuer:
            raise LoginFailed("the authorization response comes from another issuer (RFC 9207)")

    def redeem(self, code: str, *, nonce: str, code_verifier: str) -> Mapping[str, Any]:
        """The ID token's verified claims for ``code`` (token request, Core §3.1.3)."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": code_verifier,
        }
        auth = None
        if self._settings.client_secret is not None:
            auth = (self._settings.client_id, self._settings.client_secret.get_secret_value())
        else:
            form["client_id"] = self._settings.client_id
        try:
            response = self._http.post(self.metadata().token_endpoint, data=form, auth=auth)
        except httpx.HTTPError as exc:
            raise LoginUnavailable(
                f"the login provider cannot be reached ({type(exc).__name__})"
            ) from None
        if response.status_code != 200:
            raise LoginFailed(f"the login provider refused the code (HTTP {response.status_code})")
        try:
            tokens = response.json()
        except ValueError:
            raise LoginFailed("the login provider's token response is not JSON") from None
        id_token = tokens.get("id_token") if isinstance(tokens, dict) else None
        if not isinstance(id_token, str) or len(id_token) > MAX_ID_TOKEN_CHARS:
            raise LoginFailed("the token response has no ID token")
        return self.verify_id_token(id_token, nonce=nonce, access_token=tokens.get("access_token"))

    def verify_id_token(
        self, id_token: str, *, nonce: str, access_token: object = None
    ) -> Mapping[str, Any]:
        try:
            jws = CompactJws.parse(id_token, what="ID token")
            jws.algorithm(ID_TOKEN_ALGORITHMS)
            jws.verify(self._key(jws.header.get("kid")), ID_TOKEN_ALGORITHMS)
            claims = jws.payload_object(what="ID token")
        except CivicredError as exc:
            raise LoginFailed(f"the ID token does not verify: {exc}") from None
        if access_token is not None and "at_hash" not in claims:
            access_token = None  # at_hash is optional in the code flow (Core §3.1.3.6)
        checked = CodeIDToken(
            claims,
            dict(jws.header),
            options={
                "iss": {"essential": True, "value": self.metadata().issuer},
                "aud": {"essential": True, "value": self._settings.client_id},
                "nonce": {"essential": True, "value": nonce},
            },
            params={
                "nonce": nonce,
                "client_id": self._settings.client_id,
                "access_token": access_token,
            },
        )
        try:
            checked.validate(now=int(self._clock()), leeway=LEEWAY_SECONDS)
        except JoseError as exc:  # the claim's name, never its value
            claim = getattr(exc, "claim", None)
            detail = f"{exc.error} ({claim})" if isinstance(claim, str) else exc.error
            raise LoginFailed(f"the ID token is refused: {detail}") from None
        return claims
