"""The issuer under test: real services on a real database (SQLite file or PostgreSQL), the real
ASGI app over httpx, a clock the test can move, and a recorder that remembers its calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.orm import Session

from issuer.api import create_app
from issuer.services import IssuerServices
from issuer.settings import IssuerSettings, OpenId4VciSettings
from servicekit.local import asgi_client
from verifier.signing import LocalSigner, generate_private_key

from ._wallet import ADMIN_TOKEN, Wallet, offer_uri_from_link, pre_authorized

PUBLIC_URL = "https://issuer.example.test"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@dataclass
class Clock:
    """The service's clock (and the wallet's): real time until a test moves it."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class RecordingRecorder:
    calls: list[dict[str, Any]] = field(default_factory=list)

    def record_issued(
        self,
        session: Session,
        *,
        grant_reference: str,
        credential_type: str,
        credential_ids: Sequence[str],
        subject_id: str,
        person: Mapping[str, Any],
    ) -> None:
        self.calls.append(
            {
                "grant_reference": grant_reference,
                "credential_type": credential_type,
                "credential_ids": list(credential_ids),
            }
        )


@dataclass
class IssuerUnderTest:
    services: IssuerServices
    http: httpx.Client
    clock: Clock
    recorder: RecordingRecorder

    def create_offer(
        self,
        configuration_ids: Sequence[str] = ("social-status-1",),
        *,
        subject_id: str = "p-0001",
        tx_code: bool = True,
    ) -> dict[str, Any]:
        response = self.http.post(
            "/operator/offers",
            json={
                "subject_id": subject_id,
                "credential_configuration_ids": list(configuration_ids),
                "tx_code": tx_code,
            },
            headers=ADMIN,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    def wallet(self) -> Wallet:
        return Wallet(self.http, clock=self.clock)

    def authorized_wallet(
        self, configuration_ids: Sequence[str] = ("social-status-1",)
    ) -> tuple[Wallet, str]:
        """A wallet through offer, discovery and token: ready for the credential endpoint."""
        created = self.create_offer(configuration_ids)
        wallet = self.wallet()
        offer = wallet.fetch_offer(offer_uri_from_link(created["offer_by_reference"]))
        wallet.discover(offer["credential_issuer"])
        code = pre_authorized(offer)["pre-authorized_code"]
        return wallet, wallet.access_token(code, created["tx_code"])


def start_issuer(
    tmp_path: Path,
    *,
    database_url: str | None = None,
    public_base_url: str = PUBLIC_URL,
    **oid4vci: Any,
) -> IssuerUnderTest:
    settings = IssuerSettings(
        database_url=database_url or f"sqlite:///{tmp_path / 'issuer.db'}",
        status_list_size=4096,
        admin_tokens=[ADMIN_TOKEN],
        public_base_url=public_base_url,
        oid4vci=OpenId4VciSettings(**oid4vci),
    )
    signer = LocalSigner(generate_private_key("ES256"))
    clock, recorder = Clock(), RecordingRecorder()
    services = IssuerServices.build(
        settings, document_signer=signer, status_signer=signer, recorder=recorder, clock=clock
    )
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(public_base_url))
    return IssuerUnderTest(services, asgi_client(create_app(services), origin), clock, recorder)
