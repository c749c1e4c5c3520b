"""The spec's worked example "John Doe" (EHIC PDF QR PoC v0.5 §3.3), end to end.

Vectors: ../shared/conformance/eehic-prc-poc (skipped cleanly where absent; never copied here).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import conformance_path
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from qr_samples import on

from verifier.jose import dumps_compact, sign_compact
from verifier.qr import (
    EESSI_PRC_SID,
    SPEC_EXAMPLE_ZLIB_LEVEL,
    b45decode,
    decode_qr_text,
    eessi_kid,
    encode_qr_text,
    parse_document,
    validate_for_verification,
    validate_schema,
)
from verifier.signing import LocalSigner


def _vector(name: str) -> Path:
    return conformance_path("eehic-prc-poc", name)


@pytest.fixture
def qr_text() -> str:
    return _vector("prc_john_doe.qr.b45").read_text("ascii")


@pytest.fixture
def jwt() -> str:
    return _vector("prc_john_doe.jwt").read_text("ascii").strip()


@pytest.fixture
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_vector("prc_john_doe.decoded.json").read_text("utf-8"))
    return data


@pytest.fixture
def cert() -> x509.Certificate:
    return x509.load_pem_x509_certificate(_vector("dummy_john_doe_issuer.cert.pem").read_bytes())


def test_qr_text_decodes_to_the_published_jws(
    qr_text: str, jwt: str, expected: dict[str, Any]
) -> None:
    assert " " in qr_text  # space is a Base45 character and must survive normalisation
    assert len(qr_text) == expected["expected"]["base45_chars"]
    assert len(b45decode(qr_text)) == expected["expected"]["zlib_compressed_bytes"]
    assert decode_qr_text(qr_text) == jwt
    assert len(jwt) == expected["expected"]["encoded_jwt_chars"]


def test_reencoding_at_level_6_reproduces_the_qr_text_byte_for_byte(qr_text: str, jwt: str) -> None:
    assert encode_qr_text(jwt, level=SPEC_EXAMPLE_ZLIB_LEVEL) == qr_text
    assert decode_qr_text(encode_qr_text(jwt)) == jwt  # our level 9 round-trips too


def test_signature_and_kid(qr_text: str, cert: x509.Certificate, expected: dict[str, Any]) -> None:
    doc = parse_document(qr_text)
    assert doc.verify_signature(cert.public_key()).name == "RS256"
    assert str(doc.kid) == eessi_kid(cert) == doc.header["kid"]
    assert doc.kid.framework == "EESSI" and doc.kid.kind == "x5t#S256"
    assert doc.kid.thumbprint == expected["expected"]["x5t#S256"]
    assert dict(doc.header) == expected["header"]


def test_payload_and_validation(qr_text: str, expected: dict[str, Any]) -> None:
    doc = parse_document(qr_text)
    assert doc.sid == EESSI_PRC_SID
    assert dict(doc.payload) == expected["payload"]
    assert validate_schema(doc.payload) == []
    in_validity = validate_for_verification(doc.payload, on(dt.date(2025, 10, 1)))
    assert in_validity.ok and in_validity.warnings == ()
    # xd (2025-12-31) is ignored: 2025-12-15 is after ed (2025-12-01), so not covered (v0.5 §5 step 7).
    late = validate_for_verification(doc.payload, on(dt.date(2026, 1, 1), dt.date(2025, 12, 15)))
    assert [f.code for f in late.errors] == ["qr.validity"]


def test_rs256_signing_is_deterministic_and_reproduces_the_token(
    jwt: str, expected: dict[str, Any]
) -> None:
    key = serialization.load_pem_private_key(
        _vector("dummy_john_doe_issuer.key.pem").read_bytes(), None
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    signer = LocalSigner(key)
    header = {"kid": expected["header"]["kid"], "typ": "JWT"}
    assert sign_compact(header, dumps_compact(expected["payload"]).encode(), signer) == jwt
