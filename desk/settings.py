"""The desk's one settings class (environment prefix ``CIVICRED_DESK_``, or ``civicred desk
serve`` flags, which win). docs/desk.md lists every setting."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from desk.i18n import LANGUAGES

ENV_PREFIX = "CIVICRED_DESK_"
DEFAULT_PORT = 8702
MAX_UPLOAD_BYTES = 16 * 1024 * 1024


class DeskSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    #: The purpose (``verifier/policies/purposes/<name>.json``).
    policy: str = "venue-reduced-tariff"
    #: The registry's offline bundle: read at start, replaced by every verified refresh.
    bundle: Path = Path("var/desk/bundle.jwt")
    #: The pinned registry root (PEM); default ``$CIVICRED_REGISTRY_ROOT``, else the pin store.
    root: Path | None = None
    #: Where fresh bundles come from (``URL/bundle``); none: the desk stays on its file.
    registry_url: str | None = None
    refresh_seconds: float = Field(default=900.0, gt=0)
    fetch_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    #: The KB-JWT ``aud`` this desk expects (e.g. ``x509_san_dns:museum.example``); none: not
    #: compared (a warning on each key-bound presentation).
    audience: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=DEFAULT_PORT, ge=1, le=65535)
    default_language: str = "en"
    max_upload_bytes: int = Field(default=MAX_UPLOAD_BYTES, gt=0)
    # -- wallets (OpenID4VP, docs/desk.md §OpenID4VP) --------------------------------------------
    #: The desk's URL as wallets reach it (request_uri, response_uri); default http://HOST:PORT.
    public_url: str | None = None
    #: ``direct_post.jwt`` (encrypted responses, HAIP) or ``direct_post``.
    wallet_response_mode: Literal["direct_post.jwt", "direct_post"] = "direct_post.jwt"
    #: How long a wallet request can be answered (its nonce lives as long).
    wallet_request_seconds: float = Field(default=180.0, gt=0, le=600)
    max_wallet_requests: int = Field(default=64, gt=0, le=10_000)
    #: The request-signing key and its certificate chain (PEM, leaf first); without them a
    #: DEV-ONLY identity is made under ``identity_dir`` on first start.
    request_key: Path | None = None
    request_certificates: Path | None = None
    identity_dir: Path = Path("var/desk/identity")

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    @field_validator("policy")
    @classmethod
    def _known_policy(cls, value: str) -> str:
        from verifier.policies import policy_names

        if value not in policy_names():
            raise ValueError(f"unknown policy {value!r} (known: {', '.join(policy_names())})")
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"the language must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("registry_url", "public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("the URL must be http(s)://…")
        return None if value is None else value.rstrip("/")
