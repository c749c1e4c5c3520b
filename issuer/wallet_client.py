"""A small OpenID4VCI 1.0 wallet over HTTP, pre-authorized code flow (docs/openid4vci.md): what
``civicred demo`` does to obtain its sample credentials from the issuer service, and the wallet
the tests drive (and bend) against it.

It does what the npm ``@openid4vc/openid4vci`` wallet does (tests/interop): the offer by
reference, both metadata documents at their path-inserted well-known URLs, the token request with
a DPoP proof (RFC 9449) and one retry on a ``use_dpop_nonce`` challenge, a ``c_nonce`` from the
nonce endpoint, a credential request with ``proofs.jwt`` (one key proof per holder key), and a
notification. :func:`obtain` runs the whole flow; each step is a method that tests call alone.

Keys are :class:`~verifier.signing.Signer` objects; a new DPoP key uses the crypto policy's
default algorithm. Nothing is stored: the holder keys and the credentials are the caller's.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from issuer.oid4vci import NONCE_HEADER, PRE_AUTHORIZED_GRANT, PROOF_TYP, access_token_hash
from verifier.jose import DEFAULT_ALGORITHM, jwk_from_public_key, sign_compact_json
from verifier.signing import LocalSigner, Signer, generate_private_key

DPOP_TYP = "dpop+jwt"


class WalletError(RuntimeError):
    """A step of the flow got an answer it cannot go on with: ``status`` and the JSON error
    (``error``, ``error_description``, ``request_id``) as the issuer sent them."""

    def __init__(self, step: str, response: httpx.Response) -> None:
        self.step = step
        self.status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        self.body: dict[str, Any] = body if isinstance(body, dict) else {}
        error = self.body.get("error", "no JSON error")
        super().__init__(
            f"{step}: HTTP {self.status} {error}: {self.body.get('error_description', '')}"
        )


def new_key(alg: str = DEFAULT_ALGORITHM) -> LocalSigner:
    """A fresh key (by default of the crypto policy's default algorithm)."""
    return LocalSigner(generate_private_key(alg))


def offer_uri_from_link(link: str) -> str:
    """``credential_offer_uri`` of an ``openid-credential-offer://`` link (§4.1.3)."""
    return parse_qs(urlsplit(link).query)["credential_offer_uri"][0]


def offer_from_value_link(link: str) -> dict[str, Any]:
    """The offer carried by value in an ``openid-credential-offer://`` link (§4.1.2)."""
    offer: dict[str, Any] = json.loads(parse_qs(urlsplit(link).query)["credential_offer"][0])
    return offer


def pre_authorized(offer: Mapping[str, Any]) -> dict[str, Any]:
    """The offer's pre-authorized code grant (§4.1.1)."""
    grant: dict[str, Any] = offer["grants"][PRE_AUTHORIZED_GRANT]
    return grant


def _expect(step: str, response: httpx.Response, status: int = 200) -> httpx.Response:
    if response.status_code != status:
        raise WalletError(step, response)
    return response


@dataclass
class Wallet:
    http: httpx.Client
    clock: Callable[[], datetime] | None = None
    dpop_key: Signer = field(default_factory=new_key)
    #: The last ``DPoP-Nonce`` the server sent (RFC 9449 §8), put in the next proofs.
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
        key: Signer | None = None,
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
        jose = {"typ": DPOP_TYP, "jwk": jwk_from_public_key(key.public_key()), **(header or {})}
        return sign_compact_json(jose, body, key)

    def key_proof(
        self,
        holder: Signer,
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
        jose = {"typ": PROOF_TYP, "jwk": jwk_from_public_key(holder.public_key()), **(header or {})}
        return sign_compact_json(jose, body, holder)

    # -- protocol steps ----------------------------------------------------------------------
    def fetch_offer(self, credential_offer_uri: str) -> dict[str, Any]:
        """The offer by reference (§4.1.3): a JSON object."""
        response = _expect("credential offer", self.http.get(credential_offer_uri))
        if not response.headers.get("content-type", "").startswith("application/json"):
            raise WalletError("credential offer", response)
        offer: dict[str, Any] = response.json()
        return offer

    def discover(self, credential_issuer: str) -> None:
        """Both metadata documents at their path-inserted well-known URLs (§12.2.2, RFC 8414
        §3.1), each naming ``credential_issuer`` as itself."""
        parts = urlsplit(credential_issuer)
        origin, path = f"{parts.scheme}://{parts.netloc}", parts.path
        issuer = self.http.get(f"{origin}/.well-known/openid-credential-issuer{path}")
        self.issuer_metadata = _expect("credential issuer metadata", issuer).json()
        oauth = self.http.get(f"{origin}/.well-known/oauth-authorization-server{path}")
        self.as_metadata = _expect("authorization server metadata", oauth).json()
        for name, value in (
            ("credential_issuer", self.issuer_metadata.get("credential_issuer")),
            ("issuer", self.as_metadata.get("issuer")),
        ):
            if value != credential_issuer:  # §12.2.3: MUST be identical
                raise ValueError(f"metadata {name} is {value!r}, not {credential_issuer!r}")

    def token_request(
        self,
        code: str,
        tx_code: str | None = None,
        *,
        form: Mapping[str, str] | None = None,
        dpop: str | None = None,
        retry: bool = True,
    ) -> httpx.Response:
        """The pre-authorized token request (§6.1); on ``use_dpop_nonce`` one retry with the
        nonce (RFC 9449 §8)."""
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
        response = _expect("token", self.token_request(code, tx_code))
        return str(response.json()["access_token"])

    def c_nonce(self) -> str:
        """A fresh ``c_nonce`` from the nonce endpoint (§7)."""
        response = _expect("nonce", self.http.post(self.issuer_metadata["nonce_endpoint"]))
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
        """A DPoP-protected POST (RFC 9449 §7.1); on a ``use_dpop_nonce`` challenge one retry
        (§9)."""

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
        """A notification (§11.1): ``credential_accepted``, ``credential_failure`` or
        ``credential_deleted``."""
        return self.resource_request(
            self.issuer_metadata["notification_endpoint"],
            access_token,
            {"notification_id": notification_id, "event": event},
        )

    def _remember_nonce(self, response: httpx.Response) -> None:
        if NONCE_HEADER in response.headers:
            self.dpop_nonce = response.headers[NONCE_HEADER]


@dataclass(frozen=True)
class Obtained:
    """One credential response: the copies of one configuration, in the order of the keys."""

    configuration_id: str
    credentials: tuple[str, ...]
    notification_id: str


def obtain(
    wallet: Wallet,
    offer_link: str,
    tx_code: str | None,
    holders: Mapping[str, Sequence[Signer]],
) -> list[Obtained]:
    """The whole flow for an ``openid-credential-offer://`` link (by reference or by value):
    offer → metadata → token → per offered configuration a ``c_nonce`` and one credential
    request with a key proof per key in ``holders[configuration_id]`` → ``credential_accepted``
    notification. Raises :class:`WalletError` at the first refusal."""
    query = parse_qs(urlsplit(offer_link).query)
    if "credential_offer_uri" in query:
        offer = wallet.fetch_offer(query["credential_offer_uri"][0])
    else:
        offer = offer_from_value_link(offer_link)
    wallet.discover(offer["credential_issuer"])
    access_token = wallet.access_token(pre_authorized(offer)["pre-authorized_code"], tx_code)
    obtained = []
    for configuration_id in offer["credential_configuration_ids"]:
        nonce = wallet.c_nonce()
        proofs = [wallet.key_proof(key, nonce=nonce) for key in holders[configuration_id]]
        body = {"credential_configuration_id": configuration_id, "proofs": {"jwt": proofs}}
        answer = _expect("credential", wallet.credential_request(access_token, body)).json()
        notification_id = answer["notification_id"]
        _expect(
            "notification", wallet.notify(access_token, notification_id, "credential_accepted"), 204
        )
        credentials = tuple(str(item["credential"]) for item in answer["credentials"])
        obtained.append(Obtained(configuration_id, credentials, notification_id))
    return obtained
