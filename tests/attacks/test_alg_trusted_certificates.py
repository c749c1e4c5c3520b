"""``--trust-cert`` with a certificate whose key the crypto policy cannot use is a typed refusal.

``TrustedCertificates`` (the ad-hoc resolver behind ``civicred verify --trust-cert``) used to
crash with a ``KeyError`` on P-521, secp256k1 and brainpool keys (no JWK form for the ``jkt``
index). Now every such certificate is an :class:`UntrustedIssuer` with code
``trust.certificate`` naming the key, raised when the certificates are loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, rsa

from verifier import UntrustedIssuer
from verifier.qr import TrustedCertificates
from verifier.signing import generate_private_key
from verifier.trust import create_issuer_certificate, create_root_ca, dump_pem

_START, _END = datetime(2025, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)
KEYS: dict[str, Callable[[], object]] = {
    "EC secp521r1": lambda: ec.generate_private_key(ec.SECP521R1()),
    "EC secp256k1": lambda: ec.generate_private_key(ec.SECP256K1()),
    "EC brainpoolP256r1": lambda: ec.generate_private_key(ec.BrainpoolP256R1()),
    "DSA": lambda: dsa.generate_private_key(2048),
    "Ed448": ed448.Ed448PrivateKey.generate,
    "RSA 1024": lambda: rsa.generate_private_key(65537, 1024),  # noqa: S505 (the weak key)
}


def _certificate(subject_key: object) -> x509.Certificate:
    ca_key = generate_private_key("ES256")
    ca = create_root_ca(ca_key, name="operator CA", not_before=_START, not_after=_END)
    return create_issuer_certificate(
        subject_key.public_key(),  # type: ignore[attr-defined]
        ca_cert=ca, ca_key=ca_key, use="document_signing", name="signer", issuer_id="BE:X",
        country="BE", credential_issuer="https://x.example", not_before=_START, not_after=_END,
    )  # fmt: skip


@pytest.mark.parametrize("kind", KEYS)
def test_trust_cert_with_a_key_outside_the_policy_is_a_typed_refusal(kind: str) -> None:
    cert = _certificate(KEYS[kind]())
    with pytest.raises(UntrustedIssuer) as info:
        TrustedCertificates([cert])
    assert info.value.code == "trust.certificate"
    assert kind in info.value.message
    with pytest.raises(UntrustedIssuer) as info:
        TrustedCertificates.from_pem(dump_pem(cert))
    assert info.value.code == "trust.certificate"
