"""COSE_Sign1 sign/verify, header rules, bounded CBOR decoding and CWT claim types."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import cbor2
import pytest

from verifier import AlgorithmNotAllowed, MalformedInput, SignatureInvalid
from verifier.cose import (
    CoseSign1,
    CwtClaim,
    CwtClaims,
    HeaderParameter,
    encode_cwt_claims,
    loads_cbor,
    sig_structure1,
    sign1,
)
from verifier.jose import CREDENTIAL_ALGORITHMS, AlgorithmPolicy
from verifier.signing import LocalSigner, generate_private_key

ES256_ONLY = AlgorithmPolicy.of(["ES256"])


def _raw(
    protected: bytes, unprotected: Any, payload: Any, signature: bytes, tag: int = 18
) -> bytes:
    return cbor2.dumps(cbor2.CBORTag(tag, [protected, unprotected, payload, signature]))


def _immutable(value: Any) -> Any:
    """What cbor2 6.x hands back inside tags: tuples and read-only maps."""
    if isinstance(value, cbor2.CBORTag):
        return cbor2.CBORTag(value.tag, _immutable(value.value))
    if isinstance(value, list):
        return tuple(_immutable(v) for v in value)
    if isinstance(value, dict):
        return MappingProxyType({k: _immutable(v) for k, v in value.items()})
    return value


@pytest.fixture(params=["cbor2-native", "cbor2-6-shapes"])
def cbor_shapes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if request.param == "cbor2-6-shapes":
        original = cbor2.loads
        monkeypatch.setattr(cbor2, "loads", lambda data: _immutable(original(data)))
    yield


@pytest.mark.parametrize("alg", ["ES256", "ES384", "EdDSA", "ML-DSA-44", "ML-DSA-65"])
def test_round_trip_every_credential_algorithm(alg: str, cbor_shapes: None) -> None:
    signer = LocalSigner(generate_private_key(alg))
    data = sign1(b"payload", signer, unprotected={HeaderParameter.KID: b"k1"}, external_aad=b"aad")
    message = CoseSign1.decode(data)
    assert (
        message.verify(signer.public_key(), CREDENTIAL_ALGORITHMS, external_aad=b"aad").name == alg
    )
    assert message.protected[HeaderParameter.ALG] == signer.algorithm.cose_id
    assert message.kid == b"k1"
    assert message.encode() == data
    with pytest.raises(SignatureInvalid):
        message.verify(signer.public_key(), CREDENTIAL_ALGORITHMS)  # wrong external AAD


def test_es256_signature_is_raw_r_s() -> None:
    signer = LocalSigner(generate_private_key("ES256"))
    assert len(CoseSign1.decode(sign1(b"x", signer)).signature) == 64


def test_tampered_payload_and_other_key_fail() -> None:
    signer = LocalSigner(generate_private_key("ES256"))
    message = CoseSign1.decode(sign1(b"payload", signer))
    forged = CoseSign1.decode(_raw(message.protected_bytes, {}, b"payloaD", message.signature))
    with pytest.raises(SignatureInvalid) as info:
        forged.verify(signer.public_key(), ES256_ONLY)
    assert info.value.code == "cose.signature"
    other = generate_private_key("ES256").public_key()
    with pytest.raises(SignatureInvalid):
        message.verify(other, ES256_ONLY)


def test_algorithm_confusion_and_policy() -> None:
    signer = LocalSigner(generate_private_key("ES256"))
    message = CoseSign1.decode(sign1(b"payload", signer))
    with pytest.raises(SignatureInvalid) as info:
        message.verify(generate_private_key("EdDSA").public_key(), CREDENTIAL_ALGORITHMS)
    assert info.value.code == "cose.alg"
    with pytest.raises(AlgorithmNotAllowed) as denied:
        message.verify(signer.public_key(), AlgorithmPolicy.of(["EdDSA"]))
    assert denied.value.code == "cose.alg"


def test_alg_in_unprotected_is_ignored_and_refused() -> None:
    signer = LocalSigner(generate_private_key("ES256"))
    tbs = sig_structure1(b"", b"p")
    data = _raw(b"", {1: -7}, b"p", signer.sign(tbs))
    with pytest.raises(AlgorithmNotAllowed):
        CoseSign1.decode(data).verify(signer.public_key(), ES256_ONLY)
    with pytest.raises(ValueError):
        sign1(b"p", signer, unprotected={1: -7})


def test_caller_cannot_override_alg() -> None:
    signer = LocalSigner(generate_private_key("ES256"))
    message = CoseSign1.decode(sign1(b"p", signer, protected={1: -8}))
    assert message.protected[1] == -7


def test_protected_kid_wins() -> None:
    signer = LocalSigner(generate_private_key("ES256"))
    data = sign1(b"p", signer, protected={4: b"protected"}, unprotected={4: b"unprotected"})
    assert CoseSign1.decode(data).kid == b"protected"


def test_kid_must_be_bstr() -> None:
    signer = LocalSigner(generate_private_key("ES256"))
    with pytest.raises(MalformedInput):
        _ = CoseSign1.decode(sign1(b"p", signer, unprotected={4: "text"})).kid


def test_crit_rules() -> None:
    signer = LocalSigner(generate_private_key("ES256"))
    CoseSign1.decode(sign1(b"p", signer, protected={2: [16], 16: "a/b"}))  # understood
    for protected in ({2: [99], 99: 1}, {2: []}, {2: 16}):
        with pytest.raises(MalformedInput) as info:
            CoseSign1.decode(sign1(b"p", signer, protected=protected))
        assert info.value.code == "cose.crit"
    with pytest.raises(MalformedInput):
        CoseSign1.decode(_raw(b"\xa1\x01\x26", {2: [16]}, b"p", b"s"))


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_raw(cbor2.dumps({1: -7}), {}, b"p", b"s", tag=61), "cose.tag"),  # CWT tag
        (cbor2.dumps(cbor2.CBORTag(61, cbor2.CBORTag(18, [b"", {}, b"p", b"s"]))), "cose.tag"),
        (cbor2.dumps(cbor2.CBORTag(18, [b"", {}, b"p"])), "cose.format"),
        (cbor2.dumps(cbor2.CBORTag(18, {"a": 1})), "cose.format"),
        (_raw(b"", {}, None, b"s"), "cose.format"),  # detached payload
        (_raw(b"", {}, "text", b"s"), "cose.format"),
        (cbor2.dumps(cbor2.CBORTag(18, [{1: -7}, {}, b"p", b"s"])), "cose.header"),  # not wrapped
        (_raw(cbor2.dumps([1, -7]), {}, b"p", b"s"), "cose.header"),  # wraps an array
        (_raw(b"", [], b"p", b"s"), "cose.header"),
        (_raw(cbor2.dumps({1.5: 1}), {}, b"p", b"s"), "cose.header"),  # label not int/tstr
    ],
)
def test_malformed_structures(data: bytes, code: str) -> None:
    with pytest.raises(MalformedInput) as info:
        CoseSign1.decode(data)
    assert info.value.code == code


# -- bounded CBOR ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x01\x02", "input.cbor"),  # trailing byte (cbor2 5.x would return 1)
        (bytes.fromhex("a201260126"), "input.cbor"),  # duplicate key
        (bytes.fromhex("a2012618012b"), "input.cbor"),  # same key, non-preferred spelling
        (bytes.fromhex("bf01260126ff"), "input.cbor"),  # duplicate in an indefinite map
        (bytes.fromhex("d81c81d81d00"), "input.cbor"),  # shared-value tags (cycles)
        (bytes.fromhex("5a7fffffff"), "input.cbor"),  # length beyond the data
        (bytes.fromhex("9b00000000ffffffff"), "input.cbor"),  # huge array header
        (bytes.fromhex("1c"), "input.cbor"),  # reserved additional information
        (bytes.fromhex("ff"), "input.cbor"),  # stray break
        (bytes.fromhex("f818"), "input.cbor"),  # two-byte simple value < 32
        (bytes.fromhex("5f4101ff"[:6]), "input.cbor"),  # truncated indefinite bstr
        (bytes.fromhex("5f6161ff"), "input.cbor"),  # text chunk in a byte string
        (b"\x81" * 40 + b"\x00", "input.depth"),
        (b"", "input.cbor"),
        (bytes.fromhex("c0656e6f706521"), "input.cbor"),  # tag 0 with a bad date: cbor2 error
    ],
)
def test_loads_cbor_refuses(data: bytes, code: str) -> None:
    with pytest.raises(MalformedInput) as info:
        loads_cbor(data)
    assert info.value.code == code


def test_loads_cbor_size_limit_and_valid_forms() -> None:
    with pytest.raises(MalformedInput) as info:
        loads_cbor(b"\x40" + bytes(10), max_size=5)
    assert info.value.code == "input.size"
    assert loads_cbor(bytes.fromhex("5f41014102ff")) == b"\x01\x02"  # indefinite bstr
    assert loads_cbor(bytes.fromhex("bf0102ff")) == {1: 2}
    assert loads_cbor(bytes.fromhex("a261610162616102")) == {"a": 1, "aa": 2}
    assert loads_cbor(bytes.fromhex("fb3ff8000000000000")) == 1.5


# -- CWT claims --------------------------------------------------------------------------------------
def test_cwt_claims_round_trip_and_types() -> None:
    claims = {CwtClaim.ISS: "iss", CwtClaim.SUB: "sub", CwtClaim.IAT: 10, CwtClaim.EXP: 20.5}
    decoded = CwtClaims.decode(encode_cwt_claims(claims))
    assert (decoded.iss, decoded.sub, decoded.iat, decoded.exp) == ("iss", "sub", 10, 20.5)
    assert decoded.claims[CwtClaim.IAT] == 10


@pytest.mark.parametrize(
    "claims",
    [
        {CwtClaim.IAT: True},
        {CwtClaim.EXP: "2030"},
        {CwtClaim.EXP: cbor2.CBORTag(1, 1_900_000_000)},  # tag 1 MUST be omitted (RFC 8392 §2)
        {CwtClaim.ISS: b"bytes"},
        {CwtClaim.CTI: "text"},
        {1.5: 1},
    ],
)
def test_cwt_claims_refuse_wrong_types(claims: dict[Any, Any]) -> None:
    with pytest.raises(MalformedInput):
        CwtClaims.decode(cbor2.dumps(claims))


def test_cwt_claims_must_be_a_map() -> None:
    with pytest.raises(MalformedInput):
        CwtClaims.decode(cbor2.dumps([1, 2]))
