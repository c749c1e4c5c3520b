"""The issuer's one settings class (environment prefix ``CIVICRED_ISSUER_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: DEV ONLY: the issuer's admin token when CIVICRED_ISSUER_ADMIN_TOKENS is not set.
DEV_ADMIN_TOKEN = "dev-issuer-token-DEV-ONLY"  # noqa: S105
#: DEV ONLY: the registry's default admin token (trust_registry.settings), used to ask it for
#: certificates and to push lists when CIVICRED_ISSUER_REGISTRY_ADMIN_TOKEN is not set.
DEV_REGISTRY_ADMIN_TOKEN = "dev-admin-token-DEV-ONLY"  # noqa: S105


class IssuerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CIVICRED_ISSUER_", extra="ignore")

    database_url: str = "sqlite:///var/issuer/issuer.db"
    #: The ``iss`` of our credentials, as registered in the trust registry.
    credential_issuer: str = "https://issuer.civicred.localhost"
    #: Where this service is reachable; status-list URIs are built from it.
    public_base_url: str = "http://127.0.0.1:8701"
    issuer_id: str = "BE:CBSS"
    keys_dir: Path = Path("var/issuer/keys")
    registry_url: str = "http://127.0.0.1:8700"
    #: The bearer token this issuer presents to the registry's admin API. DEV default.
    registry_admin_token: SecretStr = SecretStr(DEV_REGISTRY_ADMIN_TOKEN)
    #: Bearer tokens accepted on the issuer's ``/admin`` (JSON list in the environment); the
    #: audit actor is ``admin#<index>``. DEV default.
    admin_tokens: list[SecretStr] = Field(default_factory=lambda: [SecretStr(DEV_ADMIN_TOKEN)])
    #: Entries per status list: large and fixed-size for herd privacy (ARF Topic 7).
    status_list_size: int = 1 << 20
    #: A list is closed for new allocations once this share of it is used.
    status_list_fill_limit: float = 0.5
    status_list_ttl_seconds: int = 3600
    status_list_validity_seconds: int = 24 * 3600
    #: jtis per paper-document revocation list (size-limited lists, EHIC PDF QR PoC §2.3.2).
    revocation_list_capacity: int = 10_000
