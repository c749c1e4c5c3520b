"""Signers and keys: the ``Signer`` protocol, a local implementation, key files."""

from verifier.signing._keys import (
    generate_private_key,
    load_private_key,
    load_public_jwk,
    load_signer,
    public_jwk_with_kid,
    write_key_dir,
    write_private_file,
)
from verifier.signing._signer import LocalSigner, Signer

__all__ = [
    "LocalSigner",
    "Signer",
    "generate_private_key",
    "load_private_key",
    "load_public_jwk",
    "load_signer",
    "public_jwk_with_kid",
    "write_key_dir",
    "write_private_file",
]
