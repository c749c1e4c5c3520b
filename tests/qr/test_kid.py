"""kid = <framework>:<x5t#S256|jkt>:<thumbprint> (EHIC PDF QR PoC v0.5 §2.3.1)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from qr_samples import self_signed

from verifier import MalformedInput
from verifier.jose import jwk_from_public_key, jwk_thumbprint
from verifier.qr import (
    JKT,
    KeyId,
    certificate_thumbprint,
    eessi_kid,
    format_kid,
    framework_kid,
    parse_kid,
)
from verifier.signing import generate_private_key

T = "k9dYaQGljm0xJRAkbMbGUc3KTs8w-7Yr8-ZxBkCoLlw"


def test_eessi_kid_is_the_sha256_thumbprint_of_the_der() -> None:
    key = generate_private_key("ES256")
    cert = self_signed(key)  # type: ignore[arg-type]
    der = cert.public_bytes(Encoding.DER)
    expected = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()
    assert certificate_thumbprint(cert) == certificate_thumbprint(der) == expected
    assert eessi_kid(cert) == f"EESSI:x5t#S256:{expected}"
    assert framework_kid("BE-SSH", cert) == f"BE-SSH:x5t#S256:{expected}"


def test_parse_and_format() -> None:
    assert parse_kid(f"EESSI:x5t#S256:{T}") == KeyId("EESSI", "x5t#S256", T)
    jkt = jwk_thumbprint(jwk_from_public_key(generate_private_key("ES256").public_key()))
    assert parse_kid(f"eessi:jkt:{jkt}") == KeyId("eessi", JKT, jkt)  # README example: lower case
    assert parse_kid(f"EESSi:x5t#S256:{T}").framework == "EESSi"  # opaque: kept as written
    assert format_kid("BE-SSH", T) == f"BE-SSH:x5t#S256:{T}"
    assert format_kid("EESSI", jkt, kind="jkt") == f"EESSI:jkt:{jkt}"
    assert str(parse_kid(f"DE.GKV:x5t#S256:{T}")) == f"DE.GKV:x5t#S256:{T}"


@pytest.mark.parametrize(
    "kid",
    [
        None,
        42,
        "",
        T,
        f"EESSI:{T}",
        f"EESSI:x5t#S256:{T}:extra",
        f"EESSI:x5t:{T}",
        f"EESSI:X5T#S256:{T}",
        f"EESSI:x5t#S256:{T}=",
        f"EESSI:x5t#S256:{T[:-1]}",
        f"EESSI:x5t#S256:{T[:-1]}+",
        f":x5t#S256:{T}",
        f"EE SSI:x5t#S256:{T}",
        f"{'E' * 40}:x5t#S256:{T}",
    ],
)
def test_malformed_kids_are_refused(kid: object) -> None:
    with pytest.raises(MalformedInput) as info:
        parse_kid(kid)
    assert info.value.code == "qr.kid"


@pytest.mark.parametrize(("framework", "thumbprint"), [("EESSI", T[:-1]), ("A:B", T), ("", T)])
def test_format_kid_refuses_what_parse_kid_refuses(framework: str, thumbprint: str) -> None:
    with pytest.raises(MalformedInput):
        format_kid(framework, thumbprint)
