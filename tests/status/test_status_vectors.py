"""The draft's test vectors and signed examples (../shared/conformance/ietf-status-list)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import conformance_path

from verifier.cose import CoseSign1, CwtClaims, dumps_cbor
from verifier.jose import ALGORITHMS, CREDENTIAL_ALGORITHMS, CompactJws, PublicKey, b64url_decode
from verifier.jose import public_key_from_jwk as _jwk
from verifier.status import (
    StatusList,
    StatusReference,
    decode_status_list_cwt,
    decode_status_list_jwt,
    encode_status_list_cwt,
    encode_status_list_jwt,
)

URI = "https://example.com/statuslists/1"
NOW = 1_700_000_000  # between the examples' iat (1686920170) and exp (2291720170)
# Status List example signer, kid "12" (../shared/conformance/README.md)
KID_12 = {
    "kty": "EC",
    "crv": "P-256",
    "x": "I3HWm_0Ds1dPMI-IWmf4mBmH-YaeAVbPVu7vB27CxXo",
    "y": "6N_d5Elj9bs1htgV3okJKIdbHEpkgTmAluYKJemzn1M",
}
# RFC 9901 A.5 issuer key: signs the SD-JWT Referenced Token example.
RFC9901_ISSUER = {
    "kty": "EC",
    "crv": "P-256",
    "x": "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ",
    "y": "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8",
}
EXAMPLE_STATUSES = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]


def _key(jwk: dict[str, str]) -> PublicKey:
    return _jwk(jwk)


def _vectors() -> list[dict[str, Any]]:
    path = conformance_path("ietf-status-list", "status_list_test_vectors.json")
    return list(json.loads(path.read_text())["vectors"])


def _example(name: str) -> str:
    return "".join(conformance_path("ietf-status-list", "examples", name).read_text().split())


def _statuses(vector: dict[str, Any]) -> dict[int, int]:
    listed = vector.get("statuses") or vector["statuses_nonzero_or_listed"]
    return {int(i): v for i, v in listed.items()}


VECTOR_NAMES = ["small-1bit", "small-2bit", "long-1bit", "long-2bit", "long-4bit", "long-8bit"]


@pytest.fixture(scope="module")
def vectors() -> dict[str, dict[str, Any]]:
    return {v["name"]: v for v in _vectors()}


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_vector_decodes(vectors: dict[str, dict[str, Any]], name: str) -> None:
    vector = vectors[name]
    bits, statuses = vector["bits"], _statuses(vector)
    assert vector["json"]["bits"] == bits
    decoded = StatusList.from_compressed(b64url_decode(vector["json"]["lst"]), bits)
    assert decoded.size == vector["size"]
    for index, value in statuses.items():
        assert decoded.get(index) == value, index
    nonzero = sum(1 for v in statuses.values() if v)
    assert decoded.size - decoded.count(0) == nonzero  # every other index is VALID
    if "uncompressed_hex" in vector:
        assert decoded.to_bytes().hex() == vector["uncompressed_hex"]


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_encoder_reproduces_vector_bytes(vectors: dict[str, dict[str, Any]], name: str) -> None:
    vector = vectors[name]
    status_list = StatusList(vector["size"], vector["bits"])
    for index, value in _statuses(vector).items():
        status_list.set(index, value)
    assert status_list.json_object() == vector["json"]  # lst byte-for-byte (zlib level 9)
    assert dumps_cbor(status_list.cbor_map()).hex() == vector["cbor_hex"]
    if "compressed_hex" in vector:
        assert status_list.compressed().hex() == vector["compressed_hex"]


# -- signed examples -------------------------------------------------------------------------------
def test_example_jwt_verifies_with_kid_12() -> None:
    token = decode_status_list_jwt(
        _example("status_list_jwt_raw.md"),
        key=_key(KID_12),
        policy=CREDENTIAL_ALGORITHMS,
        expected_uri=URI,
        now=NOW,
    )
    assert (token.format, token.kid, token.issuer) == ("jwt", "12", "https://example.com")
    assert (token.iat, token.exp, token.ttl) == (1686920170, 2291720170, 43200)
    assert [token.status(i) for i in range(16)] == EXAMPLE_STATUSES


def test_example_cwt_verifies_with_kid_12() -> None:
    token = decode_status_list_cwt(
        bytes.fromhex(_example("status_list_cwt.md")),
        key=_key(KID_12),
        policy=CREDENTIAL_ALGORITHMS,
        expected_uri=URI,
        now=NOW,
    )
    assert (token.format, token.kid, token.uri) == ("cwt", "12", URI)
    assert (token.iat, token.exp, token.ttl) == (1686920170, 2291720170, 43200)
    assert [token.status(i) for i in range(16)] == EXAMPLE_STATUSES


class ReplayingSigner:
    """Stands in for the draft authors' key: returns the example's (randomized) signature."""

    def __init__(self, signature: bytes) -> None:
        self.signature = signature
        self.algorithm = ALGORITHMS["ES256"]
        self.kid = "12"
        self.certificate_chain = ()
        self.signed: list[bytes] = []

    def public_key(self) -> PublicKey:
        return _key(KID_12)

    def sign(self, message: bytes) -> bytes:
        self.signed.append(message)
        return self.signature


def _example_list() -> StatusList:
    status_list = StatusList(16, bits=1)
    for index, value in enumerate(EXAMPLE_STATUSES):
        status_list.set(index, value)
    return status_list


def test_encoder_reproduces_the_example_jwt() -> None:
    example = _example("status_list_jwt_raw.md")
    signer = ReplayingSigner(b64url_decode(example.rsplit(".", 1)[1]))
    ours = encode_status_list_jwt(
        _example_list(),
        uri=URI,
        signer=signer,  # type: ignore[arg-type]
        iat=1686920170,
        exp=2291720170,
        ttl=43200,
        issuer="https://example.com",
    )
    assert ours == example
    assert signer.signed == [example.rsplit(".", 1)[0].encode()]


def test_encoder_reproduces_the_example_cwt() -> None:
    example = bytes.fromhex(_example("status_list_cwt.md"))
    signer = ReplayingSigner(CoseSign1.decode(example).signature)
    ours = encode_status_list_cwt(
        _example_list(),
        uri=URI,
        signer=signer,  # type: ignore[arg-type]
        iat=1686920170,
        exp=2291720170,
        ttl=43200,
    )
    assert ours.hex() == example.hex()


# -- Referenced Tokens -----------------------------------------------------------------------------
def test_referenced_token_cwt() -> None:
    message = CoseSign1.decode(bytes.fromhex(_example("referenced_token_cwt.md")))
    message.verify(_key(KID_12), CREDENTIAL_ALGORITHMS)
    claims = CwtClaims.decode(message.payload)
    assert (claims.sub, claims.iss) == ("12345", "https://example.com")
    assert StatusReference.from_cwt_claims(claims.claims) == StatusReference(idx=0, uri=URI)


def test_referenced_token_sd_jwt() -> None:
    presentation = conformance_path("ietf-status-list", "referenced_token_sd_jwt.txt").read_text()
    jws = CompactJws.parse(presentation.strip().split("~")[0])
    jws.verify(_key(RFC9901_ISSUER), CREDENTIAL_ALGORITHMS)
    reference = StatusReference.from_claims(jws.payload_object())
    assert reference == StatusReference(idx=0, uri=URI)
    assert reference.to_claim() == jws.payload_object()["status"]
