"""Dev PKI factories (docs/trust-list.md §PKI): the registry uses them for its dev root, tests
for a PKI generated at test time. Validity windows are always explicit; nothing reads the clock.
"""

from __future__ import annotations

from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, rsa
from cryptography.x509.oid import NameOID

from verifier.jose import PrivateKey, PublicKey
from verifier.trust._pki import USE_OIDS, CertificateUse

_KU_CA = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
_KU_SIGN = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
#: Document signing also seals PDFs (PAdES): a seal's certificate asserts nonRepudiation
#: (contentCommitment) as ETSI EN 319 412-2 §4.3.2 profiles and Adobe expect; it is also
#: pyHanko's default signer key-usage requirement.
_KU_DOCUMENT = x509.KeyUsage(True, True, False, False, False, False, False, False, False)


def _hash_for(key: PrivateKey) -> hashes.SHA256 | hashes.SHA384 | None:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return hashes.SHA384() if key.curve.key_size == 384 else hashes.SHA256()
    if isinstance(key, rsa.RSAPrivateKey):
        return hashes.SHA256()
    assert isinstance(
        key, ed25519.Ed25519PrivateKey | mldsa.MLDSA44PrivateKey | mldsa.MLDSA65PrivateKey
    )
    return None  # the algorithm fixes its own hash


def _name(
    common_name: str, organization: str | None = None, country: str | None = None
) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if country:
        attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, country))
    return x509.Name(attrs)


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: PublicKey,
    not_before: datetime,
    not_after: datetime,
) -> x509.CertificateBuilder:
    if not_before.tzinfo is None or not_after.tzinfo is None or not_after <= not_before:
        raise ValueError("validity needs timezone-aware not_before < not_after")
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def create_root_ca(
    key: PrivateKey, *, name: str, not_before: datetime, not_after: datetime
) -> x509.Certificate:
    """A self-signed root: CA:true, pathLen 1 (one intermediate level allowed), keyCertSign."""
    subject = _name(name)
    builder = (
        _builder(subject, subject, key.public_key(), not_before, not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_KU_CA, critical=True)
    )
    return builder.sign(key, _hash_for(key))


def _leaf(
    builder: x509.CertificateBuilder,
    ca_cert: x509.Certificate,
    ca_key: PrivateKey,
    uri: str,
    usage: x509.KeyUsage = _KU_SIGN,
) -> x509.Certificate:
    builder = (
        builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            ),
            critical=False,
        )
        .add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(uri)]), critical=False
        )
    )
    return builder.sign(ca_key, _hash_for(ca_key))


def create_registry_certificate(
    public_key: PublicKey,
    *,
    ca_cert: x509.Certificate,
    ca_key: PrivateKey,
    name: str,
    uri: str,
    not_before: datetime,
    not_after: datetime,
) -> x509.Certificate:
    """The registry signing certificate: KU digitalSignature, **no EKU** (trust-list.md §PKI)."""
    builder = _builder(_name(name), ca_cert.subject, public_key, not_before, not_after)
    return _leaf(builder, ca_cert, ca_key, uri)


def create_issuer_certificate(
    public_key: PublicKey,
    *,
    ca_cert: x509.Certificate,
    ca_key: PrivateKey,
    use: CertificateUse,
    name: str,
    issuer_id: str,
    country: str,
    credential_issuer: str,
    not_before: datetime,
    not_after: datetime,
) -> x509.Certificate:
    """An issuer leaf: ``CN=name, O=issuer id, C=country``, SAN URI = ``credential_issuer``,
    CA:false, KU digitalSignature (document signing: and nonRepudiation, for PDF seals),
    EKU = the OID of ``use``."""
    if use not in USE_OIDS:
        raise ValueError(f"unknown certificate use {use!r}")
    subject = _name(name, issuer_id, country)
    builder = _builder(subject, ca_cert.subject, public_key, not_before, not_after).add_extension(
        x509.ExtendedKeyUsage([USE_OIDS[use]]), critical=False
    )
    usage = _KU_DOCUMENT if use == "document_signing" else _KU_SIGN
    return _leaf(builder, ca_cert, ca_key, credential_issuer, usage)


def create_verifier_certificate(
    public_key: PublicKey,
    *,
    ca_cert: x509.Certificate,
    ca_key: PrivateKey,
    name: str,
    dns_name: str,
    not_before: datetime,
    not_after: datetime,
) -> x509.Certificate:
    """A verifier's (relying party's) request-signing leaf: ``CN=name``, SAN dNSName
    ``dns_name``, CA:false, KU digitalSignature, no EKU. An OpenID4VP client id names it by its
    hash (``x509_hash``) or its DNS name (``x509_san_dns``, OpenID4VP 1.0 §5.9.3)."""
    builder = (
        _builder(_name(name), ca_cert.subject, public_key, not_before, not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_KU_SIGN, critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            ),
            critical=False,
        )
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
    )
    return builder.sign(ca_key, _hash_for(ca_key))
