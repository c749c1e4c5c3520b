"""Registry fixtures: a shared dev PKI, services over SQLite and PostgreSQL, an ASGI client."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from trust_registry.pki import CertificateAuthority
from trust_registry.services import RegistryServices
from verifier.signing import LocalSigner, generate_private_key

from ._support import ROOT_PASSPHRASE, START, Api, FakeClock, make_settings


@pytest.fixture(scope="session")
def pki_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One dev PKI made once (root key generation and encryption), copied into each test."""
    directory = tmp_path_factory.mktemp("pki-template")
    CertificateAuthority.load_or_create(
        directory,
        passphrase=ROOT_PASSPHRASE.encode(),
        registry_uri="http://registry.test",
        now=START,
    )
    return directory


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def pki_dir(tmp_path: Path, pki_template: Path) -> Path:
    target = tmp_path / "pki"
    shutil.copytree(pki_template, target)
    return target


@pytest.fixture
def services(database_url: str, pki_dir: Path, clock: FakeClock) -> Iterator[RegistryServices]:
    """Seeded services on SQLite and (marker ``postgres``) PostgreSQL."""
    built = RegistryServices.build(make_settings(database_url, pki_dir), clock=clock)
    yield built
    built.close()


@pytest.fixture
def sqlite_services(tmp_path: Path, pki_dir: Path, clock: FakeClock) -> Iterator[RegistryServices]:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    built = RegistryServices.build(make_settings(url, pki_dir), clock=clock)
    yield built
    built.close()


@pytest.fixture
def api(sqlite_services: RegistryServices) -> Api:
    return Api(sqlite_services)


@pytest.fixture
def issuer_key() -> LocalSigner:
    return LocalSigner(generate_private_key("ES256"))
