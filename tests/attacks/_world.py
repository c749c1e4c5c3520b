"""A trust list generated at test time whose issuer holds keys on several curves.

The registry root and the trust-list signer are P-256 (what the registry uses); the issuer
``BE:CBSS`` has one ``document_signing`` and one ``status_signing`` certificate per curve of
:data:`CURVES`, all active and listed, and signs for institution ``BE:0120``, which is accredited
for every QR document type and for the social-status credential. So a key on the wrong curve is
*trusted data*: only the crypto policy (ES256 = P-256, RFC 7518 §3.4) stands between it and a
valid report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from verifier.jose import ALGORITHMS, Algorithm, PublicKey, dumps_compact, sign_compact
from verifier.qr import DOCTYPES, EESSI_PRC_SID, encode_qr_text, framework_kid
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import (
    Accreditation,
    CertificateEntry,
    CertificateUse,
    Institution,
    Issuer,
    TrustList,
    TrustSnapshot,
    build_bundle,
    create_issuer_certificate,
    create_registry_certificate,
    create_root_ca,
    sign_trust_list,
    verify_trust_list,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
REGISTRY_URI = "https://registry.attack.localhost"
ISSUER_URI = "https://issuer.attack.localhost"
STATUS_URI = "https://issuer.attack.localhost/status/1"
SOCIAL = "urn:civicred:social-status:1"
#: The 256-bit curves an attacker may hold a certificate for, and the genuine one.
CURVES: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "secp256k1": ec.SECP256K1(),
    "brainpoolP256r1": ec.BrainpoolP256R1(),
}
WRONG_CURVES = ("secp256k1", "brainpoolP256r1")
_START, _END = datetime(2025, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)


class CurveSigner:
    """Signs as ``ES256`` (ECDSA with SHA-256, raw ``r || s`` of 32 bytes each) with an EC key on
    *any* curve: the forger's signer. :class:`verifier.signing.LocalSigner` refuses such keys."""

    def __init__(
        self, key: ec.EllipticCurvePrivateKey, chain: tuple[x509.Certificate, ...] = ()
    ) -> None:
        self._key = key
        self.certificate_chain = chain
        self.kid = "forged"

    @property
    def algorithm(self) -> Algorithm:
        return ALGORITHMS["ES256"]

    def public_key(self) -> PublicKey:
        return self._key.public_key()

    def sign(self, message: bytes) -> bytes:
        r, s = decode_dss_signature(self._key.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


@dataclass
class World:
    root: x509.Certificate
    registry: LocalSigner
    keys: dict[tuple[str, CertificateUse], ec.EllipticCurvePrivateKey]
    certs: dict[tuple[str, CertificateUse], x509.Certificate]
    token: str
    snapshot: TrustSnapshot

    def signer(self, curve: str, use: CertificateUse = "document_signing") -> CurveSigner:
        return CurveSigner(self.keys[curve, use], (self.certs[curve, use],))

    def cert(self, curve: str, use: CertificateUse = "document_signing") -> x509.Certificate:
        return self.certs[curve, use]

    def bundle(self, status_lists: dict[str, tuple[str, str]] | None = None) -> str:
        return build_bundle(
            trust_list=self.token,
            root=self.root,
            signer=self.registry,
            issued_at=NOW - timedelta(minutes=30),
            next_update=NOW + timedelta(hours=23),
            status_lists=status_lists or {},
        )


def _names(text: str) -> dict[str, str]:
    return {lang: text for lang in ("en", "fr", "nl", "de")}


def build_world() -> World:
    root_key = generate_private_key("ES256")
    root = create_root_ca(root_key, name="attack root", not_before=_START, not_after=_END)
    registry_key = generate_private_key("ES256")
    registry_cert = create_registry_certificate(
        registry_key.public_key(), ca_cert=root, ca_key=root_key, name="registry",
        uri=REGISTRY_URI, not_before=_START, not_after=_END,
    )  # fmt: skip
    keys: dict[tuple[str, CertificateUse], ec.EllipticCurvePrivateKey] = {}
    certs: dict[tuple[str, CertificateUse], x509.Certificate] = {}
    for curve_name, curve in CURVES.items():
        for use in ("document_signing", "status_signing"):
            key = ec.generate_private_key(curve)
            keys[curve_name, use] = key
            certs[curve_name, use] = create_issuer_certificate(
                key.public_key(), ca_cert=root, ca_key=root_key, use=use,
                name=f"CBSS {curve_name} {use}", issuer_id="BE:CBSS", country="BE",
                credential_issuer=ISSUER_URI, not_before=_START, not_after=_END,
            )  # fmt: skip
    since = date(2024, 1, 1)
    institutions = (
        Institution(
            "BE:0120", "BE", "competent_institution", _names("Fund 0120"),
            tuple(Accreditation(sid, since) for sid in DOCTYPES),
        ),
        Institution(
            "BE:CBSS", "BE", "authentic_source", _names("CBSS"), (Accreditation(SOCIAL, since),)
        ),
    )  # fmt: skip
    issuer = Issuer(
        "BE:CBSS", "BE", _names("CBSS"), ISSUER_URI, ("BE:CBSS", "BE:0120"), (STATUS_URI,), (),
        tuple(CertificateEntry.of(cert, use) for (_, use), cert in certs.items()),
    )  # fmt: skip
    issued = NOW - timedelta(hours=1)
    model = TrustList(
        REGISTRY_URI, issued, issued + timedelta(hours=24), 1, institutions, (issuer,)
    )
    registry = LocalSigner(registry_key, certificate_chain=(registry_cert,))
    token = sign_trust_list(model, registry)
    return World(root, registry, keys, certs, token, verify_trust_list(token, root, NOW))


def prc_payload() -> dict[str, Any]:
    """A valid ePRC (``eessi:prc:1.0``) of institution BE:0120, issued :data:`TODAY`."""
    return {
        "sid": EESSI_PRC_SID,
        "prc": {
            "ic": "BE", "fn": "Peeters", "gn": "Jan", "dob": "1971-04-02",
            "hi": "71040212345", "in": "HZIV", "ii": "0120", "ci": "01207100000000004242",
            "sd": (TODAY - timedelta(days=3)).isoformat(),
            "ed": (TODAY + timedelta(days=80)).isoformat(),
            "xd": (TODAY + timedelta(days=800)).isoformat(),
            "di": TODAY.isoformat(),
        },
    }  # fmt: skip


def signed_prc(world: World, curve: str = "P-256", *, framework: str = "EESSI") -> str:
    """The QR text of an ePRC signed with the ``curve`` document-signing key, its kid under
    ``framework``: built by hand (``sign_document`` would refuse a wrong framework)."""
    kid = framework_kid(framework, world.cert(curve))
    jws = sign_compact({"kid": kid}, dumps_compact(prc_payload()).encode(), world.signer(curve))
    return encode_qr_text(jws)
