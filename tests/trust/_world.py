"""A dev PKI and trust list generated at test time (pyHanko style: no committed keys).

Timeline (all UTC):

- root and registry certificates: 2025-01-01 .. 2035-01-01
- ``old``  document cert of BE:CBSS, X.509 2026-01-01 .. 2028-01-01, **retired** 2027-01-01
- ``new``  document cert of BE:CBSS, 2026-12-01 .. 2029-01-01, active (rotation overlap in Dec 2026)
- ``next`` document cert of BE:CBSS, 2027-06-01 .. 2030-01-01, published (announced early)
- ``lost`` document cert of BE:CBSS, 2026-01-01 .. 2028-01-01, **revoked** 2026-07-01T00:00Z
- ``status`` status-signing cert of BE:CBSS, 2026-01-01 .. 2028-01-01
- ``other`` document cert of BE:OTHER (signs only for BE:0999), 2026-01-01 .. 2028-01-01
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from cryptography import x509

from verifier.jose import PrivateKey
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import (
    Accreditation,
    CertificateEntry,
    CertificateUse,
    Institution,
    Issuer,
    TrustList,
    create_issuer_certificate,
    create_registry_certificate,
    create_root_ca,
    sign_trust_list,
)

REGISTRY_URI = "https://registry.civicred.localhost"
ISSUER_URI = "https://issuer.civicred.localhost"
OTHER_URI = "https://other.example"
STATUS_URI = "https://issuer.civicred.localhost/status/3f1c"
REVOCATION_URI = "https://issuer.civicred.localhost/revocation/0"
SOCIAL = "urn:civicred:social-status:1"
EHIC = "urn:eudi:ehic:1"
PRC = "eessi:prc:1.0"
SSH = "be.civicred:ssh:1.0"  # the venue document (QR sid) of the social status
NOW = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)  # inside the rotation overlap


def utc(y: int, m: int, d: int, hh: int = 0) -> datetime:
    return datetime(y, m, d, hh, tzinfo=UTC)


@dataclass
class Pki:
    """A root, its registry signer, and issuer certificates made on demand."""

    name: str = "civicred dev root"
    root_key: PrivateKey = field(default_factory=generate_private_key)
    root: x509.Certificate = field(init=False)
    registry_key: PrivateKey = field(default_factory=generate_private_key)
    registry_cert: x509.Certificate = field(init=False)

    def __post_init__(self) -> None:
        self.root = create_root_ca(
            self.root_key, name=self.name, not_before=utc(2025, 1, 1), not_after=utc(2035, 1, 1)
        )
        self.registry_cert = create_registry_certificate(
            self.registry_key.public_key(),
            ca_cert=self.root,
            ca_key=self.root_key,
            name="civicred registry",
            uri=REGISTRY_URI,
            not_before=utc(2025, 1, 1),
            not_after=utc(2035, 1, 1),
        )

    @property
    def registry_signer(self) -> LocalSigner:
        return LocalSigner(self.registry_key, certificate_chain=(self.registry_cert,))

    def issue(
        self,
        use: CertificateUse,
        not_before: datetime,
        not_after: datetime,
        *,
        issuer_id: str = "BE:CBSS",
        uri: str = ISSUER_URI,
    ) -> tuple[PrivateKey, x509.Certificate]:
        key = generate_private_key()
        cert = create_issuer_certificate(
            key.public_key(),
            ca_cert=self.root,
            ca_key=self.root_key,
            use=use,
            name=f"{issuer_id} signer",
            issuer_id=issuer_id,
            country="BE",
            credential_issuer=uri,
            not_before=not_before,
            not_after=not_after,
        )
        return key, cert


@dataclass
class World:
    pki: Pki
    keys: dict[str, PrivateKey]
    certs: dict[str, x509.Certificate]
    model: TrustList
    token: str

    def signer(self, name: str, *, with_root: bool = False) -> LocalSigner:
        chain = (self.certs[name], self.pki.root) if with_root else (self.certs[name],)
        return LocalSigner(self.keys[name], certificate_chain=chain)


def _names(text: str) -> dict[str, str]:
    return {lang: f"{text} ({lang})" for lang in ("en", "fr", "nl", "de")}


def build_model(
    certs: dict[str, x509.Certificate], *, issued_at: datetime = NOW - timedelta(hours=1)
) -> TrustList:
    def acc(doc: str, start: date, end: date | None = None) -> Accreditation:
        return Accreditation(doc, start, end)

    institutions = (
        Institution(
            "BE:0120",
            "BE",
            "competent_institution",
            _names("Fund 0120"),
            (acc(PRC, date(2024, 1, 1)), acc(EHIC, date(2024, 1, 1), date(2030, 12, 31))),
        ),
        Institution(
            "BE:0320",
            "BE",
            "competent_institution",
            _names("Fund 0320"),
            (acc(PRC, date(2026, 6, 1)),),
        ),
        Institution(
            "BE:CBSS",
            "BE",
            "authentic_source",
            _names("CBSS"),
            (acc(SOCIAL, date(2024, 1, 1)), acc(SSH, date(2024, 1, 1))),
        ),
        Institution(
            "BE:0999",
            "BE",
            "competent_institution",
            _names("Fund 0999"),
            (acc(PRC, date(2024, 1, 1)),),
        ),
    )
    cbss = Issuer(
        "BE:CBSS",
        "BE",
        _names("CBSS"),
        ISSUER_URI,
        ("BE:CBSS", "BE:0120", "BE:0320"),
        (STATUS_URI,),
        (REVOCATION_URI,),
        (
            CertificateEntry.of(
                certs["old"], "document_signing", "retired", not_after=utc(2027, 1, 1)
            ),
            CertificateEntry.of(certs["new"], "document_signing", "active"),
            CertificateEntry.of(certs["next"], "document_signing", "published"),
            CertificateEntry.of(
                certs["lost"], "document_signing", "revoked", revoked_at=utc(2026, 7, 1)
            ),
            CertificateEntry.of(certs["status"], "status_signing", "active"),
        ),
    )
    other = Issuer(
        "BE:OTHER",
        "BE",
        _names("Other"),
        OTHER_URI,
        ("BE:0999",),
        certificates=(CertificateEntry.of(certs["other"], "document_signing"),),
    )
    return TrustList(
        REGISTRY_URI, issued_at, issued_at + timedelta(hours=24), 17, institutions, (cbss, other)
    )


def build_world() -> World:
    pki = Pki()
    specs: dict[str, tuple[CertificateUse, datetime, datetime, str, str]] = {
        "old": ("document_signing", utc(2026, 1, 1), utc(2028, 1, 1), "BE:CBSS", ISSUER_URI),
        "new": ("document_signing", utc(2026, 12, 1), utc(2029, 1, 1), "BE:CBSS", ISSUER_URI),
        "next": ("document_signing", utc(2027, 6, 1), utc(2030, 1, 1), "BE:CBSS", ISSUER_URI),
        "lost": ("document_signing", utc(2026, 1, 1), utc(2028, 1, 1), "BE:CBSS", ISSUER_URI),
        "status": ("status_signing", utc(2026, 1, 1), utc(2028, 1, 1), "BE:CBSS", ISSUER_URI),
        "other": ("document_signing", utc(2026, 1, 1), utc(2028, 1, 1), "BE:OTHER", OTHER_URI),
    }
    keys: dict[str, PrivateKey] = {}
    certs: dict[str, x509.Certificate] = {}
    for name, (use, start, end, issuer_id, uri) in specs.items():
        keys[name], certs[name] = pki.issue(use, start, end, issuer_id=issuer_id, uri=uri)
    model = build_model(certs)
    return World(pki, keys, certs, model, sign_trust_list(model, pki.registry_signer))
