"""Interop fixtures: the npm packages (``npm ci`` once, see :mod:`tests.interop._node`) and a live
issuer served by uvicorn on a free loopback port (real HTTP; http on loopback is the issuer's dev
setting, as ``civicred demo`` runs it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from issuer.api import create_app
from issuer.services import IssuerServices
from issuer.settings import IssuerSettings
from servicekit.local import LOCALHOST, app_thread, free_port
from verifier.signing import LocalSigner, generate_private_key

from . import _node

OPERATOR_TOKEN = "interop-operator-token-0123456789abcdef"
OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


@pytest.fixture(scope="session")
def node() -> str:
    """The ``node`` executable, with tests/interop/node_modules installed from the lock file."""
    return _node.install()


@dataclass
class LiveIssuer:
    url: str
    services: IssuerServices
    http: httpx.Client

    def create_offer(self, configuration_id: str, *, tx_code: bool = True) -> dict[str, Any]:
        response = self.http.post(
            "/operator/offers",
            json={"subject_id": "p-0001", "credential_configuration_ids": [configuration_id],
                  "tx_code": tx_code},
            headers=OPERATOR,
        )  # fmt: skip
        assert response.status_code == 201, response.text
        return dict(response.json())


@pytest.fixture(scope="module")
def live_issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveIssuer]:
    """The issuer app under uvicorn on 127.0.0.1 (separate document and status keys)."""
    port = free_port()
    settings = IssuerSettings(
        dev_mode=True,  # http on a loopback address
        public_base_url=f"http://{LOCALHOST}:{port}",
        database_url=f"sqlite:///{tmp_path_factory.mktemp('interop') / 'issuer.db'}",
        admin_tokens=[OPERATOR_TOKEN],
        status_list_size=4096,
    )
    services = IssuerServices.build(
        settings,
        document_signer=LocalSigner(generate_private_key("ES256")),
        status_signer=LocalSigner(generate_private_key("ES256")),
    )
    with app_thread(create_app(services), port) as url, httpx.Client(base_url=url) as http:
        yield LiveIssuer(url, services, http)
    services.close()
