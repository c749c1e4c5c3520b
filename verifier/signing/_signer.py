"""The ``Signer`` seam: everything that signs goes through it.

A PKCS#11/HSM backend implements the same protocol (``algorithm``, ``kid``, ``public_key()``,
``sign()``, ``certificate_chain``) and callers do not change.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cryptography import x509

from verifier.jose import (
    Algorithm,
    PrivateKey,
    PublicKey,
    algorithm_for_key,
    jwk_from_public_key,
    jwk_thumbprint,
)


@runtime_checkable
class Signer(Protocol):
    @property
    def algorithm(self) -> Algorithm: ...

    @property
    def kid(self) -> str: ...

    @property
    def certificate_chain(self) -> tuple[x509.Certificate, ...]:
        """Leaf first, then intermediates; never the trust anchor (HAIP). Empty without PKI."""
        ...

    def public_key(self) -> PublicKey: ...

    def sign(self, message: bytes) -> bytes:
        """The JOSE-encoded signature (raw ``r||s`` for ECDSA) over ``message``."""
        ...


class LocalSigner:
    """A signer holding its private key in process memory (dev, tests, software keystores)."""

    def __init__(
        self,
        private_key: PrivateKey,
        *,
        kid: str | None = None,
        certificate_chain: tuple[x509.Certificate, ...] = (),
    ) -> None:
        self._key = private_key
        self._algorithm = algorithm_for_key(private_key)
        self._public = private_key.public_key()
        self._kid = kid or jwk_thumbprint(jwk_from_public_key(self._public))
        self._chain = certificate_chain

    @property
    def algorithm(self) -> Algorithm:
        return self._algorithm

    @property
    def kid(self) -> str:
        return self._kid

    @property
    def certificate_chain(self) -> tuple[x509.Certificate, ...]:
        return self._chain

    def public_key(self) -> PublicKey:
        return self._public

    def sign(self, message: bytes) -> bytes:
        return self._algorithm.sign(self._key, message)

    def __repr__(self) -> str:  # never print key material
        return f"LocalSigner(alg={self._algorithm.name}, kid={self._kid!r})"
