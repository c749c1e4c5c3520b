"""The credential request runs in one transaction (docs/openid4vci.md, "One transaction per
credential request"): a refusal still spends what the request consumed before it — its DPoP
proof's ``jti``, its ``c_nonce``s — and keeps nothing of the issuance, so the grant can still
be used with fresh proofs. Each asserts the exact status and ``error`` code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.openid4vci._issuer import IssuerUnderTest, start_issuer
from tests.openid4vci._wallet import new_key

CONFIGURATION = "social-status-1"


@pytest.fixture
def issuer(tmp_path: Path) -> IssuerUnderTest:
    return start_issuer(tmp_path)


def _body(configuration_id: str, proofs: list[str]) -> dict[str, Any]:
    return {"credential_configuration_id": configuration_id, "proofs": {"jwt": proofs}}


def test_a_refused_request_spends_its_dpop_proof_and_nothing_else(issuer: IssuerUnderTest) -> None:
    wallet, token = issuer.authorized_wallet()
    url = wallet.issuer_metadata["credential_endpoint"]
    proof = wallet.dpop("POST", url, access_token=token)
    key_proof = wallet.key_proof(new_key(), nonce=wallet.c_nonce())
    refused = wallet.credential_request(
        token, _body("ehic-1", [key_proof]), dpop=proof, retry=False
    )
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"
    replayed = wallet.credential_request(
        token, _body(CONFIGURATION, [key_proof]), dpop=proof, retry=False
    )
    assert replayed.status_code == 401, replayed.text
    assert replayed.json()["error"] == "invalid_dpop_proof"  # the jti was spent by the refusal
    assert issuer.recorder.calls == []
    # the c_nonce was not reached by the refusal, and no response was made: a fresh proof works
    issued = wallet.credential_request(token, _body(CONFIGURATION, [key_proof]))
    assert issued.status_code == 200, issued.text
    assert len(issuer.recorder.calls) == 1


def test_a_batch_refused_for_one_nonce_spends_the_nonce_before_it(issuer: IssuerUnderTest) -> None:
    wallet, token = issuer.authorized_wallet()
    fresh = wallet.c_nonce()
    batch = [wallet.key_proof(new_key(), nonce=fresh), wallet.key_proof(new_key(), nonce="made-up")]
    refused = wallet.credential_request(token, _body(CONFIGURATION, batch))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_nonce"
    again = wallet.credential_request(
        token, _body(CONFIGURATION, [wallet.key_proof(new_key(), nonce=fresh)])
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_nonce"  # spent
    assert issuer.recorder.calls == []
    issued = wallet.credential_request(
        token, _body(CONFIGURATION, [wallet.key_proof(new_key(), nonce=wallet.c_nonce())])
    )
    assert issued.status_code == 200, issued.text
    assert len(issued.json()["credentials"]) == 1 and len(issuer.recorder.calls) == 1
