"""The issuer as a service: ``civicred issuer serve|migrate|check`` (docs/issuer-operations.md).

``serve`` validates the settings and the keys in the supervising process (a problem is one line
on stderr and exit code 2), prepares logging, metrics and (``migrate_on_start``) the schema, then
runs uvicorn with the import-string app factory :func:`app_from_environment`: each worker process
builds its own services from the same environment. SIGTERM stops accepting connections, lets
in-flight requests finish (``graceful_shutdown_seconds``), disposes of the database engine and
exits 0.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from issuer.keyring import Keyring, KeyringProblem
from issuer.settings import ENV_FILE_VARIABLE, IssuerSettings, SettingsInvalid, load_settings
from servicekit.observability import (
    MULTIPROCESS_DIR_VARIABLE,
    configure_logging,
    logging_config,
    prepare_multiprocess_dir,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

    from issuer.issuance import Authorize
    from issuer.services import IssuerServices

#: The uvicorn app factory (``factory=True``): what each worker process imports and calls.
APP_FACTORY = "issuer.serve:app_from_environment"
#: Field names the issuer logs besides :data:`servicekit.observability.SAFE_FIELDS`.
LOG_FIELDS = ("credential_type", "list_id")
EXIT_CONFIG = 2
EXIT_FAILURE = 1
log = logging.getLogger("issuer.serve")


class StartupRefused(Exception):
    """The service cannot start: ``problems`` has one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def checked_settings(env_file: Path | None = None, **overrides: Any) -> IssuerSettings:
    """The settings, and the keys they name, checked as ``serve`` would (no server started).

    In dev mode missing keys are generated DEV-ONLY and certified by the dev registry; outside
    it they must be provisioned, and DEV-ONLY ones are refused.
    """
    try:
        settings = load_settings(env_file, **overrides)
    except SettingsInvalid as exc:
        raise StartupRefused(exc.problems) from None
    load_keyring(settings, provision=True)
    return settings


def load_keyring(settings: IssuerSettings, *, provision: bool = False) -> Keyring:
    try:
        if settings.dev_mode and provision:
            from issuer.registry_client import RegistryClient

            token = settings.registry_admin_token
            client = RegistryClient(
                settings.registry_url, token.get_secret_value() if token else ""
            )
            return Keyring.load_or_create(
                settings.keys_dir, issuer_id=settings.issuer_id, registry=client
            )
        return Keyring.load(settings.keys_dir, allow_dev_keys=settings.dev_mode)
    except KeyringProblem as exc:
        raise StartupRefused(
            [f"CIVICRED_ISSUER_KEYS_DIR: {problem}" for problem in exc.problems]
        ) from None
    except Exception as exc:  # the dev registry is unreachable, a file is unreadable…
        raise StartupRefused([f"CIVICRED_ISSUER_KEYS_DIR: {exc}"]) from None


def build_services(settings: IssuerSettings, *, migrate: bool = False) -> IssuerServices:
    """The services of one worker: provisioned keys, no connection made unless ``migrate``."""
    from issuer.services import IssuerServices

    keyring = load_keyring(settings)
    return IssuerServices.build(
        settings,
        document_signer=keyring.document,
        status_signer=keyring.status,
        authorize=dev_registry_authorizer(settings, keyring) if settings.dev_mode else None,
        migrate=migrate,
    )


def dev_registry_authorizer(settings: IssuerSettings, keyring: Keyring) -> Authorize | None:
    """DEV ONLY: the dev registry's decision, checked before each signature (and its signing
    window, which starts at the certificate's activation, is where day-precision ``iat`` may
    start: docs/openid4vci.md). The trust list is verified with the root the registry itself
    serves (trust on first use, acceptable on loopback only); ``None``, with a warning, when no
    registry answers at ``REGISTRY_URL``."""
    from cryptography import x509

    from issuer.issuance import registry_authorizer
    from issuer.registry_client import RegistryClient
    from verifier.trust import verify_trust_list

    token = settings.registry_admin_token
    client = RegistryClient(settings.registry_url, token.get_secret_value() if token else "")
    try:
        root = x509.load_pem_x509_certificate(client.root_pem())
        snapshot = verify_trust_list(client.trust_list(), root, datetime.now(UTC))
    except Exception as exc:  # no dev registry running: sign without its decision
        log.warning("dev registry unreachable: signing without its decision",
                    extra={"error": type(exc).__name__})  # fmt: skip
        return None
    if not keyring.document.certificate_chain:
        return None
    return registry_authorizer(snapshot, keyring.document)


def app_from_environment() -> FastAPI:
    """The uvicorn factory: settings from the environment (and ``CIVICRED_ISSUER_ENV_FILE``)."""
    from issuer.api import create_app

    return create_app(build_services(load_settings()))


def serve(settings: IssuerSettings, env_file: Path | None = None) -> int:
    """Run the service until SIGTERM or SIGINT; 0 after a graceful stop."""
    import uvicorn

    configure_logging(settings.log_level, fields=LOG_FIELDS)
    if env_file is not None:  # the workers read the same file
        os.environ[ENV_FILE_VARIABLE] = str(env_file.resolve())
    metrics_dir = _prepare_metrics(settings)
    if settings.migrate_on_start:
        migrate(settings)
    if settings.dev_mode:
        log.warning("DEV MODE: development conveniences are on; never expose this service")
    log.info(
        "issuer starting",
        extra={"host": settings.host, "port": settings.port, "workers": settings.workers},
    )

    def stopped(_signum: int, _frame: FrameType | None) -> None:
        """uvicorn re-raises the SIGTERM it handled once it has shut down: it ends here."""

    previous = signal.signal(signal.SIGTERM, stopped)
    try:
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_config=logging_config(settings.log_level, fields=LOG_FIELDS),
            access_log=False,  # our middleware logs one line per request, by route template
            server_header=False,
            timeout_graceful_shutdown=settings.graceful_shutdown_seconds,  # type: ignore[arg-type]
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    log.info("issuer stopped")
    return 0


def _prepare_metrics(settings: IssuerSettings) -> Path | None:
    """Multi-process metrics for several workers; returns a temporary directory to remove."""
    given = settings.metrics_dir or (
        Path(os.environ[MULTIPROCESS_DIR_VARIABLE])
        if os.environ.get(MULTIPROCESS_DIR_VARIABLE)
        else None
    )
    if given is not None:
        prepare_multiprocess_dir(given)
        return None
    if settings.workers > 1:
        temporary = Path(tempfile.mkdtemp(prefix="civicred-issuer-metrics-"))
        prepare_multiprocess_dir(temporary)
        return temporary
    return None


def migrate(settings: IssuerSettings) -> tuple[str | None, str]:
    """The schema brought to head (one transaction, a lock on PostgreSQL); ``(before, head)``."""
    from issuer.storage import Database

    db = Database(settings.database_url)
    try:
        before, _ = db.schema_revisions()
        db.migrate()
        return before, db.schema_revisions()[1]
    finally:
        db.dispose()


def report_refusal(command: str, problems: list[str]) -> int:
    for problem in problems:
        print(f"civicred issuer {command}: {problem}", file=sys.stderr)
    return EXIT_CONFIG
