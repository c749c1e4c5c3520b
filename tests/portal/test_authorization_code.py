"""Wallet-initiated issuance: the npm @openid4vc wallet completes the HAIP authorization-code
flow — PAR with its wallet attestation, PKCE S256, the citizen's login at the OIDC provider,
``iss`` in the response, DPoP-bound code and token — and the credentials verify offline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509

from issuer.settings import OpenId4VciSettings
from issuer.world import publish
from verifier import OfflineVerifier, Outcome, VerificationTime
from verifier.sdjwt import HeldCredential, VerificationPolicy

from ._provider import MARIE, ZANETA
from ._support import PortalWorld, portal_world
from ._wallet import WalletProvider, new_wallet_provider, run_wallet

PROVIDER = new_wallet_provider()


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalWorld]:
    oid4vci = OpenId4VciSettings(trusted_wallet_attesters=(PROVIDER.public_jwk,))
    with portal_world(tmp_path_factory.mktemp("authz"), oid4vci=oid4vci) as world:
        yield world


def verify(portal: PortalWorld, credentials: list[str]) -> set[Outcome]:
    world = portal.world
    publish(world)
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    root = x509.load_pem_x509_certificate(world.registry.root_pem())
    offline = OfflineVerifier.from_bundle(
        world.registry.bundle(), root=root, time=VerificationTime.at(now, timezone=UTC)
    )
    return {offline.verify_sd_jwt(c, VerificationPolicy.at(now)).outcome for c in credentials}


@pytest.mark.interop
@pytest.mark.parametrize(
    ("configuration_id", "user"), [("social-status-1", MARIE), ("ehic-1", ZANETA)]
)
def test_the_npm_wallet_completes_the_authorization_code_flow(
    portal: PortalWorld, tmp_path: Path, configuration_id: str, user: object
) -> None:
    result = run_wallet(
        tmp_path, portal.world.issuer_url, PROVIDER, user,  # type: ignore[arg-type]
        portal=portal.portal, configuration_id=configuration_id,
    )  # fmt: skip
    assert "credentials" in result, result
    assert result["token"] == {"token_type": "DPoP", "scope": configuration_id}
    credentials = result["credentials"]
    assert len(credentials) == 2
    assert verify(portal, credentials) == {Outcome.VALID}
    claims = HeldCredential.parse(credentials[0]).claims
    name = claims.get("given_name") or claims["subject"]["given_name"]
    assert name == user.given_name or name.startswith(user.given_name.split()[0][:3])  # type: ignore[attr-defined]
    # recorded for the citizen: her portal lists it, built on the source's facts
    subject = "p-0001" if user is MARIE else "p-0002"
    issued = portal.world.services.lifecycle.of_subject(subject)
    assert any(i.credential_type == configuration_id.rsplit("-", 1)[0] for i in issued)


def test_an_untrusted_wallet_provider_gets_no_request_uri(
    portal: PortalWorld, tmp_path: Path
) -> None:
    impostor = WalletProvider(PROVIDER.id, new_wallet_provider().private_jwk)
    result = run_wallet(tmp_path, portal.world.issuer_url, impostor, MARIE, portal=portal.portal)
    assert "error" in result and "invalid_client" in (result.get("detail") or "") + result["error"]
