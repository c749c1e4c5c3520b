"""PAdES baseline B-B signing of a finished PDF with pyHanko, through our ``Signer`` seam.

:class:`SignerBridge` is a pyHanko ``Signer`` whose raw-signing hook (``async_sign_raw``) calls
``verifier.signing.Signer.sign``: the private key never reaches pyHanko, so a PKCS#11/HSM signer
that implements our protocol works unchanged. Our signers return JOSE signatures (raw ``r||s``
for ECDSA, RFC 7518 §3.4); CMS needs DER ``ECDSA-Sig-Value`` (RFC 5753), so the bridge converts.

The signature is an invisible field ``CivicredSeal``, subfilter ``ETSI.CAdES.detached``
(PAdES), digest SHA-256 for ES256, CMS certificates = ``signer.certificate_chain`` (leaf first).
No timestamp (B-B); a TSA turns this into B-T later without changing the seam.

Speed (docs/documents.md §Rendering pipeline performance): one bridge per signer and chain
(:func:`bridge_for`, a small thread-safe cache), so the asn1crypto certificates and the
``signing-certificate-v2`` attribute are built once per certificate; the space reserved for the
CMS container is computed from the chain and the algorithm (:attr:`SignerBridge.bytes_reserved`)
instead of pyHanko's dry-run signature; and :func:`sign_writer` signs an incremental writer the
caller has already added objects to (the ``qr.txt`` attachment), so the PDF is parsed once.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.signers.pdf_cms import Signer as PyHankoSigner

from issuer.documents._payloads import DocumentError
from verifier.signing import Signer

if TYPE_CHECKING:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

SIGNATURE_FIELD = "CivicredSeal"
#: CMS digest per JOSE algorithm: the digest our signer applies inside ``sign()``.
PADES_DIGEST: dict[str, str] = {
    "ES256": "sha256",
    "ES384": "sha384",
    "RS256": "sha256",
    "EdDSA": "sha512",
    "Ed25519": "sha512",
}
#: Bytes of the CMS container that do not depend on the certificates or the signature: the
#: SignedData/SignerInfo framing, algorithm identifiers, the content-type, message-digest
#: and signing-certificate-v2 attributes (without the issuer name), with ample room to spare.
CMS_OVERHEAD = 1024
#: Bridges kept by :func:`bridge_for` (a process signs with one or two keys at a time).
BRIDGE_CACHE_SIZE = 8


def _asn1(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _spki(key: Any) -> bytes:
    return bytes(key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))


def _max_signature_size(key: Any) -> int:
    """The longest signature ``key`` makes, as it is stored in CMS (DER for ECDSA)."""
    if isinstance(key, ec.EllipticCurvePublicKey):
        n = (key.curve.key_size + 7) // 8 + 1  # an INTEGER may need a leading zero byte
        return 2 * (n + 2) + 3  # SEQUENCE { INTEGER r, INTEGER s }, long-form length
    if isinstance(key, rsa.RSAPublicKey):
        return (key.key_size + 7) // 8
    return 64  # Ed25519


class _CachedAttribute(CMSAttributeProvider):
    """A signed attribute whose value depends only on the signing certificate."""

    def __init__(self, attribute: Any) -> None:
        self.attribute_type = attribute["type"].native
        self._attribute = attribute

    async def get_attribute(self, dry_run: bool = False) -> Any:
        return self._attribute


class _PadesAttributes(SignedAttributeProviderSpec):
    """PAdES B-B signed attributes besides content-type and message-digest (which pyHanko adds
    itself): ``signing-certificate-v2`` only; no ``signing-time`` (PAdES forbids it in CMS; the
    time is the signature dictionary's ``/M``). pyHanko builds the same set for a PAdES
    signature without CAdES extras (``CAdESSignedAttributeProviderSpec``), but rebuilds and
    re-hashes the certificate reference on every signature; this one is built once."""

    def __init__(self, signing_cert: Any) -> None:
        from asn1crypto import cms
        from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute

        attribute = simple_cms_attribute(
            "signing_certificate_v2", as_signing_certificate_v2(signing_cert)
        )
        # Parsed back from DER: asn1crypto re-encodes a value built from Python objects on
        # every dump(); a parsed one keeps its encoding.
        self._provider = _CachedAttribute(cms.CMSAttribute.load(attribute.dump()))

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> Iterable[CMSAttributeProvider]:
        return (self._provider,)


class SignerBridge(PyHankoSigner):
    """A pyHanko signer that delegates the raw signature to a ``verifier.signing.Signer``.

    It always produces the PAdES B-B signed attributes (:class:`_PadesAttributes`), whatever
    subfilter pyHanko is asked for. Stateless while signing, so one bridge serves concurrent
    signatures (threads)."""

    def __init__(self, signer: Signer) -> None:
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        chain = tuple(signer.certificate_chain)
        if not chain:
            raise DocumentError("PAdES signing needs the signer's certificate chain")
        name = signer.algorithm.name
        if name not in PADES_DIGEST:
            raise DocumentError(f"PAdES signing does not support {name} signers")
        key = signer.public_key()
        if _spki(chain[0].public_key()) != _spki(key):
            raise DocumentError("the signer's key does not match its leaf certificate")
        certs = [_asn1(c) for c in chain]
        super().__init__(
            signing_cert=certs[0],
            cert_registry=SimpleCertificateStore.from_certs(certs[1:]),  # leaf is added anyway
            embed_roots=False,
        )
        self._signer = signer
        self._is_ec = isinstance(key, ec.EllipticCurvePublicKey)
        self._max_signature = _max_signature_size(key)
        self.digest = PADES_DIGEST[name]
        self.signed_attr_prov_spec = _PadesAttributes(certs[0])
        issuer = len(certs[0].issuer.dump())
        #: Hex digits reserved for the CMS container in ``/Contents``: every certificate, the
        #: leaf's issuer name twice (SignerInfo sid, signing-certificate-v2), the longest
        #: signature and two digests, plus :data:`CMS_OVERHEAD`; twice that, as hex.
        self.bytes_reserved = 2 * (
            sum(len(c.dump()) for c in certs)
            + 2 * issuer
            + self._max_signature
            + 2 * 64
            + CMS_OVERHEAD
        )

    async def signed_attrs(self, *args: Any, **kwargs: Any) -> Any:
        """pyHanko's signed attributes, parsed back from their DER encoding: pyHanko dumps them
        several times (to sign, to retag them into the SignerInfo, to embed the CMS), and
        asn1crypto re-encodes a value built from Python objects on every dump."""
        from asn1crypto import cms

        attrs = await super().signed_attrs(*args, **kwargs)
        return cms.CMSAttributes.load(attrs.dump())

    def _placeholder(self) -> bytes:
        """Bytes as long as the longest signature (pyHanko's size estimate in dry runs)."""
        return bytes(self._max_signature)

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
        if self._is_ec:
            half = len(raw) // 2
            r, s = int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
            return encode_dss_signature(r, s)
        return raw


_BRIDGES: OrderedDict[tuple[int, tuple[bytes, ...]], SignerBridge] = OrderedDict()
_BRIDGES_LOCK = threading.Lock()


def bridge_for(signer: Signer) -> SignerBridge:
    """The :class:`SignerBridge` of ``signer`` (cached per signer object and certificate chain:
    a rotated signer, or a new chain for the same signer, gets a new bridge)."""
    chain = tuple(c.public_bytes(Encoding.DER) for c in signer.certificate_chain)
    key = (id(signer), chain)
    with _BRIDGES_LOCK:
        bridge = _BRIDGES.get(key)
        if bridge is not None and bridge._signer is signer:
            _BRIDGES.move_to_end(key)
            return bridge
    bridge = SignerBridge(signer)  # outside the lock: may raise, and converts certificates
    with _BRIDGES_LOCK:
        _BRIDGES[key] = bridge
        _BRIDGES.move_to_end(key)
        while len(_BRIDGES) > BRIDGE_CACHE_SIZE:
            _BRIDGES.popitem(last=False)
    return bridge


def sign_writer(
    writer: IncrementalPdfFileWriter,
    signer: Signer,
    *,
    reason: str | None = None,
    field_name: str = SIGNATURE_FIELD,
) -> bytes:
    """Sign the revision ``writer`` holds (the objects added to it so far plus the signature)
    with an invisible PAdES B-B signature by ``signer``; the signature covers the whole file."""
    from pyhanko.sign import fields, signers

    # pyHanko installs a per-signature attribute provider on the signer for PDF MAC
    # (encrypted PDF 2.0): a shared bridge must not see that, so those get their own.
    encrypted = writer.security_handler is not None
    bridge = SignerBridge(signer) if encrypted else bridge_for(signer)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=bridge.digest,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        # pyHanko's default signer key usage, nonRepudiation: our document-signing certificates
        # assert it with digitalSignature (docs/trust-list.md §PKI), as a seal's should.
    )
    out = signers.PdfSigner(meta, signer=bridge).sign_pdf(
        writer, bytes_reserved=bridge.bytes_reserved
    )
    return bytes(out.getvalue())


def sign_pdf(
    pdf: bytes,
    signer: Signer,
    *,
    reason: str | None = None,
    field_name: str = SIGNATURE_FIELD,
) -> bytes:
    """``pdf`` with an incremental PAdES B-B signature (invisible field) by ``signer``."""
    from issuer.documents._pdf import open_revision

    return sign_writer(open_revision(pdf), signer, reason=reason, field_name=field_name)


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
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    if not reader.embedded_signatures:
        raise DocumentError("the PDF has no signature")
    context = ValidationContext(
        trust_roots=[_asn1(c) for c in trust_roots], moment=at, allow_fetching=False
    )
    status = validate_pdf_signature(reader.embedded_signatures[0], context)  # default key usage
    level = status.modification_level
    return PadesCheck(
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        modification_level=level.name if level is not None else "UNKNOWN",
        signer=status.signing_cert.subject.human_friendly,
    )
