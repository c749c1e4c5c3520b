"""The registry PKI: certificate uses, thumbprints, kids, x5c, chain validation.

docs/trust-list.md §PKI: one pinned root CA; under it the registry signing certificate (no EKU)
and issuer certificates whose extendedKeyUsage names their use. Nothing here reads the clock:
validity windows and validation times are always arguments.
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from verifier import codes
from verifier._errors import MalformedInput, UntrustedIssuer
from verifier.jose import PublicKey, b64_decode, b64url_encode

CertificateUse = Literal["document_signing", "status_signing"]
#: ``registry_signing`` is not an issuer use: it is the *absence* of an EKU (trust-list.md §PKI).
ValidationUse = Literal["document_signing", "status_signing", "registry_signing"]
DOCUMENT_SIGNING_OID = x509.ObjectIdentifier("2.25.211941832160840811951713108132877151991.1")
STATUS_SIGNING_OID = x509.ObjectIdentifier("2.25.211941832160840811951713108132877151991.2")
USE_OIDS: dict[str, x509.ObjectIdentifier] = {
    "document_signing": DOCUMENT_SIGNING_OID,
    "status_signing": STATUS_SIGNING_OID,
}
MAX_X5C = 4  # leaf + up to three intermediates: more is hostile input
_MAX_CERT_BYTES = 16 * 1024

# webpki profiles for CA and leaf, except the EKU: ours is a private OID, checked below.
_EE_POLICY = ExtensionPolicy.webpki_defaults_ee().may_be_present(
    x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None
)
_CA_POLICY = ExtensionPolicy.webpki_defaults_ca()


# -- identifiers, encodings --------------------------------------------------------------------
def cert_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.DER)


def x5t_s256(cert: x509.Certificate | bytes) -> str:
    """RFC 7515 §4.1.8 ``x5t#S256``: unpadded base64url SHA-256 of the certificate DER."""
    der = cert if isinstance(cert, bytes) else cert_der(cert)
    return b64url_encode(hashlib.sha256(der).digest())


def kid_for(cert: x509.Certificate | bytes, framework: str) -> str:
    """``<framework>:x5t#S256:<thumbprint>`` (EHIC PDF QR PoC v0.5 §2.3.1; DOMAIN §1.3)."""
    if not framework or ":" in framework:
        raise ValueError(f"bad trust framework {framework!r}")
    return f"{framework}:x5t#S256:{x5t_s256(cert)}"


def certificate_use(cert: x509.Certificate) -> CertificateUse | None:
    """The issuer use named by the certificate's EKU, or ``None`` (no EKU, or none of ours)."""
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return None
    uses = [use for use, oid in USE_OIDS.items() if oid in eku]
    return uses[0] if len(uses) == 1 else None  # type: ignore[return-value]


def public_key_of(cert: x509.Certificate) -> PublicKey:
    """The certificate's key, if it is one the crypto policy knows (else ``trust.certificate``).

    A certificate parses before its key does: a corrupt or unknown key (curve, algorithm) is
    ``trust.certificate`` too, never a crash."""
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise UntrustedIssuer(
            f"the certificate's public key is unusable: {exc}", code=codes.TRUST_CERTIFICATE
        ) from None
    if not isinstance(
        key,
        ec.EllipticCurvePublicKey
        | ed25519.Ed25519PublicKey
        | rsa.RSAPublicKey
        | mldsa.MLDSA44PublicKey
        | mldsa.MLDSA65PublicKey,
    ):
        raise UntrustedIssuer(
            f"certificate key type {type(key).__name__} is not supported",
            code=codes.TRUST_CERTIFICATE,
        )
    return key


def has_eku(cert: x509.Certificate) -> bool:
    try:
        cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return False
    return True


def load_certificate(data: bytes) -> x509.Certificate:
    """One certificate, PEM or DER."""
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except (ValueError, x509.InvalidVersion) as exc:  # InvalidVersion is no ValueError
        raise MalformedInput(
            f"not an X.509 certificate: {exc}", code=codes.TRUST_CERTIFICATE
        ) from None


def load_pem_certificates(data: bytes) -> tuple[x509.Certificate, ...]:
    """Every certificate of a PEM bundle (at least one)."""
    try:
        certs = tuple(x509.load_pem_x509_certificates(data))
    except (ValueError, x509.InvalidVersion) as exc:
        raise MalformedInput(
            f"not a PEM certificate file: {exc}", code=codes.TRUST_CERTIFICATE
        ) from None
    return certs


def dump_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.PEM)


def dump_der(cert: x509.Certificate) -> bytes:
    return cert_der(cert)


def b64_der(cert: x509.Certificate) -> str:
    """Standard base64 (with padding) of the DER: the x5c (RFC 7515 §4.1.6) and trust-list form."""
    return binascii.b2a_base64(cert_der(cert), newline=False).decode("ascii")


def certificate_from_b64(text: object, *, what: str = "certificate") -> x509.Certificate:
    if not isinstance(text, str) or len(text) > _MAX_CERT_BYTES * 4 // 3 + 4:
        raise MalformedInput(f"{what} is not a base64 DER string", code=codes.TRUST_CERTIFICATE)
    try:
        der = b64_decode(text, what=what)  # RFC 7515 §4.1.6: standard base64, not base64url
    except MalformedInput as exc:
        raise MalformedInput(exc.message, code=codes.TRUST_CERTIFICATE) from None
    return load_certificate(der)


def _self_signed(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer


def x5c_header(chain: Sequence[x509.Certificate]) -> list[str]:
    """The JOSE ``x5c`` value: leaf first, then intermediates; self-signed roots are dropped
    (HAIP 1.0, STANDARDS.md §3: the trust anchor MUST NOT be in ``x5c``)."""
    values = [b64_der(cert) for cert in chain if not _self_signed(cert)]
    if not values:
        raise ValueError("x5c needs at least the leaf certificate")
    return values


def parse_x5c(value: object) -> tuple[x509.Certificate, ...]:
    """The certificates of a JOSE ``x5c`` header: a non-empty array of base64 DER strings."""
    if not isinstance(value, list) or not value:
        raise UntrustedIssuer("the JOSE header has no x5c certificate chain", code=codes.TRUST_X5C)
    if len(value) > MAX_X5C:
        raise MalformedInput(f"x5c has more than {MAX_X5C} certificates", code=codes.TRUST_X5C)
    return tuple(certificate_from_b64(v, what="an x5c member") for v in value)


# -- chain validation -------------------------------------------------------------------------
def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("validation time must be timezone-aware")
    return at.astimezone(UTC)


def validate_chain(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    root: x509.Certificate,
    *,
    at: datetime,
    use: ValidationUse,
) -> tuple[x509.Certificate, ...]:
    """Validate ``leaf`` up to ``root`` (the only anchor) at ``at``; return the built chain.

    The pinned root inside ``intermediates`` is ignored, never required (HAIP: not in x5c). Codes:
    ``trust.cert_not_yet_valid`` / ``trust.cert_expired`` (leaf or intermediate outside its
    validity at ``at``), ``trust.chain`` (does not chain to the root, bad CA or leaf profile),
    ``trust.wrong_use`` (EKU not the one for ``use``; a registry signer must carry no EKU, so an
    issuer certificate can never sign a trust list).
    """
    at = _utc(at)
    root_der = cert_der(root)
    others = [c for c in intermediates if cert_der(c) != root_der]
    for cert in (leaf, *others):
        if at < cert.not_valid_before_utc:
            raise UntrustedIssuer(
                f"certificate {cert.subject.rfc4514_string()} is not valid before "
                f"{cert.not_valid_before_utc.isoformat()}",
                code=codes.TRUST_CERT_NOT_YET_VALID,
            )
        if at > cert.not_valid_after_utc:
            raise UntrustedIssuer(
                f"certificate {cert.subject.rfc4514_string()} expired on "
                f"{cert.not_valid_after_utc.isoformat()}",
                code=codes.TRUST_CERT_EXPIRED,
            )
    verifier = (
        PolicyBuilder()
        .store(Store([root]))
        .time(at)
        .extension_policies(ca_policy=_CA_POLICY, ee_policy=_EE_POLICY)
        .build_client_verifier()
    )
    try:
        chain = tuple(verifier.verify(leaf, others).chain)
    except VerificationError as exc:
        raise UntrustedIssuer(
            f"the certificate does not chain to the pinned registry root: {exc}",
            code=codes.TRUST_CHAIN,
        ) from None
    _check_use(leaf, use)
    return chain


def _check_use(leaf: x509.Certificate, use: ValidationUse) -> None:
    if use == "registry_signing":
        if has_eku(leaf):
            raise UntrustedIssuer(
                "a certificate with an extendedKeyUsage cannot sign registry data",
                code=codes.TRUST_WRONG_USE,
            )
        return
    found = certificate_use(leaf)
    if found != use:
        raise UntrustedIssuer(
            f"the certificate is for {found or 'no civicred use'}, not {use}",
            code=codes.TRUST_WRONG_USE,
        )
