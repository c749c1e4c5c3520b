"""DEV ONLY: a document-signing key and certificate chain for local runs, demos and tests.

NEVER use these in production: production issuers get their document-signing certificate from
the trust registry (docs/trust-list.md §PKI) and sign through an HSM-backed ``Signer``.

The certificates come from the registry's own dev PKI factories (``verifier.trust``): a dev
root CA and under it an issuer leaf with the ``document_signing`` EKU. Files, in ``DIR``::

    private.jwk / private.pem / jwks.json   the leaf key (verifier.signing.write_key_dir, 0600)
    chain.pem                               the leaf certificate (certificate_chain, no root)
    root.pem                                the dev root (trust anchor for PAdES/QR checks)

The dev root's private key is not kept: to renew, delete the directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from issuer.documents._payloads import DocumentError
from verifier.jose import PrivateKey, PublicKey
from verifier.qr import eessi_kid
from verifier.signing import LocalSigner, generate_private_key, load_private_key, write_key_dir
from verifier.trust import (
    create_issuer_certificate,
    create_root_ca,
    dump_pem,
    load_pem_certificates,
)

DEV_ISSUER_ID = "BE:CBSS"
DEV_ISSUER_NAME = "civicred DEV ONLY document signer"
DEV_CREDENTIAL_ISSUER = "https://issuer.civicred.localhost"
DEV_SUBDIR = "documents"
DEV_LEAF_DAYS = 730


@dataclass(frozen=True, slots=True)
class DevPki:
    """A dev signer (with its certificate chain) and the dev root that anchors it."""

    signer: LocalSigner
    root: x509.Certificate


def _dev_chain(
    leaf_key: PrivateKey, now: datetime, *, alg: str, days: int
) -> tuple[x509.Certificate, x509.Certificate]:
    """(leaf, root) for ``leaf_key`` under a fresh dev root whose key is then dropped.

    The window also covers the wall clock, because pyHanko validates PAdES signatures at the
    current time by default.
    """
    wall = datetime.now(UTC)
    start = min(now, wall) - timedelta(days=1)
    end = max(now, wall) + timedelta(days=days)
    root_key = generate_private_key(alg)
    root = create_root_ca(root_key, name="civicred DEV ONLY root", not_before=start, not_after=end)
    leaf = create_issuer_certificate(
        leaf_key.public_key(),
        ca_cert=root,
        ca_key=root_key,
        use="document_signing",
        name=DEV_ISSUER_NAME,
        issuer_id=DEV_ISSUER_ID,
        country="BE",
        credential_issuer=DEV_CREDENTIAL_ISSUER,
        not_before=start,
        not_after=end,
    )
    return leaf, root


def make_dev_pki(now: datetime, *, alg: str = "ES256", days: int = DEV_LEAF_DAYS) -> DevPki:
    """A fresh in-memory dev root + document-signing leaf (DEV ONLY), valid around ``now``."""
    key = generate_private_key(alg)
    leaf, root = _dev_chain(key, now, alg=alg, days=days)
    return DevPki(LocalSigner(key, kid=eessi_kid(leaf), certificate_chain=(leaf,)), root)


def _same_key(cert: x509.Certificate, key: PublicKey) -> bool:
    spki = (Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return cert.public_key().public_bytes(*spki) == key.public_bytes(*spki)


def load_file_signer(
    key_path: Path, chain_path: Path, *, passphrase: bytes | None = None
) -> LocalSigner:
    """A signer from a private key (JWK or PEM) and a PEM chain (leaf first; a self-signed root
    in the file is dropped: the trust anchor never travels with the signature)."""
    key = load_private_key(key_path, passphrase=passphrase)
    try:
        certs = load_pem_certificates(chain_path.read_bytes())
    except OSError as exc:
        raise DocumentError(f"cannot read {chain_path}: {exc.strerror}") from None
    chain = tuple(c for c in certs if c.subject != c.issuer) or certs[:1]
    if not _same_key(chain[0], key.public_key()):
        raise DocumentError(f"the first certificate in {chain_path} is not for {key_path}")
    return LocalSigner(key, kid=eessi_kid(chain[0]), certificate_chain=chain)


def dev_document_signer(keys_dir: Path, *, now: datetime) -> DevPki:
    """The DEV ONLY document signer under ``keys_dir/documents``, created on first use and
    re-created when its certificate no longer covers ``now``."""
    directory = keys_dir / DEV_SUBDIR
    chain_file, root_file, key_file = (
        directory / "chain.pem",
        directory / "root.pem",
        directory / "private.jwk",
    )
    if chain_file.exists() and root_file.exists() and key_file.exists():
        signer = load_file_signer(key_file, chain_file)
        root = load_pem_certificates(root_file.read_bytes())[0]
        leaf = signer.certificate_chain[0]
        if leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
            return DevPki(signer, root)
    key = generate_private_key("ES256")
    leaf, root = _dev_chain(key, now, alg="ES256", days=DEV_LEAF_DAYS)
    write_key_dir(directory, key, alg="ES256")
    chain_file.write_bytes(dump_pem(leaf))
    root_file.write_bytes(dump_pem(root))
    return DevPki(LocalSigner(key, kid=eessi_kid(leaf), certificate_chain=(leaf,)), root)
