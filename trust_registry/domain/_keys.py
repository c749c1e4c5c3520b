"""Public keys from the material an issuer sends: a public JWK, a PKCS#10 CSR or a certificate
made elsewhere. One rule for all three: the crypto policy's (``algorithm_for_key``: ES256 only
on P-256, ES384 on P-384, RFC 7518 §3.4; Ed25519; ML-DSA), never a legacy algorithm."""

from __future__ import annotations

from typing import Any

from cryptography import x509

from trust_registry.domain._errors import BadRequest
from verifier import AlgorithmNotAllowed, MalformedInput
from verifier.jose import PublicKey, algorithm_for_key, public_key_from_jwk

MAX_CSR_BYTES = 16 * 1024


def _usable(key: object) -> PublicKey:
    try:
        algorithm = algorithm_for_key(key)
    except AlgorithmNotAllowed as exc:
        raise BadRequest(f"unsupported key: {exc.message}") from None
    if algorithm.legacy:
        raise BadRequest(f"{algorithm.name} keys are accepted for verification only")
    return key  # type: ignore[return-value]


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
    return _usable(key)


def public_key_of_certificate(cert: x509.Certificate) -> PublicKey:
    """The key of a certificate issued elsewhere, under the same rule as a CSR's."""
    return _usable(cert.public_key())
