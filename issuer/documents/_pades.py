"""PAdES baseline B-B signing of a finished PDF with pyHanko, through our ``Signer`` seam.

:class:`SignerBridge` is a pyHanko ``Signer`` whose raw-signing hook (``async_sign_raw``) calls
``verifier.signing.Signer.sign``: the private key never reaches pyHanko, so a PKCS#11/HSM signer
that implements our protocol works unchanged. Our signers return JOSE signatures (raw ``r||s``
for ECDSA, RFC 7518 §3.4); CMS needs DER ``ECDSA-Sig-Value`` (RFC 5753), so the bridge converts.

The signature is an invisible field ``CivicredSeal``, subfilter ``ETSI.CAdES.detached``
(PAdES), digest SHA-256 for ES256, CMS certificates = ``signer.certificate_chain`` (leaf first).
No timestamp (B-B); a TSA turns this into B-T later without changing the seam.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyhanko.sign.signers.pdf_cms import Signer as PyHankoSigner

from issuer.documents._payloads import DocumentError
from verifier.signing import Signer

SIGNATURE_FIELD = "CivicredSeal"
#: CMS digest per JOSE algorithm: the digest our signer applies inside ``sign()``.
PADES_DIGEST: dict[str, str] = {
    "ES256": "sha256",
    "ES384": "sha384",
    "RS256": "sha256",
    "EdDSA": "sha512",
    "Ed25519": "sha512",
}


def _asn1(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _spki(key: Any) -> bytes:
    return bytes(key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))


class SignerBridge(PyHankoSigner):
    """A pyHanko signer that delegates the raw signature to a ``verifier.signing.Signer``."""

    def __init__(self, signer: Signer) -> None:
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        chain = tuple(signer.certificate_chain)
        if not chain:
            raise DocumentError("PAdES signing needs the signer's certificate chain")
        name = signer.algorithm.name
        if name not in PADES_DIGEST:
            raise DocumentError(f"PAdES signing does not support {name} signers")
        if _spki(chain[0].public_key()) != _spki(signer.public_key()):
            raise DocumentError("the signer's key does not match its leaf certificate")
        certs = [_asn1(c) for c in chain]
        super().__init__(
            signing_cert=certs[0],
            cert_registry=SimpleCertificateStore.from_certs(certs[1:]),  # leaf is added anyway
            embed_roots=False,
        )
        self._signer = signer
        self.digest = PADES_DIGEST[name]

    def _placeholder(self) -> bytes:
        """Bytes as long as the longest signature (pyHanko's size estimate in dry runs)."""
        key = self._signer.public_key()
        if isinstance(key, ec.EllipticCurvePublicKey):
            n = (key.curve.key_size + 7) // 8 + 1
            return bytes(2 * (n + 2) + 3)
        if isinstance(key, rsa.RSAPublicKey):
            return bytes(key.key_size // 8)
        return bytes(64)

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if digest_algorithm != self.digest:
            raise DocumentError(
                f"{self._signer.algorithm.name} signs with {self.digest}, not {digest_algorithm}"
            )
        if dry_run:
            return self._placeholder()
        raw = self._signer.sign(data)
        if isinstance(self._signer.public_key(), ec.EllipticCurvePublicKey):
            half = len(raw) // 2
            r, s = int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
            return encode_dss_signature(r, s)
        return raw


def sign_pdf(
    pdf: bytes,
    signer: Signer,
    *,
    reason: str | None = None,
    field_name: str = SIGNATURE_FIELD,
) -> bytes:
    """``pdf`` with an incremental PAdES B-B signature (invisible field) by ``signer``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    bridge = SignerBridge(signer)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=bridge.digest,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        # Our document-signing certificates assert digitalSignature (docs/trust-list.md §PKI).
        signer_key_usage={"digital_signature"},
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = signers.PdfSigner(meta, signer=bridge).sign_pdf(writer)
    return bytes(out.getvalue())


@dataclass(frozen=True, slots=True)
class PadesCheck:
    """pyHanko's verdict on the (first) signature of a PDF."""

    intact: bool  # the signed byte ranges hash to the signed digest
    valid: bool  # the CMS signature verifies with the signing certificate
    trusted: bool  # the certificate chains to one of the given roots
    covers_whole_file: bool  # nothing was appended after signing
    modification_level: str  # pyHanko's name for what changed after signing ("NONE", …)
    signer: str  # the signing certificate's subject (RFC 4514)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_whole_file


def check_pades(
    pdf: bytes, trust_roots: Sequence[x509.Certificate], *, at: datetime | None = None
) -> PadesCheck:
    """Validate the first signature of ``pdf`` against ``trust_roots`` (issuer self-check,
    tests). ``at`` is the validation time (default: now)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    if not reader.embedded_signatures:
        raise DocumentError("the PDF has no signature")
    context = ValidationContext(
        trust_roots=[_asn1(c) for c in trust_roots], moment=at, allow_fetching=False
    )
    status = validate_pdf_signature(
        reader.embedded_signatures[0],
        context,
        key_usage_settings=KeyUsageConstraints(key_usage={"digital_signature"}),
    )
    level = status.modification_level
    return PadesCheck(
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        modification_level=level.name if level is not None else "UNKNOWN",
        signer=status.signing_cert.subject.human_friendly,
    )
