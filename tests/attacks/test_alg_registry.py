"""The registry certifies a key for ES256 only if it is a P-256 key (RFC 7518 §3.4).

Through the admin HTTP API (real ASGI app, SQLite): a CSR on secp256k1, brainpoolP256r1 or P-521
is a 400 with a reason, also after a genuine P-256 CSR was certified in the same process (which
is how a running registry sees them); nothing is stored. The same holds for a certificate made
elsewhere for such a key (``add``), even one that chains to the registry root.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from registry._support import ROOT_PASSPHRASE, START, Api, FakeClock, make_settings

from trust_registry.domain import BadRequest
from trust_registry.pki import CertificateAuthority
from trust_registry.services import RegistryServices
from verifier.trust import dump_pem

ISSUE = "/admin/issuers/BE:CBSS/certificates"
REFUSED = {c.name: c for c in (ec.SECP256K1(), ec.BrainpoolP256R1(), ec.SECP521R1())}


@pytest.fixture
def services(tmp_path: Path) -> Iterator[RegistryServices]:
    pki = tmp_path / "pki"
    CertificateAuthority.load_or_create(
        pki, passphrase=ROOT_PASSPHRASE.encode(), registry_uri="http://registry.test", now=START
    )
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    built = RegistryServices.build(make_settings(url, pki), clock=FakeClock())
    yield built
    built.close()


def _csr(key: ec.EllipticCurvePrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CBSS signer")])
    csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


@pytest.mark.parametrize("curve", REFUSED)
def test_the_admin_api_refuses_csrs_on_other_curves(services: RegistryServices, curve: str) -> None:
    api = Api(services)
    genuine = api.post(
        ISSUE,
        json={"use": "document_signing", "csr": _csr(ec.generate_private_key(ec.SECP256R1()))},
    )
    assert genuine.status_code == 201, genuine.text
    response = api.post(
        ISSUE,
        json={"use": "document_signing", "csr": _csr(ec.generate_private_key(REFUSED[curve]))},
    )
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert "unsupported key" in detail and f"EC {curve}" in detail
    assert len(services.certificates.list("BE:CBSS")) == 1  # nothing stored for the refused key


@pytest.mark.parametrize("curve", REFUSED)
def test_a_certificate_made_elsewhere_for_another_curve_is_refused(
    services: RegistryServices, curve: str
) -> None:
    now = START
    made = {
        name: services.ca.issue(
            ec.generate_private_key(c).public_key(), use="document_signing", name="CBSS",
            issuer_id="BE:CBSS", country="BE", credential_issuer="https://issuer.civicred.localhost",
            not_before=now - timedelta(hours=1), not_after=now + timedelta(days=30),
        )
        for name, c in {"P-256": ec.SECP256R1(), curve: REFUSED[curve]}.items()
    }  # fmt: skip
    services.certificates.add(
        "admin#0", "BE:CBSS", use="document_signing", certificate=dump_pem(made["P-256"])
    )
    with pytest.raises(BadRequest, match=f"unsupported key.*EC {curve}"):
        services.certificates.add(
            "admin#0", "BE:CBSS", use="document_signing", certificate=dump_pem(made[curve])
        )
    assert len(services.certificates.list("BE:CBSS")) == 1
