"""Bootstrap and load the registry PKI (certificate factories: ``verifier.trust``).

Layout of the PKI directory (private files mode 0600, the directory 0700)::

    root.pem                  the root CA certificate: verifiers pin it (also GET /root.pem)
    root-key.pem              the root key, PKCS#8 encrypted with the root passphrase
    registry-signing.pem      the registry signing certificate (no EKU), issued by the root
    registry-signing/         its key (``civicred keys generate`` layout: private.jwk/.pem, jwks)

The default passphrase (``settings.DEV_ROOT_PASSPHRASE``) is DEV ONLY.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from verifier import KeyStoreError
from verifier.jose import PrivateKey, PublicKey
from verifier.signing import (
    LocalSigner,
    generate_private_key,
    load_private_key,
    write_key_dir,
    write_private_file,
)
from verifier.trust import (
    CertificateUse,
    create_issuer_certificate,
    create_registry_certificate,
    create_root_ca,
    dump_pem,
    load_certificate,
)

log = logging.getLogger(__name__)
ROOT_VALIDITY = timedelta(days=20 * 365)
REGISTRY_CERT_VALIDITY = timedelta(days=2 * 365)
#: The registry signing certificate is renewed (new key) when it expires sooner than this.
RENEW_BEFORE = timedelta(days=30)
#: Backdating of new certificates: tolerates clock skew between registry and verifiers.
SKEW = timedelta(minutes=5)


class PkiError(Exception):
    """The PKI directory cannot be used (wrong passphrase, unreadable or inconsistent files)."""


class CertificateAuthority:
    """The root CA (issues issuer certificates) and the registry signer (signs trust lists)."""

    def __init__(self, root: x509.Certificate, root_key: PrivateKey, signer: LocalSigner) -> None:
        self.root = root
        self._root_key = root_key
        self.signer = signer

    @property
    def root_pem(self) -> bytes:
        return dump_pem(self.root)

    @classmethod
    def load_or_create(
        cls, directory: Path, *, passphrase: bytes, registry_uri: str, now: datetime
    ) -> CertificateAuthority:
        """Load the PKI from ``directory``; create what is missing (first start); renew the
        registry signing certificate when it is about to expire."""
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        root_file, root_key_file = directory / "root.pem", directory / "root-key.pem"
        if root_file.exists() != root_key_file.exists():
            raise PkiError(f"{directory}: root.pem and root-key.pem must both exist or neither")
        if not root_file.exists():
            log.warning("creating a new registry root CA in %s", directory)
            root_key = generate_private_key("ES256")
            root = create_root_ca(
                root_key,
                name="civicred trust registry root CA",
                not_before=now - SKEW,
                not_after=now + ROOT_VALIDITY,
            )
            encrypted = root_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(passphrase),
            )
            write_private_file(root_key_file, encrypted)
            root_file.write_bytes(dump_pem(root))
        try:
            root = load_certificate(root_file.read_bytes())
            root_key = load_private_key(root_key_file, passphrase=passphrase)
        except KeyStoreError as exc:
            raise PkiError(f"cannot open the root key (wrong passphrase?): {exc}") from None
        if root_key.public_key() != root.public_key():
            raise PkiError(f"{root_key_file} is not the key of {root_file}")
        signer = cls._registry_signer(directory, root, root_key, registry_uri, now)
        return cls(root, root_key, signer)

    @staticmethod
    def _registry_signer(
        directory: Path,
        root: x509.Certificate,
        root_key: PrivateKey,
        registry_uri: str,
        now: datetime,
    ) -> LocalSigner:
        cert_file, key_dir = directory / "registry-signing.pem", directory / "registry-signing"
        cert: x509.Certificate | None = None
        key: PrivateKey | None = None
        if cert_file.exists() and (key_dir / "private.pem").exists():
            cert = load_certificate(cert_file.read_bytes())
            key = load_private_key(key_dir / "private.pem")
            if (
                cert.not_valid_after_utc - now < RENEW_BEFORE
                or key.public_key() != cert.public_key()
            ):
                log.warning("renewing the registry signing certificate")
                cert = None
        if cert is None or key is None:
            key = generate_private_key("ES256")
            write_key_dir(key_dir, key, alg="ES256")
            cert = create_registry_certificate(
                key.public_key(),
                ca_cert=root,
                ca_key=root_key,
                name="civicred trust registry signing",
                uri=registry_uri,
                not_before=now - SKEW,
                not_after=min(now + REGISTRY_CERT_VALIDITY, root.not_valid_after_utc),
            )
            cert_file.write_bytes(dump_pem(cert))
        return LocalSigner(key, certificate_chain=(cert,))

    def issue(
        self,
        public_key: PublicKey,
        *,
        use: CertificateUse,
        name: str,
        issuer_id: str,
        country: str,
        credential_issuer: str,
        not_before: datetime,
        not_after: datetime,
    ) -> x509.Certificate:
        """An issuer leaf certificate for ``public_key``, clipped to the root's validity."""
        return create_issuer_certificate(
            public_key,
            ca_cert=self.root,
            ca_key=self._root_key,
            use=use,
            name=name,
            issuer_id=issuer_id,
            country=country,
            credential_issuer=credential_issuer,
            not_before=max(not_before, self.root.not_valid_before_utc),
            not_after=min(not_after, self.root.not_valid_after_utc),
        )
