"""Attacks on the token endpoint (OpenID4VCI 1.0 §6, RFC 9449 §4-5, §8): codes, transaction
codes and DPoP proofs. Each asserts the exact status and ``error`` code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from issuer.oid4vci import PRE_AUTHORIZED_GRANT
from tests.openid4vci._issuer import IssuerUnderTest, start_issuer
from tests.openid4vci._wallet import (
    Wallet,
    hs256_jwt,
    new_key,
    payload_of,
    pre_authorized,
    public_jwk,
    unsigned_jwt,
)
from verifier.jose import jwk_from_private_key, sign_compact_json
from verifier.signing import LocalSigner, generate_private_key


@pytest.fixture
def issuer(tmp_path: Path) -> IssuerUnderTest:
    return start_issuer(tmp_path)


def _ready(issuer: IssuerUnderTest, *, tx_code: bool = True) -> tuple[Wallet, str, str | None]:
    """A wallet that discovered the issuer and holds a DPoP nonce; the code and tx_code."""
    created = issuer.create_offer(tx_code=tx_code)
    wallet = issuer.wallet()
    wallet.discover(created["credential_offer"]["credential_issuer"])
    wallet.c_nonce()  # the nonce endpoint hands out the current DPoP nonce too
    assert wallet.dpop_nonce is not None
    return (
        wallet,
        pre_authorized(created["credential_offer"])["pre-authorized_code"],
        created["tx_code"],
    )


def _error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error, body
    assert body["request_id"] == response.headers["x-request-id"]
    assert response.headers["cache-control"] == "no-store"
    return body


def test_a_wrong_pre_authorized_code_is_invalid_grant(issuer: IssuerUnderTest) -> None:
    wallet, code, tx_code = _ready(issuer)
    _error(wallet.token_request(code[:-2] + "xx", tx_code), 400, "invalid_grant")


def test_a_replayed_pre_authorized_code_is_invalid_grant(issuer: IssuerUnderTest) -> None:
    wallet, code, tx_code = _ready(issuer)
    assert wallet.token_request(code, tx_code).status_code == 200
    _error(wallet.token_request(code, tx_code), 400, "invalid_grant")
    other = issuer.wallet()  # another device replaying the QR code
    other.discover(issuer.services.settings.credential_issuer)
    _error(other.token_request(code, tx_code), 400, "invalid_grant")


def test_wrong_tx_codes_burn_the_code_and_then_the_right_one_is_refused(
    issuer: IssuerUnderTest,
) -> None:
    wallet, code, tx_code = _ready(issuer)
    assert tx_code is not None
    wrong = str((int(tx_code) + 1) % 10**6).zfill(6)
    for _ in range(issuer.services.settings.oid4vci.tx_code_max_attempts):
        body = _error(wallet.token_request(code, wrong), 400, "invalid_grant")
        assert "wrong" in body["error_description"]
    body = _error(wallet.token_request(code, tx_code), 400, "invalid_grant")
    assert "no longer be used" in body["error_description"]


def test_a_burned_offer_can_no_longer_be_fetched(issuer: IssuerUnderTest) -> None:
    created = issuer.create_offer()
    wallet = issuer.wallet()
    wallet.discover(issuer.services.settings.credential_issuer)
    code = pre_authorized(created["credential_offer"])["pre-authorized_code"]
    for _ in range(issuer.services.settings.oid4vci.tx_code_max_attempts):
        wallet.token_request(code, "000000" if created["tx_code"] != "000000" else "111111")
    assert issuer.http.get(created["credential_offer_uri"]).status_code == 404


def test_tx_code_missing_or_unexpected_is_invalid_request(issuer: IssuerUnderTest) -> None:
    wallet, code, _ = _ready(issuer)
    _error(wallet.token_request(code, None), 400, "invalid_request")
    wallet, code, _ = _ready(issuer, tx_code=False)
    _error(wallet.token_request(code, "123456"), 400, "invalid_request")
    assert wallet.token_request(code).status_code == 200  # nothing was spent


def test_an_expired_code_is_invalid_grant(issuer: IssuerUnderTest) -> None:
    wallet, code, tx_code = _ready(issuer)
    issuer.clock.advance(issuer.services.settings.oid4vci.offer_lifetime_seconds + 1)
    _error(wallet.token_request(code, tx_code), 400, "invalid_grant")


def test_other_grant_types_and_bad_forms(issuer: IssuerUnderTest) -> None:
    wallet, code, tx_code = _ready(issuer)
    url = wallet.as_metadata["token_endpoint"]
    dpop = {"DPoP": wallet.dpop("POST", url)}
    form = {"grant_type": "authorization_code", "code": code}
    _error(issuer.http.post(url, data=form, headers=dpop), 400, "unsupported_grant_type")
    _error(issuer.http.post(url, data={}, headers=dpop), 400, "invalid_request")
    _error(issuer.http.post(url, json={"grant_type": "x"}, headers=dpop), 400, "invalid_request")
    repeated = "grant_type=a&grant_type=b"
    headers = {**dpop, "content-type": "application/x-www-form-urlencoded"}
    _error(issuer.http.post(url, content=repeated, headers=headers), 400, "invalid_request")
    assert wallet.token_request(code, tx_code).status_code == 200  # none of it spent the code


def test_a_token_request_without_dpop_is_refused(issuer: IssuerUnderTest) -> None:
    wallet, code, tx_code = _ready(issuer)
    url = wallet.as_metadata["token_endpoint"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, "tx_code": tx_code}
    _error(issuer.http.post(url, data=form), 400, "invalid_dpop_proof")
    two = [("DPoP", wallet.dpop("POST", url)), ("DPoP", wallet.dpop("POST", url))]
    _error(issuer.http.post(url, data=form, headers=two), 400, "invalid_dpop_proof")
    assert wallet.token_request(code, tx_code).status_code == 200


def test_a_dpop_proof_for_another_url_or_method_is_refused(issuer: IssuerUnderTest) -> None:
    wallet, code, tx_code = _ready(issuer)
    url = wallet.as_metadata["token_endpoint"]
    for proof in (
        wallet.dpop("POST", wallet.issuer_metadata["credential_endpoint"]),
        wallet.dpop("POST", "https://attacker.example/token"),
        wallet.dpop("GET", url),
    ):
        body = _error(wallet.token_request(code, tx_code, dpop=proof), 400, "invalid_dpop_proof")
        assert "htu" in body["error_description"] or "htm" in body["error_description"]
    # query and fragment are ignored, case and default port normalised (RFC 9449 §4.3)
    same = url.replace("https://issuer.example.test", "HTTPS://Issuer.Example.Test:443") + "?x#y"
    assert wallet.token_request(code, tx_code, dpop=wallet.dpop("POST", same)).status_code == 200


def test_a_replayed_dpop_proof_is_refused(issuer: IssuerUnderTest) -> None:
    wallet, code, tx_code = _ready(issuer)
    proof = wallet.dpop("POST", wallet.as_metadata["token_endpoint"])
    _error(wallet.token_request(code[:-1] + "x", tx_code, dpop=proof), 400, "invalid_grant")
    body = _error(wallet.token_request(code, tx_code, dpop=proof), 400, "invalid_dpop_proof")
    assert "already used" in body["error_description"]


def test_a_dpop_proof_needs_a_server_nonce(issuer: IssuerUnderTest) -> None:
    wallet, code, tx_code = _ready(issuer)
    url = wallet.as_metadata["token_endpoint"]
    held, wallet.dpop_nonce = wallet.dpop_nonce, None
    for proof in (wallet.dpop("POST", url), wallet.dpop("POST", url, nonce="made-up-nonce")):
        response = wallet.token_request(code, tx_code, dpop=proof, retry=False)
        _error(response, 400, "use_dpop_nonce")
        assert response.headers["dpop-nonce"] == held  # the current one, for the retry
    issuer.clock.advance(issuer.services.settings.oid4vci.dpop_nonce_lifetime_seconds + 1)
    wallet.dpop_nonce = held  # expired by now
    stale = wallet.token_request(code, tx_code, retry=False)
    _error(stale, 400, "use_dpop_nonce")
    assert stale.headers["dpop-nonce"] != held
    assert wallet.token_request(code, tx_code).status_code == 200  # one retry is enough


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_dpop_proofs_with_alg_none_or_a_mac_are_refused(issuer: IssuerUnderTest, alg: str) -> None:
    wallet, code, tx_code = _ready(issuer)
    url = wallet.as_metadata["token_endpoint"]
    genuine = wallet.dpop("POST", url)
    header = {"typ": "dpop+jwt", "jwk": public_jwk(wallet.dpop_key)}
    claims = payload_of(genuine)
    forged = unsigned_jwt(header, claims) if alg == "none" else hs256_jwt(header, claims, b"k")
    body = _error(wallet.token_request(code, tx_code, dpop=forged), 400, "invalid_dpop_proof")
    assert alg in body["error_description"]


def test_a_dpop_proof_with_a_private_key_in_its_header_is_refused(
    issuer: IssuerUnderTest,
) -> None:
    wallet, code, tx_code = _ready(issuer)
    private = generate_private_key("ES256")
    header = {"typ": "dpop+jwt", "jwk": jwk_from_private_key(private)}
    proof = sign_compact_json(
        header, payload_of(wallet.dpop("POST", wallet.as_metadata["token_endpoint"])),
        LocalSigner(private),
    )  # fmt: skip
    body = _error(wallet.token_request(code, tx_code, dpop=proof), 400, "invalid_dpop_proof")
    assert "private" in body["error_description"]


def test_a_dpop_proof_signed_by_another_key_than_its_jwk_is_refused(
    issuer: IssuerUnderTest,
) -> None:
    wallet, code, tx_code = _ready(issuer)
    url = wallet.as_metadata["token_endpoint"]
    proof = wallet.dpop("POST", url, header={"jwk": public_jwk(new_key())})
    _error(wallet.token_request(code, tx_code, dpop=proof), 400, "invalid_dpop_proof")
    typ = wallet.dpop("POST", url, header={"typ": "JWT"})
    _error(wallet.token_request(code, tx_code, dpop=typ), 400, "invalid_dpop_proof")
    old = wallet.dpop("POST", url, claims={"iat": wallet.now() - 3600})
    _error(wallet.token_request(code, tx_code, dpop=old), 400, "invalid_dpop_proof")
    assert wallet.token_request(code, tx_code).status_code == 200


def test_the_access_token_is_bound_to_the_dpop_key(issuer: IssuerUnderTest) -> None:
    """A token obtained with key A is refused when the proof is signed by key B."""
    wallet, code, tx_code = _ready(issuer)
    access_token = wallet.access_token(code, tx_code)
    thief = issuer.wallet()
    thief.issuer_metadata, thief.dpop_nonce = wallet.issuer_metadata, wallet.dpop_nonce
    thief.dpop_key = new_key()
    response = thief.credential_request(
        access_token, {"credential_configuration_id": "social-status-1", "proofs": {"jwt": []}}
    )
    _error(response, 401, "invalid_dpop_proof")
    assert response.headers["www-authenticate"] == 'DPoP error="invalid_dpop_proof"'
