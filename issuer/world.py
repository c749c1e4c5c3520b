"""A running trust registry and issuer service on SQLite, wired together: the issuer's
certificates come from the registry, its lists are published to it. Used by the main job and the
integration tests.

Both run as subprocesses: ``python -m trust_registry serve`` and ``python -m issuer serve`` (what
``civicred issuer serve`` runs), in dev mode (DEV-ONLY keys and tokens, http on loopback). This
process keeps its own :class:`IssuerServices` on the same database and keys, as a second
replica would (docs/issuer-operations.md): it migrates the schema before the service starts,
renders the paper documents (checking the registry's decision before it signs), changes states
and pushes the lists to the registry. Wallets talk to the service over HTTP.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from pydantic import BaseModel, SecretStr

from issuer.issuance import registry_authorizer
from issuer.keyring import Keyring
from issuer.registry_client import RegistryClient
from issuer.services import IssuerServices
from issuer.settings import ENV_PREFIX, IssuerSettings, OpenId4VciSettings
from servicekit.local import LOCALHOST, free_port, port_in_use, server_process
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


#: The demo's offers stay redeemable an hour: long enough to scan the printed one with a wallet.
DEMO_OFFER_LIFETIME_SECONDS = 3600


def service_environment(settings: IssuerSettings, extra: Iterable[str] = ()) -> dict[str, str]:
    """This process's environment without any ``CIVICRED_ISSUER_*`` of its own, plus the
    settings the issuer service needs to serve what ``settings`` describe, and the settings
    named in ``extra`` (each as JSON, secrets included: the child is ours)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    values = {
        "DEV_MODE": "true",
        "PUBLIC_BASE_URL": settings.public_base_url,
        "DATABASE_URL": settings.database_url,
        "KEYS_DIR": str(settings.keys_dir.resolve()),
        "REGISTRY_URL": settings.registry_url,
        **{name.upper(): _as_json(getattr(settings, name)) for name in {"oid4vci", *extra}},
    }
    env.update({f"{ENV_PREFIX}{name}": value for name, value in values.items()})
    return env


def _as_json(value: Any) -> str:
    """A settings value as the JSON pydantic-settings reads from one variable."""

    def plain(item: Any) -> Any:
        if isinstance(item, BaseModel):
            return {name: plain(getattr(item, name)) for name in type(item).model_fields}
        if isinstance(item, SecretStr):
            return item.get_secret_value()
        if isinstance(item, Mapping):
            return {str(k): plain(v) for k, v in item.items()}
        if isinstance(item, list | tuple | set | frozenset):
            return [plain(v) for v in item]
        if isinstance(item, Path):
            return str(item.resolve())
        return item

    return json.dumps(plain(value))


@contextmanager
def issuer_process(
    settings: IssuerSettings, port: int, *, log: Path, extra: Iterable[str] = ()
) -> Iterator[str]:
    """``python -m issuer serve`` (``civicred issuer serve``) as a real subprocess."""
    url = f"http://{LOCALHOST}:{port}"
    command = [sys.executable, "-m", "issuer", "serve", "--host", LOCALHOST, "--port", str(port)]
    env = service_environment(settings, extra)
    with server_process(command, url=url, env=env, log=log):
        yield url


@contextmanager
def running_world(
    workdir: Path,
    *,
    registry_port: int | None = None,
    issuer_port: int | None = None,
    issuer_settings: Mapping[str, Any] | None = None,
) -> Iterator[World]:
    """The registry and the issuer service as subprocesses, with state under ``workdir``;
    ``issuer_settings``: more issuer settings (the login provider, the source, OpenID4VCI …),
    handed to the service through its environment."""
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
            database_url=f"sqlite:///{(workdir / 'issuer' / 'issuer.db').resolve()}",
            keys_dir=workdir / "issuer" / "keys",
            public_base_url=f"http://{LOCALHOST}:{issuer_port}",
            registry_url=registry_url,
            **{
                "oid4vci": OpenId4VciSettings(offer_lifetime_seconds=DEMO_OFFER_LIFETIME_SECONDS),
                **(issuer_settings or {}),
            },
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
        try:
            with issuer_process(
                settings, issuer_port, log=workdir / "issuer.log", extra=issuer_settings or ()
            ) as issuer_url:
                yield World(services, client, registry_url, issuer_url)
        finally:
            services.close()


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
