"""The issuer's client for the trust registry's admin API (certificates, pushed lists).

One small class over httpx; an in-process ASGI transport works the same way in tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import httpx
from cryptography import x509

from issuer.errors import UpstreamError, UpstreamUnavailable

PEM_CHAIN = "application/pem-certificate-chain"


class RegistryClient:
    """Raises :class:`~issuer.errors.UpstreamUnavailable` when the registry cannot be reached
    and :class:`~issuer.errors.UpstreamError` when it answers with an error."""

    def __init__(
        self, base_url: str, admin_token: str, *, client: httpx.Client | None = None
    ) -> None:
        self._client = client or httpx.Client(base_url=base_url.rstrip("/"), timeout=30)
        self._headers = {"Authorization": f"Bearer {admin_token}"}

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(
                method, path, headers={**self._headers, **kwargs.pop("headers", {})}, **kwargs
            )
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable(f"the trust registry is unreachable: {exc}") from None
        if response.status_code >= 400:
            raise UpstreamError(
                f"the trust registry answered {method} {path} with {response.status_code}: "
                f"{response.text[:300]}"
            )
        return response

    def certify(
        self, issuer_id: str, public_jwk: Mapping[str, Any], use: str
    ) -> list[x509.Certificate]:
        """Ask the registry's CA for a certificate (state ``published``); returns the chain."""
        response = self._call(
            "POST",
            f"/admin/issuers/{issuer_id}/certificates",
            json={"use": use, "public_jwk": dict(public_jwk)},
            headers={"Accept": PEM_CHAIN},
        )
        return x509.load_pem_x509_certificates(response.content)

    def set_credential_issuer(self, issuer_id: str, url: str) -> None:
        """Record ``url`` as the issuer's ``credential_issuer`` (the ``iss`` verifiers match)."""
        self._call("PATCH", f"/admin/issuers/{issuer_id}", json={"credential_issuer": url})

    def activate(self, x5t: str) -> None:
        self._call("POST", f"/admin/certificates/{x5t}/activate")

    def push_lists(
        self,
        issuer_id: str,
        *,
        status_lists: Iterable[tuple[str, str, str]],
        revocation_lists: Iterable[tuple[str, str, str]] = (),
    ) -> None:
        """Publish signed lists for the offline bundle: ``(uri, token, media_type)`` each."""
        body = {
            "status_lists": [{"uri": u, "token": t, "media_type": m} for u, t, m in status_lists],
            "revocation_lists": [
                {"uri": u, "token": t, "media_type": m} for u, t, m in revocation_lists
            ],
        }
        self._call("PUT", f"/admin/issuers/{issuer_id}/status-lists", json=body)

    def root_pem(self) -> bytes:
        return self._call("GET", "/root.pem").content

    def trust_list(self) -> str:
        return self._call("GET", "/trust-list").text.strip()

    def bundle(self) -> str:
        return self._call("GET", "/bundle").text.strip()
