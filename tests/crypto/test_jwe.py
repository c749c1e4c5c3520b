"""Compact JWE, ECDH-ES + AES GCM (RFC 7516, RFC 7518 §4.6 and §5.3): the RFC's key agreement
example, both directions against an independent implementation (jwcrypto), and what decryption
refuses (each with its code)."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from verifier import AlgorithmNotAllowed, MalformedInput
from verifier.jose import (
    RESPONSE_ENCRYPTION,
    b64url_decode,
    b64url_encode,
    decrypt_compact,
    encrypt_compact,
    jwk_from_private_key,
    jwk_from_public_key,
    private_key_from_jwk,
)
from verifier.jose._algorithms import A128GCM, ECDH_ES
from verifier.jose._jwe import _content_key

jwcrypto_jwe = pytest.importorskip("jwcrypto.jwe", reason="jwcrypto (the cross-check) is absent")
jwcrypto_jwk = pytest.importorskip("jwcrypto.jwk")

PAYLOAD = json.dumps({"vp_token": {"q": ["a~b~c"]}, "state": "s-1"}).encode()


def test_rfc7518_appendix_c_key_agreement() -> None:
    """RFC 7518 Appendix C: Bob's key, Alice's ephemeral key, apu "Alice", apv "Bob"."""
    alice = private_key_from_jwk({"kty": "EC", "crv": "P-256",
        "x": "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
        "y": "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps",
        "d": "0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo"})  # fmt: skip
    bob = private_key_from_jwk({"kty": "EC", "crv": "P-256",
        "x": "weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ",
        "y": "e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck",
        "d": "VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"})  # fmt: skip
    assert isinstance(alice, ec.EllipticCurvePrivateKey)
    assert isinstance(bob, ec.EllipticCurvePrivateKey)
    shared = alice.exchange(ec.ECDH(), bob.public_key())
    assert shared == bob.exchange(ec.ECDH(), alice.public_key())
    key = _content_key(shared, ECDH_ES, A128GCM, b"Alice", b"Bob")
    assert b64url_encode(key) == "VqqN6vgjbSBcIijNcacQGg"


@pytest.mark.parametrize("enc", ["A128GCM", "A256GCM"])
def test_jwcrypto_encrypts_and_we_decrypt(enc: str) -> None:
    recipient = ec.generate_private_key(ec.SECP256R1())
    public = jwcrypto_jwk.JWK(**jwk_from_public_key(recipient.public_key()))
    token = jwcrypto_jwe.JWE(PAYLOAD, json.dumps({"alg": "ECDH-ES", "enc": enc, "kid": "k1",
                             "apv": b64url_encode(b"nonce-1")}))  # fmt: skip
    token.add_recipient(public)
    decrypted = decrypt_compact(token.serialize(compact=True), recipient, RESPONSE_ENCRYPTION)
    assert decrypted.plaintext == PAYLOAD
    assert decrypted.header["kid"] == "k1" and decrypted.header["enc"] == enc


@pytest.mark.parametrize("enc", ["A128GCM", "A256GCM"])
def test_we_encrypt_and_jwcrypto_decrypts(enc: str) -> None:
    recipient = ec.generate_private_key(ec.SECP256R1())
    token = encrypt_compact(PAYLOAD, recipient.public_key(), RESPONSE_ENCRYPTION, alg="ECDH-ES",
                            enc=enc, header={"kid": "k2"}, apu=b"wallet", apv=b"nonce")  # fmt: skip
    assert token.split(".")[1] == ""  # direct key agreement: no encrypted key
    private = jwcrypto_jwk.JWK(**jwk_from_private_key(recipient))
    parsed = jwcrypto_jwe.JWE()
    parsed.deserialize(token, key=private)
    assert parsed.payload == PAYLOAD
    assert decrypt_compact(token, recipient, RESPONSE_ENCRYPTION).plaintext == PAYLOAD


def _token(recipient: ec.EllipticCurvePrivateKey, **header: object) -> str:
    return encrypt_compact(PAYLOAD, recipient.public_key(), RESPONSE_ENCRYPTION, alg="ECDH-ES",
                           enc="A128GCM", header=header)  # fmt: skip


def _with_header(token: str, **changes: object) -> str:
    parts = token.split(".")
    header = json.loads(b64url_decode(parts[0]))
    header.update(changes)
    header = {k: v for k, v in header.items() if v is not None}
    parts[0] = b64url_encode(json.dumps(header).encode())
    return ".".join(parts)


def test_another_recipient_cannot_decrypt() -> None:
    token = _token(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(MalformedInput) as caught:
        decrypt_compact(token, ec.generate_private_key(ec.SECP256R1()), RESPONSE_ENCRYPTION)
    assert caught.value.code == "input.jwe"


def test_a_changed_protected_header_fails_authentication() -> None:
    recipient = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(MalformedInput) as caught:
        decrypt_compact(_with_header(_token(recipient), kid="other"), recipient,
                        RESPONSE_ENCRYPTION)  # fmt: skip
    assert caught.value.code == "input.jwe"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"alg": "ECDH-ES+A128KW"}, "jws.alg"),
        ({"alg": "RSA-OAEP"}, "jws.alg"),
        ({"enc": "A128CBC-HS256"}, "jws.alg"),
        ({"zip": "DEF"}, "input.jwe"),
        ({"crit": ["exp"]}, "input.jwe"),
        ({"epk": None}, "input.jwk"),
        ({"apv": 7}, "input.jwe"),
    ],
)
def test_refused_headers(changes: dict[str, object], code: str) -> None:
    recipient = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises((MalformedInput, AlgorithmNotAllowed)) as caught:
        decrypt_compact(_with_header(_token(recipient), **changes), recipient, RESPONSE_ENCRYPTION)
    assert caught.value.code == code


def test_an_ephemeral_key_on_another_curve_is_refused() -> None:
    recipient = ec.generate_private_key(ec.SECP256R1())
    p384 = jwk_from_public_key(ec.generate_private_key(ec.SECP384R1()).public_key())
    with pytest.raises(MalformedInput) as caught:
        decrypt_compact(_with_header(_token(recipient), epk=p384), recipient, RESPONSE_ENCRYPTION)
    assert caught.value.code == "input.jwe"


def test_an_encrypted_key_is_refused_in_direct_mode() -> None:
    recipient = ec.generate_private_key(ec.SECP256R1())
    parts = _token(recipient).split(".")
    parts[1] = b64url_encode(b"k" * 16)
    with pytest.raises(MalformedInput) as caught:
        decrypt_compact(".".join(parts), recipient, RESPONSE_ENCRYPTION)
    assert caught.value.code == "input.jwe"


@pytest.mark.parametrize("token", ["", "a.b.c", "a.b.c.d.e.f", 42])
def test_not_a_compact_jwe(token: object) -> None:
    with pytest.raises(MalformedInput):
        decrypt_compact(token, ec.generate_private_key(ec.SECP256R1()), RESPONSE_ENCRYPTION)


def test_size_limit() -> None:
    with pytest.raises(MalformedInput) as caught:
        decrypt_compact("a" * 100, ec.generate_private_key(ec.SECP256R1()), RESPONSE_ENCRYPTION,
                        max_chars=99)  # fmt: skip
    assert caught.value.code == "input.size"
