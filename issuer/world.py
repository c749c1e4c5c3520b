"""A running trust registry (subprocess) and issuer (this process) on SQLite, wired together:
the issuer's certificates come from the registry, its lists are published to it, and it checks
the registry's decision before it signs. Used by the main job and the integration tests.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from issuer.api import create_app
from issuer.issuance import registry_authorizer
from issuer.keyring import Keyring
from issuer.registry_client import RegistryClient
from issuer.services import IssuerServices
from issuer.settings import IssuerSettings
from servicekit.local import LOCALHOST, app_thread, free_port, port_in_use, server_process
from verifier.status import STATUS_LIST_JWT_MEDIA_TYPE
from verifier.trust import verify_trust_list


@dataclass(frozen=True)
class World:
    services: IssuerServices
    registry: RegistryClient
    registry_url: str
    issuer_url: str


@contextmanager
def registry_process(workdir: Path, port: int, *, log: Path) -> Iterator[str]:
    """``python -m trust_registry serve`` as a real subprocess with its state under ``workdir``
    (a subprocess: the issuer never imports the registry)."""
    url = f"http://{LOCALHOST}:{port}"
    env = {
        **os.environ,
        "CIVICRED_REGISTRY_DATABASE_URL": f"sqlite:///{workdir / 'registry.db'}",
        "CIVICRED_REGISTRY_PKI_DIR": str(workdir / "pki"),
        "CIVICRED_REGISTRY_PUBLIC_BASE_URL": url,
    }
    workdir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "trust_registry", "serve", "--host", LOCALHOST]
    with server_process([*command, "--port", str(port)], url=url, env=env, log=log):
        yield url


@contextmanager
def running_world(
    workdir: Path,
    *,
    registry_port: int | None = None,
    issuer_port: int | None = None,
    issuer_settings: Mapping[str, Any] | None = None,
) -> Iterator[World]:
    """Registry subprocess + issuer app thread, with state under ``workdir``; ``issuer_settings``: more
    issuer settings (the login provider, the source, …)."""
    registry_port = registry_port or free_port()
    issuer_port = issuer_port or free_port()
    for port in (registry_port, issuer_port):
        if port_in_use(port):
            raise RuntimeError(
                f"port {port} is in use (choose others with --registry-port/--issuer-port)"
            )
    workdir.mkdir(parents=True, exist_ok=True)
    with registry_process(
        workdir / "registry", registry_port, log=workdir / "registry.log"
    ) as registry_url:
        settings = IssuerSettings(
            dev_mode=True,  # DEV-ONLY keys and tokens, http on loopback
            database_url=f"sqlite:///{workdir / 'issuer' / 'issuer.db'}",
            keys_dir=workdir / "issuer" / "keys",
            public_base_url=f"http://{LOCALHOST}:{issuer_port}",
            registry_url=registry_url,
            **(issuer_settings or {}),
        )
        assert settings.registry_admin_token is not None  # the dev default in dev mode
        client = RegistryClient(
            settings.registry_url, settings.registry_admin_token.get_secret_value()
        )
        # The registry lists this issuer under the URL it really serves (the iss verifiers match).
        client.set_credential_issuer(settings.issuer_id, settings.credential_issuer)
        keyring = Keyring.load_or_create(
            settings.keys_dir, issuer_id=settings.issuer_id, registry=client
        )
        root = x509.load_pem_x509_certificate(client.root_pem())
        snapshot = verify_trust_list(client.trust_list(), root, datetime.now(UTC))
        services = IssuerServices.build(
            settings,
            document_signer=keyring.document,
            status_signer=keyring.status,
            authorize=registry_authorizer(snapshot, keyring.document),
        )
        with app_thread(create_app(services), issuer_port) as issuer_url:
            yield World(services, client, registry_url, issuer_url)


def publish(world: World) -> None:
    """Push every published status and revocation list to the registry (for the bundle)."""
    status_lists, revocation_lists = [], []
    for uri in world.services.status.list_uris():
        published = world.services.status.published(uri.rsplit("/", 1)[-1])
        status_lists.append((uri, published.token_jwt, STATUS_LIST_JWT_MEDIA_TYPE))
    for uri in world.services.revocation.list_uris():
        token = world.services.revocation.published(uri.rsplit("/", 1)[-1])
        revocation_lists.append((uri, token, "application/jwt"))
    world.registry.push_lists(
        world.services.settings.issuer_id,
        status_lists=status_lists,
        revocation_lists=revocation_lists,
    )
