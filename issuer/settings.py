"""The issuer's one settings class (environment prefix ``CIVICRED_ISSUER_``, optional ``.env``).

Production is the default: every development convenience (http on loopback, DEV-ONLY tokens and
keys, the dev login, the request-delay hook) needs ``dev_mode``, and ``dev_mode`` itself is
refused unless the service is on a loopback address. docs/issuer-operations.md lists every
setting with its production rule.

**One source of URLs.** ``public_base_url`` is where wallets and verifiers reach this service.
The credential issuer identifier (OpenID4VCI 1.0 §12.2.1: the URL the metadata is served under,
and the ``iss`` of every credential) *is* that URL: :attr:`IssuerSettings.credential_issuer`. Every
other URL (endpoints, status and revocation list URIs) comes from :meth:`IssuerSettings.endpoint`
or :meth:`IssuerSettings.well_known`. There is no setting that could disagree with them.
"""

from __future__ import annotations

import os
from ipaddress import ip_address
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "CIVICRED_ISSUER_"
#: Names a settings file (``KEY=value`` lines, the ``.env`` format) read under the environment.
ENV_FILE_VARIABLE = f"{ENV_PREFIX}ENV_FILE"
#: DEV ONLY: the issuer's operator token in dev mode when CIVICRED_ISSUER_ADMIN_TOKENS is not set.
DEV_ADMIN_TOKEN = "dev-issuer-token-DEV-ONLY"  # noqa: S105
#: DEV ONLY: the issuer's auditor token in dev mode when CIVICRED_ISSUER_AUDITOR_TOKENS is not set.
DEV_AUDITOR_TOKEN = "dev-issuer-auditor-token-DEV-ONLY"  # noqa: S105
#: DEV ONLY: the registry's default admin token (trust_registry.settings), used to ask it for
#: certificates and to push lists in dev mode when CIVICRED_ISSUER_REGISTRY_ADMIN_TOKEN is not set.
DEV_REGISTRY_ADMIN_TOKEN = "dev-admin-token-DEV-ONLY"  # noqa: S105
#: Operator and auditor tokens shorter than this are refused outside dev mode (guessable).
MIN_ADMIN_TOKEN_LENGTH = 32
_DEV_TOKENS = frozenset({DEV_ADMIN_TOKEN, DEV_AUDITOR_TOKEN, DEV_REGISTRY_ADMIN_TOKEN})
_LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback(host: str) -> bool:
    """``localhost``, ``*.localhost`` (RFC 6761 §6.3) or a loopback IP address."""
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _problem(message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError("issuer_setting", message, context)


def _dev_mode(info: ValidationInfo) -> bool:
    """``dev_mode`` as validated (it is declared first); a broken value counts as production."""
    return info.data.get("dev_mode") is True


#: Separates a nested setting from its group: ``CIVICRED_ISSUER_OID4VCI__BATCH_SIZE``.
NESTED_DELIMITER = "__"


class OpenId4VciSettings(BaseModel):
    """OpenID4VCI 1.0 issuance (docs/openid4vci.md): lifetimes, batch size, transaction codes.

    Environment: ``CIVICRED_ISSUER_OID4VCI__<NAME>`` (or the whole group as JSON in
    ``CIVICRED_ISSUER_OID4VCI``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: How long an offer (and its pre-authorized code, which "MUST be short lived", §4.1.1) can
    #: be fetched and redeemed.
    offer_lifetime_seconds: int = Field(default=600, ge=30, le=24 * 3600)
    #: Access tokens are DPoP-bound and short-lived (§13.6: over 5 minutes is long-lived).
    access_token_lifetime_seconds: int = Field(default=300, ge=30, le=3600)
    #: A ``c_nonce`` from the nonce endpoint is single-use and valid this long.
    c_nonce_lifetime_seconds: int = Field(default=300, ge=10, le=3600)
    #: A server DPoP nonce is accepted this long; a new one is handed out after half of it.
    dpop_nonce_lifetime_seconds: int = Field(default=300, ge=10, le=3600)
    #: Key proofs and DPoP proofs: ``iat`` at most this old …
    proof_max_age_seconds: int = Field(default=300, ge=10, le=3600)
    #: … and at most this far in the future (client clock skew).
    proof_clock_skew_seconds: int = Field(default=60, ge=0, le=600)
    #: Most key proofs (hence credentials) in one credential request (§12.2.4: >= 2 when
    #: advertised; 1 turns batch issuance off). Each copy has its own key, salts and status entry.
    batch_size: int = Field(default=3, ge=1, le=20)
    #: Digits of the numeric transaction code (``tx_code``) an offer can require.
    tx_code_length: int = Field(default=6, ge=4, le=12)
    #: Wrong transaction codes before the pre-authorized code is burned (1.0 Final sets no limit).
    tx_code_max_attempts: int = Field(default=3, ge=1, le=20)
    #: Shown by the wallet beside the transaction code input (§4.1.1: at most 300 characters).
    tx_code_description: str = Field(
        default="Enter the code you received from the issuing office (letter or text message).",
        min_length=1,
        max_length=300,
    )
    #: The wallet providers whose wallet attestations the authorization-code flow accepts
    #: (public JWKs, JSON list): an attestation is signed by one of these keys, named by its
    #: ``kid`` or carried in its ``jwk`` header (docs/portal.md, "Authorization-code flow").
    #: Empty: no wallet can start the authorization-code flow.
    trusted_wallet_attesters: tuple[dict[str, Any], ...] = ()
    #: A pushed authorization request can be used this long (RFC 9126 §2.2: short) …
    authorization_request_lifetime_seconds: int = Field(default=90, ge=10, le=600)
    #: … the citizen has this long to log in once the wallet opened it …
    authorization_login_seconds: int = Field(default=600, ge=60, le=3600)
    #: … and the authorization code is valid this long (RFC 6749 §4.1.2: at most 10 minutes).
    authorization_code_lifetime_seconds: int = Field(default=60, ge=10, le=600)


class SourceSettings(BaseModel):
    """Where the facts about citizens come from (docs/sources.md).

    Environment: ``CIVICRED_ISSUER_SOURCE__<NAME>``. ``kind``: ``dev`` (a handful of fictional
    people), ``synthetic`` (``synthetic_citizens`` generated by index) or ``http`` (a real
    source's API at ``url``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["dev", "synthetic", "http"] = "dev"
    synthetic_citizens: int = Field(default=300, ge=1, le=10_000_000)
    synthetic_seed: int = 1
    url: str | None = None
    connect_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    read_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    deadline_seconds: float = Field(default=10.0, gt=0, le=120)
    attempts: int = Field(default=3, ge=1, le=10)
    backoff_seconds: float = Field(default=0.2, ge=0, le=10)
    backoff_max_seconds: float = Field(default=2.0, ge=0, le=60)
    ca_file: Path | None = None
    client_cert_file: Path | None = None
    client_key_file: Path | None = None
    token: SecretStr | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme != "https" and not (
            parts.scheme == "http" and is_loopback(parts.hostname or "")
        ):
            raise _problem("must use https (http only for a loopback host)")
        return value.rstrip("/")

    @field_validator("client_key_file")
    @classmethod
    def _client_key(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if (value is None) != (info.data.get("client_cert_file") is None):
            raise _problem("client_cert_file and client_key_file go together (mutual TLS)")
        return value

    @model_validator(mode="after")
    def _kind_needs_url(self) -> SourceSettings:
        if self.kind == "http" and not self.url:
            raise _problem("the http source needs its url (CIVICRED_ISSUER_SOURCE__URL)")
        return self


class LoginSettings(BaseModel):
    """How citizens log in: an OpenID Connect provider (the national eID) given by its issuer
    URL, with PKCE (docs/portal.md). Environment: ``CIVICRED_ISSUER_LOGIN__<NAME>``.

    Without ``issuer_url`` nobody can log in (the portal and the authorization endpoint answer
    that login is not configured), except through the dev login in dev mode.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The provider's issuer identifier; its metadata is read from
    #: ``<issuer_url>/.well-known/openid-configuration`` (OpenID Connect Discovery 1.0 §4).
    issuer_url: str | None = None
    client_id: str = Field(default="civicred-portal", min_length=1, max_length=128)
    #: ``client_secret_basic`` with it; a public client (PKCE only) without.
    client_secret: SecretStr | None = None
    scopes: tuple[str, ...] = ("openid", "national_number")
    #: The ID-token claim holding the national number (Belgian FAS: ``egovNRN``); the source
    #: maps it to its pseudonymous subject. Never logged, never in a URL.
    identifier_claim: str = Field(default="national_number", min_length=1, max_length=64)
    timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    #: A login started must come back within this time (state, nonce and PKCE verifier).
    attempt_lifetime_seconds: int = Field(default=600, ge=60, le=3600)
    #: A portal session ends after this long without a request …
    session_idle_seconds: int = Field(default=900, ge=60, le=24 * 3600)
    #: … and at the latest this long after the login.
    session_lifetime_seconds: int = Field(default=8 * 3600, ge=300, le=7 * 24 * 3600)

    @field_validator("issuer_url")
    @classmethod
    def _issuer_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.query or parts.fragment or not parts.hostname:
            raise _problem("must be an issuer URL without query or fragment")
        if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname)):
            raise _problem("must use https (http only for a loopback host)")
        return value.rstrip("/")

    @field_validator("scopes")
    @classmethod
    def _openid(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if "openid" not in value:
            raise _problem("must include openid")
        return value


class IssuerSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        extra="forbid",
        env_file_encoding="utf-8",
        env_nested_delimiter=NESTED_DELIMITER,
    )

    #: Development conveniences on a loopback address only (``civicred demo`` sets it).
    dev_mode: bool = False
    #: Where wallets and verifiers reach this service: ``https://host[:port][/path]``; http only
    #: for a loopback host in dev mode. It is the credential issuer identifier.
    public_base_url: str
    database_url: str = "sqlite:///var/issuer/issuer.db"
    issuer_id: str = "BE:CBSS"
    #: ``<keys_dir>/document_signing/`` and ``<keys_dir>/status_signing/``: ``private.jwk`` (or
    #: ``private.pem``) and ``chain.pem`` each.
    keys_dir: Path = Path("var/issuer/keys")
    #: The trust registry (certificates for DEV-ONLY keys, pushed lists).
    registry_url: str = "http://127.0.0.1:8700"
    #: The bearer token this issuer presents to the registry's admin API (dev default in dev mode).
    registry_admin_token: SecretStr | None = None
    #: The **operator** role's bearer tokens (JSON list in the environment): the operator API
    #: (``/operator``, and its older ``/admin`` routes) may change and read; the audit actor is
    #: ``operator#<index>``. Empty: nobody may change anything.
    admin_tokens: list[SecretStr] = Field(default_factory=list)
    #: The **auditor** role's bearer tokens: may only read (issuances, the audit log and its
    #: verification); the audit actor is ``auditor#<index>``. Never also an operator token.
    auditor_tokens: list[SecretStr] = Field(default_factory=list)
    #: The dev login of the authorization flow (no real authentication): dev mode only.
    dev_login: bool = False
    #: Test hook: every request but health and metrics waits this long first (dev mode only).
    dev_request_delay_seconds: float = Field(default=0.0, ge=0, le=60)

    # -- status lists ----------------------------------------------------------------------------
    #: Entries per status list: large and fixed-size for herd privacy (ARF Topic 7).
    status_list_size: int = Field(default=1 << 20, gt=0)
    #: A list is closed for new allocations once this share of it is used.
    status_list_fill_limit: float = Field(default=0.5, gt=0, le=1)
    status_list_ttl_seconds: int = Field(default=3600, gt=0)
    status_list_validity_seconds: int = Field(default=24 * 3600, gt=0)
    #: jtis per paper-document revocation list (size-limited lists, EHIC PDF QR PoC §2.3.2).
    revocation_list_capacity: int = Field(default=10_000, gt=0)

    # -- serving ---------------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = Field(default=8701, ge=1, le=65535)
    #: Worker processes (uvicorn multi-process mode above 1; metrics aggregated across them).
    workers: int = Field(default=1, ge=1, le=64)
    #: How long in-flight requests may run on after SIGTERM before they are cancelled.
    graceful_shutdown_seconds: float = Field(default=30.0, ge=0)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    #: Where worker processes keep their metric files (``PROMETHEUS_MULTIPROC_DIR``); emptied
    #: at start. Unset with ``workers > 1``: a fresh temporary directory.
    metrics_dir: Path | None = None
    #: Bring the schema to the newest revision before serving (else ``civicred issuer migrate``).
    migrate_on_start: bool = False
    #: Each readiness check (database, keys) must answer within this time.
    readiness_timeout_seconds: float = Field(default=2.0, gt=0, le=30)

    # -- OpenID4VCI ------------------------------------------------------------------------------
    oid4vci: OpenId4VciSettings = Field(default_factory=OpenId4VciSettings)

    # -- authentic source ------------------------------------------------------------------------
    source: SourceSettings = Field(default_factory=SourceSettings)

    # -- citizens' login (portal, authorization endpoint) ----------------------------------------
    login: LoginSettings = Field(default_factory=LoginSettings)

    @field_validator("public_base_url")
    @classmethod
    def _public_base_url(cls, value: str, info: ValidationInfo) -> str:
        parts = urlsplit(value)
        if not parts.hostname or parts.scheme not in ("http", "https"):
            raise _problem("must be an absolute https URL (got '{value}')", value=value)
        if parts.username or parts.password or parts.query or parts.fragment:
            raise _problem("must have no credentials, query or fragment")
        loopback = is_loopback(parts.hostname)
        if parts.scheme == "http" and not (loopback and _dev_mode(info)):
            raise _problem("must use https (http only for a loopback host in dev mode)")
        if _dev_mode(info) and not loopback:
            raise _problem(
                "dev mode is refused for a public host ({host}): use a loopback address",
                host=parts.hostname,
            )
        return value.rstrip("/")

    @field_validator("registry_url")
    @classmethod
    def _registry_url(cls, value: str) -> str:
        parts = urlsplit(value)
        loopback = is_loopback(parts.hostname or "")
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise _problem("must use https (http only for a loopback host)")
        return value.rstrip("/")

    @field_validator("host")
    @classmethod
    def _host(cls, value: str, info: ValidationInfo) -> str:
        if _dev_mode(info) and not is_loopback(value):
            raise _problem(
                "dev mode serves on a loopback address only (got '{value}')", value=value
            )
        return value

    @field_validator("admin_tokens")
    @classmethod
    def _admin_tokens(cls, value: list[SecretStr], info: ValidationInfo) -> list[SecretStr]:
        return _role_tokens(value, info, DEV_ADMIN_TOKEN)

    @field_validator("auditor_tokens")
    @classmethod
    def _auditor_tokens(cls, value: list[SecretStr], info: ValidationInfo) -> list[SecretStr]:
        tokens = _role_tokens(value, info, DEV_AUDITOR_TOKEN)
        operators = {t.get_secret_value() for t in info.data.get("admin_tokens", [])}
        if any(t.get_secret_value() in operators for t in tokens):
            raise _problem("a token cannot be both an operator and an auditor token")
        return tokens

    @field_validator("registry_admin_token")
    @classmethod
    def _registry_admin_token(
        cls, value: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        if _dev_mode(info):
            return value or SecretStr(DEV_REGISTRY_ADMIN_TOKEN)
        if value is not None and value.get_secret_value() in _DEV_TOKENS:
            raise _problem("a DEV-ONLY token is refused outside dev mode")
        return value

    @field_validator("dev_login")
    @classmethod
    def _dev_login(cls, value: bool, info: ValidationInfo) -> bool:
        if value and not _dev_mode(info):
            raise _problem("the dev login needs dev mode (never in production)")
        return value

    @field_validator("dev_request_delay_seconds")
    @classmethod
    def _delay(cls, value: float, info: ValidationInfo) -> float:
        if value and not _dev_mode(info):
            raise _problem("the request-delay hook needs dev mode (never in production)")
        return value

    # -- URLs: the only way to build one ---------------------------------------------------------
    @property
    def credential_issuer(self) -> str:
        """The credential issuer identifier (OpenID4VCI 1.0 §12.2.1) and ``iss``."""
        return self.public_base_url

    def endpoint(self, path: str) -> str:
        """The public URL of ``path`` on this service (``"token"`` or ``"/token"``)."""
        return f"{self.public_base_url}/{path.lstrip('/')}"

    def well_known(self, name: str) -> str:
        """``/.well-known/<name>`` inserted between host and path (RFC 8615; OpenID4VCI 1.0
        §12.2.2, RFC 8414 §3): ``https://h/.well-known/openid-credential-issuer/tenant``."""
        parts = urlsplit(self.public_base_url)
        return f"{parts.scheme}://{parts.netloc}/.well-known/{name}{parts.path}"

    def uses_dev_secrets(self) -> bool:
        tokens = [
            *self.admin_tokens,
            *self.auditor_tokens,
            *filter(None, [self.registry_admin_token]),
        ]
        return any(t.get_secret_value() in _DEV_TOKENS for t in tokens)


def _role_tokens(value: list[SecretStr], info: ValidationInfo, dev_default: str) -> list[SecretStr]:
    """One role's tokens: the DEV-ONLY default in dev mode when empty; outside dev mode every
    token has at least :data:`MIN_ADMIN_TOKEN_LENGTH` characters and none is a DEV-ONLY one."""
    if _dev_mode(info):
        return value or [SecretStr(dev_default)]
    for token in value:
        secret = token.get_secret_value()
        if secret in _DEV_TOKENS:
            raise _problem("a DEV-ONLY token is refused outside dev mode")
        if len(secret) < MIN_ADMIN_TOKEN_LENGTH:
            raise _problem(
                "tokens must have at least {n} characters outside dev mode",
                n=MIN_ADMIN_TOKEN_LENGTH,
            )
    return value


class SettingsInvalid(ValueError):
    """The settings cannot be used; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_settings(env_file: Path | None = None, **overrides: Any) -> IssuerSettings:
    """The settings from the environment, ``env_file`` (else ``$CIVICRED_ISSUER_ENV_FILE``) and
    ``overrides`` (command-line options), in increasing priority.

    Raises :class:`SettingsInvalid` naming each problem by its environment variable; an unknown
    ``CIVICRED_ISSUER_*`` variable is a problem too (a typo must not fall back to a default).
    """
    if env_file is None and os.environ.get(ENV_FILE_VARIABLE):
        env_file = Path(os.environ[ENV_FILE_VARIABLE])
    problems = [f"{name}: {_unknown_hint(name)}" for name in _unknown_variables()]
    if env_file is not None and not env_file.is_file():
        problems.append(f"{ENV_FILE_VARIABLE}: {env_file} is not a readable file")
        env_file = None
    try:
        settings = IssuerSettings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        problems.extend(describe(exc))
        settings = None
    if problems or settings is None:
        # an unknown nested variable is reported by the scan and by pydantic: name it once
        raise SettingsInvalid(list(dict.fromkeys(problems)))
    return settings


def describe(error: ValidationError) -> list[str]:
    """One line per problem: ``CIVICRED_ISSUER_PUBLIC_BASE_URL: must use https (…)``."""
    lines = []
    for item in error.errors(include_url=False, include_input=False):
        field = NESTED_DELIMITER.join(str(part) for part in item["loc"]).upper()
        name = field if field.startswith(ENV_PREFIX) else f"{ENV_PREFIX}{field}"
        message = item["msg"]
        if item["type"] == "missing":
            message = "required"
        elif item["type"] == "extra_forbidden":
            message = _unknown_hint(field)
        lines.append(f"{name}: {message}")
    return lines


def _unknown_variables() -> list[str]:
    known = {f"{ENV_PREFIX}{name.upper()}" for name in IssuerSettings.model_fields}
    groups = (("OID4VCI", OpenId4VciSettings), ("SOURCE", SourceSettings), ("LOGIN", LoginSettings))
    for group, model in groups:
        known |= {
            f"{ENV_PREFIX}{group}{NESTED_DELIMITER}{name.upper()}" for name in model.model_fields
        }
    known.add(ENV_FILE_VARIABLE)
    return sorted(n for n in os.environ if n.startswith(ENV_PREFIX) and n not in known)


def _unknown_hint(name: str) -> str:
    if name.upper().removeprefix(ENV_PREFIX) == "CREDENTIAL_ISSUER":
        return "unknown setting (the credential issuer identifier is public_base_url)"
    return "unknown setting"
