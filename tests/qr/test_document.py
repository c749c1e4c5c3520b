"""Signing, parsing and tampering: a changed, truncated or forged QR never verifies."""

from __future__ import annotations

import hashlib
import hmac
import json
import zlib
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from qr_samples import TODAY, on, sample, self_signed, with_body

from verifier import (
    AlgorithmNotAllowed,
    IssuanceError,
    MalformedInput,
    SignatureInvalid,
    VerificationError,
)
from verifier.jose import b64url_encode, dumps_compact, sign_compact
from verifier.qr import (
    BASE45_ALPHABET,
    CIVICRED_SSH_SID,
    DOCTYPES,
    EESSI_PRC_SID,
    b45encode,
    eessi_kid,
    encode_qr_text,
    framework_kid,
    parse_document,
    parse_jws,
    sign_document,
    validate_for_verification,
)
from verifier.signing import LocalSigner, generate_private_key


class Issuer:
    def __init__(self) -> None:
        self.key = generate_private_key("ES256")
        assert isinstance(self.key, ec.EllipticCurvePrivateKey)
        self.cert = self_signed(self.key)
        self.signer = LocalSigner(self.key)

    def kid(self, sid: str) -> str:
        framework = DOCTYPES[sid].kid_framework if sid in DOCTYPES else "EESSI"
        return framework_kid(framework, self.cert)

    def sign(self, payload: dict[str, Any]) -> tuple[str, str]:
        return sign_document(payload, self.signer, self.kid(payload["sid"]), today=TODAY)

    def forge(self, payload: Any, header: dict[str, Any] | None = None) -> str:
        """Sign anything with this key, bypassing the issuer's checks (an attacker with a key)."""
        kid = self.kid(EESSI_PRC_SID)
        return sign_compact(header or {"kid": kid}, dumps_compact(payload).encode(), self.signer)


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return Issuer()


def _raw_jws(header: dict[str, Any], payload: Any, signature: bytes = b"") -> str:
    return ".".join(
        b64url_encode(p)
        for p in (dumps_compact(header).encode(), dumps_compact(payload).encode(), signature)
    )


@pytest.mark.parametrize("sid", sorted(DOCTYPES))
def test_sign_parse_verify_validate(issuer: Issuer, sid: str) -> None:
    jws, text = issuer.sign(sample(sid))
    doc = parse_document(text)
    assert doc.jws == jws and doc.sid == sid and dict(doc.payload) == sample(sid)
    assert dict(doc.header) == {"alg": "ES256", "kid": issuer.kid(sid)}  # exactly alg + kid
    assert doc.verify_signature(issuer.key.public_key()).name == "ES256"
    assert doc.body == sample(sid)[DOCTYPES[sid].body]
    validation = validate_for_verification(doc.payload, on(TODAY))
    assert validation.ok and not validation.warnings, validation
    assert parse_jws(jws).payload == doc.payload


def test_signer_kid_is_the_default(issuer: Issuer) -> None:
    signer = LocalSigner(issuer.key, kid=eessi_kid(issuer.cert))
    jws, _ = sign_document(sample(EESSI_PRC_SID), signer)
    assert parse_jws(jws).header["kid"] == eessi_kid(issuer.cert)


def test_non_ascii_names_are_utf8_in_the_token(issuer: Issuer) -> None:
    payload = with_body(EESSI_PRC_SID, fn="Łukasiewicz-Ødegård", gn="Ærøskøbing Ğül")
    _, text = issuer.sign(payload)
    doc = parse_document(text)
    assert doc.body["fn"] == "Łukasiewicz-Ødegård"
    assert "Łukasiewicz".encode() in doc.compact.payload  # raw UTF-8, not 6-byte \u escapes


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        (with_body(EESSI_PRC_SID, fn="F" * 41), "schema"),
        (
            {**sample(EESSI_PRC_SID), "st": {"idx": 1, "uri": "https://x"}},
            "no keys added to eessi:prc:1.0",
        ),
        (with_body(EESSI_PRC_SID, sd="2026-01-01"), "sd<=ed"),
        (with_body(EESSI_PRC_SID, ii="01A0"), "ii digits only (issuer rule)"),
        (
            with_body(EESSI_PRC_SID, **{"in": "I" * 21}, ii="01200"),
            "len(ii)+len(in)<=25 (issuer rule)",
        ),
        (with_body(EESSI_PRC_SID, di="2025-03-11"), "di must be the signing date"),
        (with_body(CIVICRED_SSH_SID, rt=False), "rt is always true"),
        ({"sid": "eessi:prc:1.1", "prc": {}}, "unknown sid"),
    ],
)
def test_the_issuer_refuses_bad_payloads(issuer: Issuer, payload: dict[str, Any], why: str) -> None:
    with pytest.raises(IssuanceError):
        issuer.sign(payload)


def test_the_issuer_refuses_wrong_kids_and_algorithms(issuer: Issuer) -> None:
    prc, ssh = sample(EESSI_PRC_SID), sample(CIVICRED_SSH_SID)
    with pytest.raises(IssuanceError, match="EESSI:x5t#S256"):
        sign_document(prc, issuer.signer, issuer.kid(CIVICRED_SSH_SID))  # BE-SSH kid on an ePRC
    with pytest.raises(IssuanceError, match="BE-SSH"):
        sign_document(ssh, issuer.signer, eessi_kid(issuer.cert))
    with pytest.raises(IssuanceError, match="bad kid"):
        sign_document(prc, issuer.signer)  # LocalSigner's default kid is a bare RFC 7638 thumbprint
    rsa_signer = LocalSigner(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    kid = eessi_kid(issuer.cert)
    with pytest.raises(IssuanceError, match="legacy"):
        sign_document(prc, rsa_signer, kid)
    jws, _ = sign_document(prc, rsa_signer, kid, allow_legacy=True)  # the spec allows RS256
    assert parse_jws(jws).algorithm.name == "RS256"
    with pytest.raises(IssuanceError, match="does not allow RS256"):
        sign_document(ssh, rsa_signer, issuer.kid(CIVICRED_SSH_SID), allow_legacy=True)
    eddsa = LocalSigner(generate_private_key("EdDSA"))
    with pytest.raises(IssuanceError, match="does not allow EdDSA"):
        sign_document(prc, eddsa, kid)


# -- tampering ---------------------------------------------------------------------------------
def test_every_single_character_change_is_detected(issuer: Issuer) -> None:
    _, text = issuer.sign(sample(EESSI_PRC_SID))
    public = issuer.key.public_key()
    for i, ch in enumerate(text):
        other = BASE45_ALPHABET[(BASE45_ALPHABET.index(ch) + 1) % 45]
        tampered = text[:i] + other + text[i + 1 :]
        with pytest.raises(VerificationError):
            parse_document(tampered).verify_signature(public)


def test_truncation_is_detected(issuer: Issuer) -> None:
    _, text = issuer.sign(sample(CIVICRED_SSH_SID))
    for cut in (1, 2, 3, 30, len(text) // 2, len(text) - 3):
        with pytest.raises(MalformedInput) as info:
            parse_document(text[:-cut])
        assert info.value.code in ("qr.base45", "qr.zlib")


def test_a_payload_change_with_the_original_signature_fails(issuer: Issuer) -> None:
    jws, _ = issuer.sign(sample(EESSI_PRC_SID))
    header, _, signature = jws.split(".")
    forged_payload = b64url_encode(
        dumps_compact(with_body(EESSI_PRC_SID, ed="2030-12-31")).encode()
    )
    doc = parse_document(encode_qr_text(f"{header}.{forged_payload}.{signature}"))
    with pytest.raises(SignatureInvalid) as info:
        doc.verify_signature(issuer.key.public_key())
    assert info.value.code == "jws.signature"
    with pytest.raises(SignatureInvalid):  # another issuer's key
        parse_jws(jws).verify_signature(generate_private_key("ES256").public_key())


@pytest.mark.parametrize("alg", ["none", "HS256", "ES512", "", None, "es256"])
def test_alg_outside_the_policy_is_refused_before_any_key_is_used(issuer: Issuer, alg: Any) -> None:
    header = {"alg": alg, "kid": issuer.kid(EESSI_PRC_SID)}
    signature = b""
    if alg == "HS256":  # the classic confusion: HMAC keyed with the issuer's public key bytes
        key = issuer.cert.public_bytes(Encoding.PEM)
        unsigned = _raw_jws(header, sample(EESSI_PRC_SID)).rsplit(".", 1)[0]
        signature = hmac.new(key, unsigned.encode(), hashlib.sha256).digest()
    text = encode_qr_text(_raw_jws(header, sample(EESSI_PRC_SID), signature))
    with pytest.raises(AlgorithmNotAllowed) as info:
        parse_document(text)
    assert info.value.code == "jws.alg"


def test_rs256_is_refused_for_the_es256_only_social_status_type(issuer: Issuer) -> None:
    header = {"alg": "RS256", "kid": issuer.kid(CIVICRED_SSH_SID)}
    with pytest.raises(AlgorithmNotAllowed):
        parse_jws(_raw_jws(header, sample(CIVICRED_SSH_SID), b"x" * 256))


def test_algorithm_confusion_with_the_trusted_key_is_refused(issuer: Issuer) -> None:
    header = {"alg": "RS256", "kid": issuer.kid(EESSI_PRC_SID)}
    doc = parse_jws(_raw_jws(header, sample(EESSI_PRC_SID), b"x" * 256))
    with pytest.raises(SignatureInvalid) as info:
        doc.verify_signature(issuer.key.public_key())  # the trusted key is EC: RS256 cannot apply
    assert info.value.code == "jws.alg"


def test_extra_top_level_key_in_an_eessi_prc_is_a_schema_failure(issuer: Issuer) -> None:
    jws = issuer.forge({**sample(EESSI_PRC_SID), "st": {"idx": 1, "uri": "https://x.example/1"}})
    doc = parse_document(encode_qr_text(jws))
    doc.verify_signature(issuer.key.public_key())  # a valid signature does not make it valid
    validation = validate_for_verification(doc.payload, on(TODAY))
    assert [(f.code, f.rule) for f in validation.errors] == [("qr.schema", "additionalProperties")]


@pytest.mark.parametrize("where", ["payload", "header"])
def test_a_json_nesting_bomb_is_refused(issuer: Issuer, where: str) -> None:
    bomb = b"[" * 100_000 + b"]" * 100_000
    assert len(zlib.compress(bomb, 9)) < 500
    header = b64url_encode(
        dumps_compact({"alg": "ES256", "kid": issuer.kid(EESSI_PRC_SID)}).encode()
    )
    payload = b64url_encode(dumps_compact(sample(EESSI_PRC_SID)).encode())
    if where == "payload":
        payload = b64url_encode(b'{"sid":' + bomb[:5000] + bomb[-5000:] + b"}")
    else:
        header = b64url_encode(b'{"alg":"ES256","x":' + bomb[:5000] + bomb[-5000:] + b"}")
    with pytest.raises(MalformedInput) as info:
        parse_document(encode_qr_text(f"{header}.{payload}.AAAA"))
    assert info.value.code == "input.depth"


@pytest.mark.parametrize(
    ("header", "payload", "code"),
    [
        ({"alg": "ES256"}, sample(EESSI_PRC_SID), "qr.kid"),
        ({"alg": "ES256", "kid": "abc"}, sample(EESSI_PRC_SID), "qr.kid"),
        (
            {"alg": "ES256", "kid": "EESSI:x5t#S256:" + "A" * 43, "typ": "JOSE"},
            sample(EESSI_PRC_SID),
            "qr.header",
        ),
        ({"alg": "ES256"}, {"sid": "eessi:prc:2.0"}, "qr.sid"),
        ({"alg": "ES256"}, {"prc": {}}, "qr.sid"),
        ({"alg": "ES256"}, [1, 2], "input.json"),
        ({"alg": "ES256", "crit": ["x"]}, sample(EESSI_PRC_SID), "input.jws"),
    ],
)
def test_header_and_payload_problems_have_precise_codes(
    header: dict[str, Any], payload: Any, code: str
) -> None:
    with pytest.raises(MalformedInput) as info:
        parse_jws(_raw_jws(header, payload, b"sig"))
    assert info.value.code == code


def test_duplicate_member_names_are_refused() -> None:
    header = b64url_encode(b'{"alg":"ES256","alg":"none"}')
    payload = b64url_encode(dumps_compact(sample(EESSI_PRC_SID)).encode())
    with pytest.raises(MalformedInput, match="duplicate"):
        parse_jws(f"{header}.{payload}.c2ln")
    dup = json.dumps(sample(EESSI_PRC_SID))[:-1] + ', "sid": "be.civicred:ssh:1.0"}'
    es256 = b64url_encode(b'{"alg":"ES256"}')
    with pytest.raises(MalformedInput, match="duplicate"):
        parse_jws(f"{es256}.{b64url_encode(dup.encode())}.c2ln")


def test_a_bomb_through_parse_document_is_bounded() -> None:
    with pytest.raises(MalformedInput) as info:
        parse_document(b45encode(zlib.compress(b"A" * 2_000_000, 9)))
    assert info.value.code == "qr.inflate_limit"
