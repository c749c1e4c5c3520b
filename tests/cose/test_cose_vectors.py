"""COSE_Sign1 and CWT against the cose-wg Examples (../shared/conformance/cose-wg-examples) and pycose."""

from __future__ import annotations

import json
from typing import Any

import cbor2
import pytest
from conftest import conformance_path
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from verifier import AlgorithmNotAllowed, MalformedInput, SignatureInvalid
from verifier.cose import CoseSign1, CwtClaims, sign1
from verifier.jose import ALGORITHMS, AlgorithmPolicy, b64url_decode
from verifier.signing import LocalSigner, generate_private_key

POLICY = AlgorithmPolicy.of(["ES256", "ES384", "EdDSA"])
_CURVES: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
    "P-521": ec.SECP521R1(),
}


def _vector(*parts: str) -> dict[str, Any]:
    return json.loads(conformance_path("cose-wg-examples", *parts).read_text())


def _public_key(jwk: dict[str, str]) -> ec.EllipticCurvePublicKey:
    if "x_hex" in jwk:
        x, y = bytes.fromhex(jwk["x_hex"]), bytes.fromhex(jwk["y_hex"])
    else:
        x, y = b64url_decode(jwk["x"]), b64url_decode(jwk["y"])
    return ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[jwk["crv"]], b"\x04" + x + y)


def _message(vector: dict[str, Any]) -> tuple[bytes, bytes]:
    sign0 = vector["input"]["sign0"]
    return bytes.fromhex(vector["output"]["cbor"]), bytes.fromhex(sign0.get("external", ""))


# -- ecdsa-sig-01..03 ---------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "alg"), [("ecdsa-sig-01", "ES256"), ("ecdsa-sig-02", "ES384")])
def test_ecdsa_vectors_verify(name: str, alg: str) -> None:
    vector = _vector("ecdsa-examples", f"{name}.json")
    data, aad = _message(vector)
    message = CoseSign1.decode(data)
    assert message.to_be_signed(aad).hex().upper() == vector["intermediates"]["ToBeSign_hex"]
    key = _public_key(vector["input"]["sign0"]["key"])
    assert message.verify(key, POLICY, external_aad=aad).name == alg
    assert message.kid == vector["input"]["sign0"]["unprotected"]["kid"].encode()
    assert message.payload == vector["input"]["plaintext"].encode()


def test_ecdsa_sig_03_es512_is_outside_the_policy_but_sig_structure_is_exact() -> None:
    vector = _vector("ecdsa-examples", "ecdsa-sig-03.json")
    data, aad = _message(vector)
    message = CoseSign1.decode(data)
    tbs = message.to_be_signed(aad)
    assert tbs.hex().upper() == vector["intermediates"]["ToBeSign_hex"]
    # ES512 (-36) is not in civicred's algorithm table: refused, never guessed.
    with pytest.raises(AlgorithmNotAllowed) as info:
        message.verify(_public_key(vector["input"]["sign0"]["key"]), POLICY)
    assert info.value.code == "cose.alg"
    # Independent check of our Sig_structure with raw cryptography (P-521, SHA-512, r||s).
    r, s = message.signature[:66], message.signature[66:]
    der = encode_dss_signature(int.from_bytes(r, "big"), int.from_bytes(s, "big"))
    key = _public_key(vector["input"]["sign0"]["key"])
    key.verify(der, tbs, ec.ECDSA(hashes.SHA512()))


# -- sign1-tests: pass / fail ----------------------------------------------------------------------
def test_sign_pass_02_external_aad() -> None:
    vector = _vector("sign1-tests", "sign-pass-02.json")
    data, aad = _message(vector)
    message = CoseSign1.decode(data)
    key = _public_key(vector["input"]["sign0"]["key"])
    assert message.verify(key, POLICY, external_aad=aad).name == "ES256"
    with pytest.raises(SignatureInvalid):
        message.verify(key, POLICY)  # without the external AAD


def test_sign_pass_03_untagged_only_when_allowed() -> None:
    vector = _vector("sign1-tests", "sign-pass-03.json")
    data, _ = _message(vector)
    with pytest.raises(MalformedInput) as info:
        CoseSign1.decode(data)
    assert info.value.code == "cose.tag"
    message = CoseSign1.decode(data, allow_untagged=True)
    assert not message.tagged
    assert message.verify(_public_key(vector["input"]["sign0"]["key"]), POLICY).name == "ES256"


def test_sign_pass_01_alg_only_unprotected_is_refused_by_design() -> None:
    """RFC 9052 §3.1: alg MUST be authenticated where possible; we only read the protected bucket.

    The vector itself is sound: the Sig_structure (empty protected map -> h'') and the signature
    check out with ES256 supplied out of band.
    """
    vector = _vector("sign1-tests", "sign-pass-01.json")
    data, _ = _message(vector)
    message = CoseSign1.decode(data)
    assert message.protected_bytes == b"\xa0"
    tbs = message.to_be_signed()
    assert tbs.hex().upper() == vector["intermediates"]["ToBeSign_hex"]
    key = _public_key(vector["input"]["sign0"]["key"])
    assert ALGORITHMS["ES256"].verify(key, message.signature, tbs)
    with pytest.raises(AlgorithmNotAllowed) as info:
        message.verify(key, POLICY)
    assert info.value.code == "cose.alg"


@pytest.mark.parametrize(
    ("name", "error", "code"),
    [
        ("sign-fail-01", MalformedInput, "cose.tag"),  # tag 998
        ("sign-fail-02", SignatureInvalid, "cose.signature"),  # payload changed
        ("sign-fail-03", AlgorithmNotAllowed, "cose.alg"),  # alg -999
        ("sign-fail-04", AlgorithmNotAllowed, "cose.alg"),  # alg "unknown"
        ("sign-fail-06", SignatureInvalid, "cose.signature"),  # protected attribute added
        ("sign-fail-07", SignatureInvalid, "cose.signature"),  # protected attribute removed
    ],
)
def test_sign_fail_vectors(name: str, error: type[Exception], code: str) -> None:
    vector = _vector("sign1-tests", f"{name}.json")
    assert vector["fail"] is True
    data, aad = _message(vector)
    key = _public_key(vector["input"]["sign0"]["key"])
    with pytest.raises(error) as info:
        CoseSign1.decode(data).verify(key, POLICY, external_aad=aad)
    assert getattr(info.value, "code", None) == code


# -- CWT (RFC 8392 appendix A) --------------------------------------------------------------------
_A1_CLAIMS = {
    "iss": "coap://as.example.com",
    "sub": "erikw",
    "aud": "coap://light.example.com",
    "exp": 1444064944,
    "nbf": 1443944944,
    "iat": 1443944944,
    "cti": bytes.fromhex("0b71"),
}


def _check_a1(claims: CwtClaims) -> None:
    for name, value in _A1_CLAIMS.items():
        assert getattr(claims, name) == value


def test_cwt_a3_signed_es256() -> None:
    vector = _vector("CWT", "A_3.json")
    message = CoseSign1.decode(bytes.fromhex(vector["output"]["cbor"]))
    assert message.to_be_signed().hex().upper() == vector["intermediates"]["ToBeSign_hex"]
    assert message.payload.hex() == vector["input"]["plaintext_hex"]
    message.verify(_public_key(vector["input"]["sign0"]["key"]), POLICY)
    _check_a1(CwtClaims.decode(message.payload))


@pytest.mark.parametrize(("name", "tag"), [("A_4", 17), ("A_5", 16), ("A_6", 16), ("A_7", 17)])
def test_cwt_mac_and_encrypt_forms_are_not_sign1(name: str, tag: int) -> None:
    vector = _vector("CWT", f"{name}.json")
    data = bytes.fromhex(vector["output"]["cbor"])
    with pytest.raises(MalformedInput) as info:
        CoseSign1.decode(data)
    assert info.value.code == "cose.tag"
    assert cbor2.loads(data).tag == tag


def test_cwt_a4_mac0_claims_decode() -> None:
    payload = cbor2.loads(bytes.fromhex(_vector("CWT", "A_4.json")["output"]["cbor"])).value[2]
    _check_a1(CwtClaims.decode(payload))


def test_cwt_a6_inner_sign1_verifies() -> None:
    vector = _vector("CWT", "A_6.json")
    inner = CoseSign1.decode(bytes.fromhex(vector["input"]["plaintext_hex"]))
    a3 = _vector("CWT", "A_3.json")
    inner.verify(_public_key(a3["input"]["sign0"]["key"]), POLICY)
    _check_a1(CwtClaims.decode(inner.payload))


def test_cwt_a7_float_numeric_date() -> None:
    claims = CwtClaims.decode(bytes.fromhex(_vector("CWT", "A_7.json")["input"]["plaintext_hex"]))
    assert claims.iat == 1443944944.5
    assert claims.exp is None


# -- interop with pycose ---------------------------------------------------------------------------
@pytest.mark.interop
def test_pycose_verifies_ours() -> None:
    pytest.importorskip("pycose")
    from pycose.keys import EC2Key
    from pycose.keys.curves import P256
    from pycose.messages import Sign1Message

    signer = LocalSigner(generate_private_key("ES256"))
    data = sign1(b"civicred payload", signer, protected={16: "application/test"})
    numbers = signer.public_key().public_numbers()  # type: ignore[union-attr]
    message = Sign1Message.decode(data)
    message.key = EC2Key(crv=P256, x=numbers.x.to_bytes(32, "big"), y=numbers.y.to_bytes(32, "big"))
    assert message.verify_signature()
    assert message.payload == b"civicred payload"


@pytest.mark.interop
def test_we_verify_pycose() -> None:
    pytest.importorskip("pycose")
    from pycose.algorithms import Es256
    from pycose.headers import KID, Algorithm
    from pycose.keys import EC2Key
    from pycose.keys.curves import P256
    from pycose.messages import Sign1Message

    key = EC2Key.generate_key(crv=P256)
    message = Sign1Message(phdr={Algorithm: Es256, KID: b"kid-1"}, payload=b"from pycose")
    message.key = key
    data = message.encode()
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x04" + key.x + key.y)
    decoded = CoseSign1.decode(data)
    assert decoded.verify(public, POLICY).name == "ES256"
    assert decoded.kid == b"kid-1"
    assert decoded.payload == b"from pycose"
