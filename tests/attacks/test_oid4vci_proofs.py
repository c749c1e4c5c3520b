"""Attacks on the credential request's key proofs and nonces (OpenID4VCI 1.0 §8.2, §8.3.1.2,
Appendix F): each asserts the exact status and ``error`` code, and that nothing was issued."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import conformance_path
from tests.openid4vci._issuer import IssuerUnderTest, start_issuer
from tests.openid4vci._wallet import (
    Wallet,
    hs256_jwt,
    new_key,
    payload_of,
    public_jwk,
    unsigned_jwt,
)
from verifier.jose import b64url_encode, jwk_from_private_key
from verifier.signing import LocalSigner, generate_private_key

CONFIGURATION = "social-status-1"


@pytest.fixture
def issuer(tmp_path: Path) -> IssuerUnderTest:
    return start_issuer(tmp_path)


@pytest.fixture
def ready(issuer: IssuerUnderTest) -> tuple[Wallet, str]:
    return issuer.authorized_wallet()


def _request(wallet: Wallet, access_token: str, proofs: list[str], **extra: Any) -> httpx.Response:
    body = {"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": proofs}, **extra}
    return wallet.credential_request(access_token, body)


def _refused(response: httpx.Response, error: str, issuer: IssuerUnderTest) -> str:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == error, body
    assert body["request_id"] == response.headers["x-request-id"]
    assert response.headers["cache-control"] == "no-store"
    assert issuer.recorder.calls == []  # nothing issued
    description: str = body["error_description"]
    assert all(" " <= c <= "~" and c not in '"\\' for c in description)  # §8.3.1.2 charset
    return description


def test_a_replayed_c_nonce_is_invalid_nonce(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    c_nonce = wallet.c_nonce()
    first = _request(wallet, token, [wallet.key_proof(new_key(), nonce=c_nonce)])
    assert first.status_code == 200, first.text
    wallet2, token2 = issuer.authorized_wallet()
    replayed = _request(wallet2, token2, [wallet2.key_proof(new_key(), nonce=c_nonce)])
    calls = list(issuer.recorder.calls)
    issuer.recorder.calls.clear()
    _refused(replayed, "invalid_nonce", issuer)
    assert len(calls) == 1


def test_a_stale_c_nonce_is_invalid_nonce(tmp_path: Path) -> None:
    issuer = start_issuer(tmp_path, c_nonce_lifetime_seconds=60)
    wallet, token = issuer.authorized_wallet()
    c_nonce = wallet.c_nonce()
    issuer.clock.advance(61)  # the access token (300 s) is still valid
    stale = _request(wallet, token, [wallet.key_proof(new_key(), nonce=c_nonce)])
    _refused(stale, "invalid_nonce", issuer)


def test_a_made_up_nonce_is_invalid_nonce_and_a_missing_one_invalid_proof(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    made_up = _request(wallet, token, [wallet.key_proof(new_key(), nonce="guessed")])
    _refused(made_up, "invalid_nonce", issuer)
    missing = _request(wallet, token, [wallet.key_proof(new_key(), nonce=None)])
    assert "no nonce" in _refused(missing, "invalid_proof", issuer)


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_proofs_with_alg_none_or_a_mac_are_invalid_proof(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str], alg: str
) -> None:
    wallet, token = ready
    genuine = wallet.key_proof(new_key(), nonce=wallet.c_nonce())
    header = {"typ": "openid4vci-proof+jwt", "jwk": public_jwk(new_key())}
    claims = payload_of(genuine)
    forged = unsigned_jwt(header, claims) if alg == "none" else hs256_jwt(header, claims, b"k")
    assert alg in _refused(_request(wallet, token, [forged]), "invalid_proof", issuer)


def test_a_proof_with_a_private_key_in_its_header_is_invalid_proof(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    private = generate_private_key("ES256")
    proof = wallet.key_proof(
        LocalSigner(private), nonce=wallet.c_nonce(), header={"jwk": jwk_from_private_key(private)}
    )
    assert "private" in _refused(_request(wallet, token, [proof]), "invalid_proof", issuer)


def test_a_proof_for_another_audience_is_invalid_proof(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    for aud in ("https://other-issuer.example", "https://issuer.example.test/"):
        proof = wallet.key_proof(new_key(), nonce=wallet.c_nonce(), aud=aud)
        assert "aud" in _refused(_request(wallet, token, [proof]), "invalid_proof", issuer)
    listed = wallet.key_proof(
        new_key(),
        nonce=wallet.c_nonce(),
        claims={"aud": [wallet.issuer_metadata["credential_issuer"], "x"]},
    )
    _refused(_request(wallet, token, [listed]), "invalid_proof", issuer)


def test_malformed_proofs_are_invalid_proof(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    holder = new_key()
    cases = [
        wallet.key_proof(holder, nonce=wallet.c_nonce(), header={"typ": "JWT"}),
        wallet.key_proof(holder, nonce=wallet.c_nonce(), header={"kid": "did:example:1#0"}),
        wallet.key_proof(holder, nonce=wallet.c_nonce(), header={"jwk": public_jwk(new_key())}),
        wallet.key_proof(holder, nonce=wallet.c_nonce(), claims={"iat": wallet.now() - 3600}),
        wallet.key_proof(holder, nonce=wallet.c_nonce(), claims={"iat": wallet.now() + 3600}),
        wallet.key_proof(holder, nonce=wallet.c_nonce(), claims={"iat": "now"}),
        "not-a-jwt",
    ]
    for proof in cases:
        _refused(_request(wallet, token, [proof]), "invalid_proof", issuer)
    sloppy = wallet.key_proof(new_key("ES384"), nonce=wallet.c_nonce())
    parts = sloppy.split(".")
    _refused(
        _request(wallet, token, [f"{parts[0]}.{parts[1]}.{parts[2][:-4]}AAAA"]),
        "invalid_proof",
        issuer,
    )


def test_two_proofs_with_one_key_are_invalid_proof(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    holder, c_nonce = new_key(), wallet.c_nonce()
    proofs = [wallet.key_proof(holder, nonce=c_nonce), wallet.key_proof(holder, nonce=c_nonce)]
    assert "different key" in _refused(_request(wallet, token, proofs), "invalid_proof", issuer)


def test_more_proofs_than_batch_size_is_invalid_credential_request(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    c_nonce = wallet.c_nonce()
    batch_size = issuer.services.settings.oid4vci.batch_size
    proofs = [wallet.key_proof(new_key(), nonce=c_nonce) for _ in range(batch_size + 1)]
    description = _refused(_request(wallet, token, proofs), "invalid_credential_request", issuer)
    assert f"batch_size is {batch_size}" in description
    # the nonce was not spent on a refused shape: the same request within the limit succeeds
    assert _request(wallet, token, proofs[:batch_size]).status_code == 200


def test_the_legacy_singular_proof_is_invalid_credential_request(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    proof = wallet.key_proof(new_key(), nonce=wallet.c_nonce())
    legacy = {
        "credential_configuration_id": CONFIGURATION,
        "proof": {"proof_type": "jwt", "jwt": proof},
    }
    description = _refused(
        wallet.credential_request(token, legacy), "invalid_credential_request", issuer
    )
    assert "singular proof" in description and "proofs" in description


def test_unknown_configuration_and_bad_shapes(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    proofs = {"jwt": [wallet.key_proof(new_key(), nonce=wallet.c_nonce())]}
    unknown = wallet.credential_request(
        token, {"credential_configuration_id": "passport-1", "proofs": proofs}
    )
    _refused(unknown, "unknown_credential_configuration", issuer)
    shapes: list[tuple[dict[str, Any], str]] = [
        ({"proofs": proofs}, "invalid_credential_request"),
        ({"credential_configuration_id": CONFIGURATION, "credential_identifier": "x", "proofs": proofs}, "invalid_credential_request"),
        ({"credential_configuration_id": 7, "proofs": proofs}, "invalid_credential_request"),
        ({"credential_configuration_id": CONFIGURATION}, "invalid_proof"),
        ({"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": []}}, "invalid_credential_request"),
        ({"credential_configuration_id": CONFIGURATION, "proofs": {"di_vp": [{}]}}, "invalid_proof"),
        ({"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": ["a"], "di_vp": []}}, "invalid_credential_request"),
        ({"credential_configuration_id": CONFIGURATION, "proofs": proofs, "credential_response_encryption": {"jwk": {}, "enc": "A128GCM"}}, "invalid_encryption_parameters"),
    ]  # fmt: skip
    for body, error in shapes:
        _refused(wallet.credential_request(token, body), error, issuer)
    url = wallet.issuer_metadata["credential_endpoint"]
    for content, content_type in (
        (b'{"credential_configuration_id": "a", "credential_configuration_id": "b"}', "application/json"),
        (b"[1, 2]", "application/json"),
        (b"{not json", "application/json"),
        (b"credential_configuration_id=social-status-1", "application/x-www-form-urlencoded"),
    ):  # fmt: skip
        response = issuer.http.post(
            url,
            content=content,
            headers={
                "content-type": content_type,
                "Authorization": f"DPoP {token}",
                "DPoP": wallet.dpop("POST", url, access_token=token),
            },
        )
        _refused(response, "invalid_credential_request", issuer)


def test_a_second_request_for_the_same_configuration_is_denied(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    assert (
        _request(wallet, token, [wallet.key_proof(new_key(), nonce=wallet.c_nonce())]).status_code
        == 200
    )
    issuer.recorder.calls.clear()
    again = _request(wallet, token, [wallet.key_proof(new_key(), nonce=wallet.c_nonce())])
    assert "already issued" in _refused(again, "credential_request_denied", issuer)


def test_the_conformance_proof_example_is_refused_here_for_its_audience_and_nonce(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    """The 1.0 Final proof example is well formed and signed, but for another issuer."""
    example = (
        conformance_path("openid4vci-1.0-final", "jwt_proof_example_openid4vci-proof+jwt.txt")
        .read_text()
        .strip()
    )
    wallet, token = ready
    assert "aud" in _refused(_request(wallet, token, [example]), "invalid_proof", issuer)


def test_a_proof_whose_alg_does_not_fit_its_key_is_invalid_proof(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    """A P-384 key's signature relabelled ES256 (algorithm confusion, RFC 8725 §3.1)."""
    wallet, token = ready
    p384 = new_key("ES384")
    _, payload, signature = wallet.key_proof(p384, nonce=wallet.c_nonce()).split(".")
    header = {"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": public_jwk(p384)}
    forged = f"{b64url_encode(json.dumps(header).encode())}.{payload}.{signature}"
    _refused(_request(wallet, token, [forged]), "invalid_proof", issuer)
