"""Helpers for the registry tests: a controllable clock, settings, a sync client into the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from servicekit.local import asgi_client
from trust_registry.api import create_app
from trust_registry.services import RegistryServices
from trust_registry.settings import RegistrySettings
from verifier.signing import LocalSigner, public_jwk_with_kid

ADMIN_TOKEN = "test-admin-token"
ROOT_PASSPHRASE = "test-passphrase"
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def make_settings(database_url: str, pki_dir: Path, **overrides: Any) -> RegistrySettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "pki_dir": pki_dir,
        "public_base_url": "http://registry.test",
        "admin_tokens": [SecretStr(ADMIN_TOKEN), SecretStr("second-token")],
        "root_passphrase": SecretStr(ROOT_PASSPHRASE),
        "seed_dev_data": True,
    }
    values.update(overrides)
    return RegistrySettings(**values)


class Api:
    """Synchronous calls into the real ASGI app through ``httpx.ASGITransport``."""

    def __init__(self, services: RegistryServices) -> None:
        self.app = create_app(services)
        self.services = services
        self.client = asgi_client(self.app, "http://registry.test")

    def request(
        self, method: str, url: str, *, token: str | None = ADMIN_TOKEN, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers.setdefault("Authorization", f"Bearer {token}")
        return self.client.request(method, url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


def public_jwk(signer: LocalSigner) -> dict[str, Any]:
    return public_jwk_with_kid(signer.public_key())
