"""The desk's identity towards wallets (OpenID4VP 1.0 §5.9.3, docs/desk.md §Identity): the key
that signs its request objects and that key's certificate chain, leaf first; the client id is
``x509_hash:`` of the leaf.

In production the key and the chain come from files (``--request-key``, ``--request-certificates``:
a relying-party access certificate issued under a scheme the wallets trust). Without them the
desk makes a DEV-ONLY root and leaf on first start, under ``identity_dir``, and keeps them for
the next starts (the client id stays the same); a test wallet trusts that root. Nothing here is
fetched from anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from verifier import CivicredError, MalformedInput
from verifier.oid4vp import x509_hash_client_id
from verifier.signing import LocalSigner, generate_private_key, load_private_key, write_private_file
from verifier.trust import (
    create_root_ca,
    create_verifier_certificate,
    dump_pem,
    load_pem_certificates,
)

DEV_ROOT_FILE = "verifier-root.DEV-ONLY.pem"
DEV_KEY_FILE = "request-key.DEV-ONLY.pem"
DEV_CHAIN_FILE = "request-certificates.DEV-ONLY.pem"
_DEV_ROOT_DAYS = 3650
_DEV_LEAF_DAYS = 365


class IdentityError(CivicredError):
    """The request-signing key or its certificates cannot be used."""


@dataclass(frozen=True)
class VerifierIdentity:
    signer: LocalSigner
    client_id: str
    #: The DEV-ONLY root that issued the leaf (``None`` for an identity from files).
    dev_root: x509.Certificate | None = None

    @property
    def leaf(self) -> x509.Certificate:
        return self.signer.certificate_chain[0]


def load_identity(
    *,
    key: Path | None,
    certificates: Path | None,
    dev_dir: Path,
    dns_name: str,
    now: datetime,
) -> VerifierIdentity:
    """The configured identity, or the DEV-ONLY one under ``dev_dir`` (made when absent or
    when its leaf is no longer valid at ``now``)."""
    if (key is None) != (certificates is None):
        raise IdentityError("give both the request key and its certificates, or neither")
    if key is not None and certificates is not None:
        return _from_files(key, certificates, now)
    leaf_file, key_file = dev_dir / DEV_CHAIN_FILE, dev_dir / DEV_KEY_FILE
    if leaf_file.exists() and key_file.exists():
        try:
            return _from_files(key_file, leaf_file, now + timedelta(days=1), dev=True)
        except IdentityError:  # DEV-ONLY: made again when it no longer serves
            pass
    return _make_dev(dev_dir, dns_name, now)


def _from_files(
    key: Path, certificates: Path, now: datetime, *, dev: bool = False
) -> VerifierIdentity:
    try:
        private = load_private_key(key)
        chain = load_pem_certificates(certificates.read_bytes())
    except (CivicredError, OSError) as exc:
        message = exc.message if isinstance(exc, MalformedInput) else str(exc)
        raise IdentityError(f"cannot use the request-signing identity: {message}") from None
    leaf = chain[0]
    if leaf.public_key() != private.public_key():
        raise IdentityError(f"{key} is not the key of the first certificate in {certificates}")
    if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
        raise IdentityError(f"the request-signing certificate in {certificates} is not valid now")
    signer = LocalSigner(private, certificate_chain=tuple(chain))
    root = chain[-1] if dev and len(chain) > 1 else None
    return VerifierIdentity(signer, x509_hash_client_id(leaf), root)


def _make_dev(folder: Path, dns_name: str, now: datetime) -> VerifierIdentity:
    """DEV-ONLY: a root and the request-signing leaf it issues, written under ``folder``."""
    start = now - timedelta(minutes=5)
    root_key, key = generate_private_key("ES256"), generate_private_key("ES256")
    root = create_root_ca(root_key, name="civicred desk verifiers DEV-ONLY", not_before=start,
                          not_after=start + timedelta(days=_DEV_ROOT_DAYS))  # fmt: skip
    leaf = create_verifier_certificate(
        key.public_key(), ca_cert=root, ca_key=root_key, name=f"civicred desk {dns_name} DEV-ONLY",
        dns_name=dns_name, not_before=start, not_after=start + timedelta(days=_DEV_LEAF_DAYS),
    )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())  # fmt: skip
    write_private_file(folder / DEV_KEY_FILE, pem)
    (folder / DEV_CHAIN_FILE).write_bytes(dump_pem(leaf) + dump_pem(root))
    (folder / DEV_ROOT_FILE).write_bytes(dump_pem(root))
    signer = LocalSigner(key, certificate_chain=(leaf, root))
    return VerifierIdentity(signer, x509_hash_client_id(leaf), root)
