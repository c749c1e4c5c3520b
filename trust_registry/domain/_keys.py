"""Public keys from the material an issuer sends: a public JWK or a PKCS#10 CSR."""

from __future__ import annotations

from typing import Any

from cryptography import x509

from trust_registry.domain._errors import BadRequest
from verifier._errors import AlgorithmNotAllowed, MalformedInput
from verifier.jose import PublicKey, algorithm_for_key, public_key_from_jwk

MAX_CSR_BYTES = 16 * 1024


def _usable(key: PublicKey) -> PublicKey:
    try:
        algorithm = algorithm_for_key(key)
    except AlgorithmNotAllowed as exc:
        raise BadRequest(f"unsupported key: {exc.message}") from None
    if algorithm.legacy:
        raise BadRequest(f"{algorithm.name} keys are accepted for verification only")
    return key


def public_key_of_jwk(jwk: dict[str, Any]) -> PublicKey:
    try:
        return _usable(public_key_from_jwk(jwk))
    except MalformedInput as exc:
        raise BadRequest(f"public_jwk: {exc.message}") from None


def public_key_of_csr(pem: str) -> PublicKey:
    """The key of a CSR whose self-signature verifies (proof of possession); its subject is
    ignored: the registry writes the issuer's registered name, id, country and URL."""
    if len(pem) > MAX_CSR_BYTES:
        raise BadRequest("csr is too large")
    try:
        csr = x509.load_pem_x509_csr(pem.encode("ascii"))
        key = csr.public_key()
        valid = csr.is_signature_valid
    except (ValueError, UnicodeEncodeError, TypeError) as exc:
        raise BadRequest(f"csr is not a PEM certificate signing request: {exc}") from None
    if not valid:
        raise BadRequest("csr signature does not verify (no proof of possession)")
    return _usable(key)  # type: ignore[arg-type]
