"""The issuer's signing keys and their certificates from the trust registry.

Two keys, one per use (docs/trust-list.md): ``document_signing`` (SD-JWT VCs, QR documents, PDFs)
and ``status_signing`` (status and revocation lists). Keys live in ``keys_dir/<use>/`` (private
files mode 0600); the certificate chain the registry returned is ``chain.pem`` beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from issuer.registry_client import RegistryClient
from verifier.jose import jwk_from_public_key
from verifier.signing import LocalSigner, generate_private_key, load_private_key, write_key_dir
from verifier.trust import kid_for, x5t_s256

USES = ("document_signing", "status_signing")


@dataclass(frozen=True)
class Keyring:
    document: LocalSigner
    status: LocalSigner

    @classmethod
    def load_or_create(
        cls, keys_dir: Path, *, issuer_id: str, registry: RegistryClient | None
    ) -> Keyring:
        """Keys generated on first use; certificates requested (and activated) when missing."""
        signers = {}
        for use in USES:
            directory = keys_dir / use
            if not (directory / "private.jwk").exists():
                write_key_dir(directory, generate_private_key("ES256"), alg="ES256")
            key = load_private_key(directory / "private.jwk")
            chain_file = directory / "chain.pem"
            if not chain_file.exists():
                if registry is None:
                    raise FileNotFoundError(
                        f"{chain_file} is missing and no registry is configured"
                    )
                chain = registry.certify(issuer_id, jwk_from_public_key(key.public_key()), use)
                registry.activate(x5t_s256(chain[0]))
                chain_file.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in chain))
            chain = tuple(x509.load_pem_x509_certificates(chain_file.read_bytes()))
            framework = "BE-SSH"
            signers[use] = LocalSigner(
                key, kid=kid_for(chain[0], framework), certificate_chain=chain
            )
        return cls(document=signers["document_signing"], status=signers["status_signing"])
