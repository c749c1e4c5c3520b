"""The registry's one settings class (environment prefix ``CIVICRED_REGISTRY_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: DEV ONLY: the root-key passphrase used when CIVICRED_REGISTRY_ROOT_PASSPHRASE is not set.
DEV_ROOT_PASSPHRASE = "civicred-dev-root-passphrase-DEV-ONLY"  # noqa: S105
#: DEV ONLY: the admin token used when CIVICRED_REGISTRY_ADMIN_TOKENS is not set.
DEV_ADMIN_TOKEN = "dev-admin-token-DEV-ONLY"  # noqa: S105


class RegistrySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CIVICRED_REGISTRY_", extra="ignore")

    database_url: str = "sqlite:///var/registry/registry.db"
    #: Where the registry is reachable; the trust list's ``iss``.
    public_base_url: str = "http://127.0.0.1:8700"
    #: Bearer tokens accepted on ``/admin`` (JSON list in the environment). DEV default.
    admin_tokens: list[SecretStr] = Field(default_factory=lambda: [SecretStr(DEV_ADMIN_TOKEN)])
    #: Root CA, registry signing key and certificates.
    pki_dir: Path = Path("var/registry/pki")
    #: Encrypts the root CA key (env CIVICRED_REGISTRY_ROOT_PASSPHRASE). DEV default.
    root_passphrase: SecretStr = SecretStr(DEV_ROOT_PASSPHRASE)
    #: Seed the dev dataset (BE:CBSS, BE:0120, BE:0320) when the database is empty.
    seed_dev_data: bool = True
    #: ``next_update - issued_at`` of trust lists and bundles.
    trust_list_validity_seconds: int = Field(default=24 * 3600, gt=0)
    #: A signed trust list is re-signed (same data, same sequence) once it is this old.
    resign_after_seconds: int = Field(default=6 * 3600, gt=0)
    #: Upper bound of ``Cache-Control: max-age`` on public documents (never past next_update).
    cache_max_age_seconds: int = Field(default=300, ge=0)
    #: Minimum time a certificate is ``published`` before it may become ``active`` (overlap).
    min_publication_seconds: int = Field(default=0, ge=0)
    #: Validity of issuer certificates issued by the dev CA when the request does not say.
    certificate_validity_days: int = Field(default=365, gt=0)
    #: Largest pushed status/revocation list token accepted.
    max_list_token_bytes: int = Field(default=8 * 1024 * 1024, gt=0)

    @field_validator("public_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def uses_dev_secrets(self) -> bool:
        return self.root_passphrase.get_secret_value() == DEV_ROOT_PASSPHRASE or any(
            t.get_secret_value() == DEV_ADMIN_TOKEN for t in self.admin_tokens
        )
