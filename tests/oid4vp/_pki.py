"""A verifier identity made at test time: a DEV root and the request-signing leaf it issued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509

from verifier.jose import PrivateKey
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import create_root_ca, create_verifier_certificate


@dataclass(frozen=True)
class Identity:
    signer: LocalSigner
    root: x509.Certificate
    key: PrivateKey

    @property
    def leaf(self) -> x509.Certificate:
        return self.signer.certificate_chain[0]


def make_identity(now: datetime | None = None, *, days: int = 30) -> Identity:
    now = now or datetime.now(UTC)
    ca_key = generate_private_key("ES256")
    start, end = now - timedelta(days=1), now + timedelta(days=days)
    root = create_root_ca(ca_key, name="test verifiers CA", not_before=start, not_after=end)
    key = generate_private_key("ES256")
    leaf = create_verifier_certificate(key.public_key(), ca_cert=root, ca_key=ca_key,
                                       name="museum desk", dns_name="museum.example",
                                       not_before=start, not_after=end)  # fmt: skip
    return Identity(LocalSigner(key, certificate_chain=(leaf, root)), root, key)
