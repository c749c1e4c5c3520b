"""A real, independent wallet against the live issuer: npm ``@openid4vc/openid4vci`` and
``@openid4vc/oauth2`` (tests/interop/wallet.mjs) over HTTP on 127.0.0.1, for each credential
type: offer by reference → metadata (detected as 1.0 Final) → token with tx_code and DPoP (its
DPoP-Nonce challenge answered by the library) → nonce → batch of three → notification. The
credentials it obtains verify with the project's verifier (key binding to each proof key, status
on the served list) and with npm ``@sd-jwt/sd-jwt-vc`` (tests/interop/verify.mjs), which fetches
and checks the status list itself."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from issuer.oid4vci import configurations
from issuer.storage import CredentialResponseRow
from tests.openid4vci._verify import served_status, verify_presented
from verifier.jose import jwk_from_public_key, private_key_from_jwk
from verifier.signing import LocalSigner
from verifier.status import TokenStatus

from ._node import run_script
from .conftest import LiveIssuer

pytestmark = pytest.mark.interop

CONFIGURATIONS = ["social-status-1", "ehic-1", "ehic-prc-1"]
BATCH = 3
VERIFIER_AUD = "https://verifier.example.test"


def _path(url: str) -> str:
    return urlsplit(url).path


def _steps(trace: list[dict[str, Any]]) -> list[tuple[str, str, int, str | None]]:
    return [(t["method"], _path(t["url"]), t["status"], t["error"]) for t in trace]


@pytest.mark.parametrize("configuration_id", CONFIGURATIONS)
def test_the_npm_wallet_obtains_a_batch_that_both_verifiers_accept(
    node: str, live_issuer: LiveIssuer, configuration_id: str
) -> None:
    created = live_issuer.create_offer(configuration_id)
    obtained = run_script(
        node,
        "wallet.mjs",
        {"offer": created["offer_by_reference"], "txCode": created["tx_code"], "batch": BATCH},
    )
    assert "error" not in obtained, obtained

    # -- what the library saw and did ------------------------------------------------------
    assert obtained["version"] == "V1"  # OpenID4VCI 1.0 Final, not a draft
    assert obtained["credentialIssuer"] == live_issuer.url
    assert obtained["authorizationServers"] == [live_issuer.url]
    assert obtained["configurationId"] == configuration_id
    assert obtained["tokenType"] == "DPoP"
    steps = _steps(obtained["trace"])
    offer_path = _path(created["credential_offer_uri"])
    assert steps[0] == ("GET", offer_path, 200, None)
    assert ("GET", "/.well-known/openid-credential-issuer", 200, None) in steps
    assert ("GET", "/.well-known/oauth-authorization-server", 200, None) in steps
    token_calls = [s for s in steps if s[1] == "/token"]
    assert token_calls == [
        ("POST", "/token", 400, "use_dpop_nonce"),  # the challenge, then the retry with it
        ("POST", "/token", 200, None),
    ]
    assert all(t["dpop"] for t in obtained["trace"] if _path(t["url"]) == "/token")
    assert [s for s in steps if s[1] in ("/nonce", "/credential", "/notification")] == [
        ("POST", "/nonce", 200, None),
        ("POST", "/credential", 200, None),  # the token response's DPoP-Nonce was used
        ("POST", "/notification", 204, None),
    ]
    assert obtained["notificationStatus"] == 204

    # -- the batch: one credential per proof key -------------------------------------------
    credentials = obtained["credentials"]
    assert len(credentials) == BATCH
    holders = [LocalSigner(private_key_from_jwk(c["holderPrivateJwk"])) for c in credentials]
    assert len({c["holderPublicJwk"]["x"] for c in credentials}) == BATCH

    # -- our verifier: key binding to the proof key, status on the served list -------------
    services = live_issuer.services
    vct = configurations()[configuration_id].vct
    now = datetime.now(UTC)
    for item, holder in zip(credentials, holders, strict=True):
        claims = verify_presented(services, item["credential"], holder, vct=vct, now=now)
        assert claims["iss"] == live_issuer.url
        assert claims["cnf"] == {"jwk": item["holderPublicJwk"]}
        assert served_status(live_issuer.http, services, claims, now=now) is TokenStatus.VALID

    # -- npm @sd-jwt/sd-jwt-vc: signature, status list fetched by the library, KB-JWT -------
    npm_check = {
        "credentials": [
            {"credential": c["credential"], "holderPrivateJwk": c["holderPrivateJwk"]}
            for c in credentials
        ],
        "issuerJwk": jwk_from_public_key(services.document_signer.public_key()),
        "statusJwk": jwk_from_public_key(services.status_signer.public_key()),
        "vct": vct,
        "iss": live_issuer.url,
        "aud": VERIFIER_AUD,
        "nonce": "npm-verifier-nonce",
    }
    checked = run_script(node, "verify.mjs", npm_check)
    assert "error" not in checked, checked
    results = checked["results"]
    assert [r["cnfJwk"] for r in results] == [c["holderPublicJwk"] for c in credentials]
    assert all(r["keyBound"] and r["vct"] == vct for r in results)
    assert all("personal_administrative_number" in r["claims"] for r in results)

    # -- the notification is recorded on the issuance's credential response -----------------
    with services.db.session() as session:
        row = session.scalars(
            select(CredentialResponseRow).where(
                CredentialResponseRow.notification_id == obtained["notificationId"]
            )
        ).one()
    assert row.grant_reference == created["grant_reference"]
    assert row.configuration_id == configuration_id
    assert row.event == "credential_accepted"
    assert row.credential_ids is not None and len(row.credential_ids) == BATCH

    # -- both verifiers read the live list: a revoked copy is refused by each --------------
    services.status.set_status(row.credential_ids[0], TokenStatus.INVALID, actor="interop-test")
    later = datetime.now(UTC)  # the list is signed again, at this time
    first = credentials[0]["credential"]
    claims = verify_presented(services, first, holders[0], vct=vct, now=later)
    assert served_status(live_issuer.http, services, claims, now=later) is TokenStatus.INVALID
    refused = run_script(
        node, "verify.mjs", {**npm_check, "credentials": npm_check["credentials"][:1]}
    )
    assert refused == {"error": "Status is not valid"}


def test_the_npm_wallet_reports_a_wrong_tx_code_as_the_issuer_said_it(
    node: str, live_issuer: LiveIssuer
) -> None:
    """An error reaches the wallet as the spec's JSON (RFC 6749 §5.2), not as a 200."""
    created = live_issuer.create_offer("ehic-1")
    wrong = str((int(created["tx_code"]) + 1) % 10**6).zfill(6)
    refused = run_script(
        node, "wallet.mjs", {"offer": created["offer_by_reference"], "txCode": wrong, "batch": 1}
    )
    assert refused["detail"]["error"] == "invalid_grant", refused
    assert "wrong" in refused["detail"]["error_description"]
    assert refused["detail"]["request_id"]
    assert _steps(refused["trace"])[-1] == ("POST", "/token", 400, "invalid_grant")
