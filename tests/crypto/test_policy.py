"""The crypto policy: every algorithm signs and verifies, keys never cross algorithms."""

from __future__ import annotations

import pytest

from verifier import AlgorithmNotAllowed, MalformedInput
from verifier.jose import (
    ALGORITHMS,
    CREDENTIAL_ALGORITHMS,
    CompactJws,
    jwk_from_private_key,
    jwk_from_public_key,
    jwk_thumbprint,
    private_key_from_jwk,
    public_key_from_jwk,
    sign_compact,
)
from verifier.signing import LocalSigner, generate_private_key

MODERN = ["ES256", "ES384", "EdDSA", "ML-DSA-44", "ML-DSA-65"]


@pytest.mark.parametrize("alg", MODERN)
def test_sign_verify_round_trip_through_jwk(alg: str) -> None:
    key = generate_private_key(alg)
    signer = LocalSigner(key)
    token = sign_compact({"typ": "JWT"}, b'{"hello":"world"}', signer)
    jws = CompactJws.parse(token)
    assert jws.header["alg"] == alg
    # The public key survives a JWK round trip and still verifies.
    public = public_key_from_jwk(jwk_from_public_key(key.public_key()))
    assert jws.verify(public, CREDENTIAL_ALGORITHMS).name == alg
    # So does the private key.
    again = private_key_from_jwk(jwk_from_private_key(key))
    assert jwk_from_public_key(again.public_key()) == jwk_from_public_key(key.public_key())


@pytest.mark.parametrize("alg", MODERN)
def test_tampered_signature_fails(alg: str) -> None:
    signer = LocalSigner(generate_private_key(alg))
    head, body, sig = sign_compact({}, b"{}", signer).split(".")
    tampered = f"{head}.{body[:-2]}AA.{sig}"
    with pytest.raises(Exception) as info:
        CompactJws.parse(tampered).verify(signer.public_key(), CREDENTIAL_ALGORITHMS)
    assert getattr(info.value, "code", "") == "jws.signature"


def test_algorithm_confusion_refused() -> None:
    """A P-256 key presented with an ES384 (or EdDSA) header never verifies."""
    key = generate_private_key("ES256")
    token = sign_compact({}, b"{}", LocalSigner(key))
    _head, body, sig = token.split(".")
    from verifier.jose import b64url_encode

    for alg in ("ES384", "EdDSA", "RS256"):
        forged = b64url_encode(f'{{"alg":"{alg}"}}'.encode()) + f".{body}.{sig}"
        with pytest.raises((AlgorithmNotAllowed, Exception)) as info:
            CompactJws.parse(forged).verify(key.public_key(), CREDENTIAL_ALGORITHMS)
        assert info.value.code in ("jws.alg", "jws.signature")  # type: ignore[attr-defined]


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256", None, 7, "es256"])
def test_credential_policy_refuses(alg: object) -> None:
    with pytest.raises(AlgorithmNotAllowed):
        CREDENTIAL_ALGORITHMS.get(alg)


def test_no_mac_or_none_in_the_table() -> None:
    assert not {"none", "HS256", "HS384", "HS512"} & ALGORITHMS.keys()


def test_rfc7638_thumbprint_example() -> None:
    """RFC 7638 §3.1 example key and thumbprint."""
    jwk = {
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    }
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"},  # wrong length
        {"kty": "EC", "crv": "P-256"},
        {"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"},
        {"kty": "oct", "k": "c2VjcmV0"},
        {"kty": "EC", "crv": "P-256", "x": "not base64!", "y": "x"},
        "not an object",
    ],
)
def test_bad_jwks_are_malformed(jwk: object) -> None:
    with pytest.raises(MalformedInput):
        public_key_from_jwk(jwk)


def test_public_jwk_with_private_members_refused() -> None:
    jwk = jwk_from_private_key(generate_private_key("ES256"))
    with pytest.raises(MalformedInput, match="private"):
        public_key_from_jwk(jwk)


def test_point_not_on_curve_refused() -> None:
    jwk = jwk_from_public_key(generate_private_key("ES256").public_key())
    jwk["y"] = jwk["x"]  # (x, x) is not on P-256
    with pytest.raises(MalformedInput):
        public_key_from_jwk(jwk)
