"""End to end, every part live: the trust registry (a subprocess) and the issuer (uvicorn) of the
main job; a wallet obtains a social-status SD-JWT VC over OpenID4VCI (offer, DPoP token, nonce,
key proof: tests/openid4vci/_wallet.py); the desk (uvicorn, real clock) loads the registry's
bundle pinned to its root; the wallet scans the desk's request and answers over OpenID4VP
(tests/desk_web/_wallet.py); the page gets a valid verdict. Then an operator revokes the
issuance, the issuer publishes, the desk refreshes its bundle from the registry, and the next
presentation of the same credential is invalid (``status.revoked``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from desk.app import create_app, system_clock
from desk.settings import DeskSettings
from desk.trust import DeskTrust
from issuer.settings import DEV_ADMIN_TOKEN
from issuer.world import World, publish, running_world
from servicekit.local import app_thread, free_port
from tests.openid4vci._wallet import Wallet, new_key, offer_uri_from_link, pre_authorized

from ._wallet import TestWallet, link_in, transaction_in

OPERATOR = {"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_world(tmp_path_factory.mktemp("world")) as running:
        yield running


def issue_over_openid4vci(world: World) -> tuple[str, Any]:
    """(credential, holder key): the pre-authorized flow against the live issuer, as a wallet
    runs it."""
    http = httpx.Client(base_url=world.issuer_url, timeout=30)
    created = http.post("/operator/offers", headers=OPERATOR, json={
        "subject_id": "p-0001", "credential_configuration_ids": ["social-status-1"],
        "tx_code": True})  # fmt: skip
    assert created.status_code == 201, created.text
    offer = created.json()
    wallet = Wallet(http)
    got = wallet.fetch_offer(offer_uri_from_link(offer["offer_by_reference"]))
    wallet.discover(got["credential_issuer"])
    token = wallet.access_token(pre_authorized(got)["pre-authorized_code"], offer["tx_code"])
    holder = new_key()
    response = wallet.credential_request(token, {
        "credential_configuration_id": "social-status-1",
        "proofs": {"jwt": [wallet.key_proof(holder, nonce=wallet.c_nonce())]}})  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()["credentials"][0]["credential"], holder


def test_a_credential_from_the_issuer_is_presented_to_the_desk(
    world: World, tmp_path: Path
) -> None:
    credential, holder = issue_over_openid4vci(world)
    publish(world)  # the status list goes into the registry's bundle
    root = tmp_path / "registry-root.pem"
    root.write_bytes(world.registry.root_pem())
    bundle = tmp_path / "bundle.jwt"
    trust = DeskTrust.load(bundle, now=datetime.now(UTC), root=root,
                           registry_url=world.registry_url)  # fmt: skip
    port = free_port()
    settings = DeskSettings(bundle=bundle, root=root, registry_url=world.registry_url, port=port,
                            identity_dir=tmp_path / "identity", refresh_seconds=3600)  # fmt: skip
    app = create_app(settings, trust, clock=system_clock)
    with app_thread(app, port) as url, httpx.Client(base_url=url, timeout=30) as desk:
        identity_root = _dev_root(tmp_path)
        wallet = TestWallet(desk, [identity_root], system_clock, [credential], holder=holder)

        def present() -> str:
            page = desk.post("/wallet")
            assert page.status_code == 201, page.text
            answered = wallet.respond_to(link_in(page.text))
            assert answered.status_code == 200, answered.text
            verdict = desk.get(f"/wallet/{transaction_in(page.text)}?wait=5")
            assert verdict.status_code == 200, verdict.text
            return verdict.text

        html = present()
        assert 'data-outcome="valid"' in html, html
        shown = dict(_shown(html))
        assert shown["Entitled to a reduced tariff"] == "yes"
        assert shown["Family name"] and shown["Given name(s)"]
        assert "personal_administrative_number" not in html and "birth" not in html.lower()

        reference = _issuance_of(world)
        revoked = httpx.post(f"{world.issuer_url}/operator/issuances/{reference}/revoke",
                             json={"reason": "entitlement_ended"}, headers=OPERATOR, timeout=30)  # fmt: skip
        assert revoked.status_code == 200, revoked.text
        publish(world)
        assert trust.refresh(datetime.now(UTC)).ok  # the desk's background refresh, once
        html = present()
        assert 'data-outcome="invalid"' in html and 'data-code="status.revoked"' in html


def _issuance_of(world: World) -> str:
    """The operator API's reference of the one issuance this fresh world made."""
    listed = httpx.get(f"{world.issuer_url}/operator/issuances", headers=OPERATOR, timeout=30,
                       params={"type": "social-status", "state": "active"})  # fmt: skip
    assert listed.status_code == 200, listed.text
    (issuance,) = listed.json()["issuances"]
    assert len(issuance["members"]) == 1  # the one credential of the batch
    return str(issuance["reference"])


def _dev_root(folder: Path) -> Any:
    from desk.identity import DEV_ROOT_FILE
    from verifier.trust import load_pem_certificates

    return load_pem_certificates((folder / "identity" / DEV_ROOT_FILE).read_bytes())[0]


def _shown(html: str) -> list[tuple[str, str]]:
    import re

    return re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html)
