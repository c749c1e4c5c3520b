"""Key generation and a file keystore.

Layout written by :func:`write_key_dir` (the ``civicred keys generate`` contract)::

    DIR/private.jwk   private JWK (JSON, with "kid" and "alg"), mode 0600
    DIR/private.pem   PKCS#8 PEM, optionally passphrase-encrypted, mode 0600
    DIR/jwks.json     public JWK Set {"keys": [{..., "kid", "alg", "use": "sig"}]}

``kid`` is the RFC 7638 thumbprint of the public key. Private files are created with
``O_EXCL``-free atomic writes and mode 0600 from the first byte (never world-readable).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa

from verifier._errors import KeyStoreError, MalformedInput
from verifier.jose import (
    ALGORITHMS,
    DEFAULT_ALGORITHM,
    EC_CURVES,
    PrivateKey,
    PublicKey,
    describe_key,
    jwk_from_private_key,
    jwk_from_public_key,
    jwk_thumbprint,
    key_type,
    private_key_from_jwk,
    public_key_from_jwk,
)
from verifier.signing._signer import LocalSigner


def generate_private_key(alg: str = DEFAULT_ALGORITHM) -> PrivateKey:
    """A new key for ``alg``, on the curve the crypto policy binds to it (ES256: P-256…)."""
    algorithm = ALGORITHMS.get(alg)
    if algorithm is None or algorithm.legacy:
        raise KeyStoreError(f"cannot generate keys for algorithm {alg!r}")
    if algorithm.family == "EC":
        return ec.generate_private_key(EC_CURVES[str(algorithm.curve)])
    if algorithm.family == "OKP":
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm.curve == "ML-DSA-44":
        return mldsa.MLDSA44PrivateKey.generate()
    return mldsa.MLDSA65PrivateKey.generate()


def public_jwk_with_kid(key: PublicKey, alg: str | None = None) -> dict[str, Any]:
    jwk: dict[str, Any] = jwk_from_public_key(key)
    jwk["kid"] = jwk_thumbprint(jwk)
    if alg:
        jwk["alg"] = alg
    jwk["use"] = "sig"
    return jwk


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` atomically with mode 0600 from the first byte (never world-readable)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def write_key_dir(
    directory: Path, key: PrivateKey, *, alg: str, passphrase: bytes | None = None
) -> dict[str, Any]:
    """Write the three key files; return the public JWK (with kid)."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    public = public_jwk_with_kid(key.public_key(), alg)
    private = {**jwk_from_private_key(key), "kid": public["kid"], "alg": alg}
    write_private_file(directory / "private.jwk", json.dumps(private, indent=2).encode() + b"\n")
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    write_private_file(directory / "private.pem", pem)
    (directory / "jwks.json").write_text(json.dumps({"keys": [public]}, indent=2) + "\n")
    return public


def load_private_key(path: Path, *, passphrase: bytes | None = None) -> PrivateKey:
    """A private key from a JWK (JSON) or PEM (PKCS#8/SEC1, optionally encrypted) file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyStoreError(f"cannot read key file {path}: {exc.strerror}") from None
    if data.lstrip().startswith(b"{"):
        try:
            return private_key_from_jwk(json.loads(data))
        except (ValueError, MalformedInput) as exc:
            raise KeyStoreError(f"{path} is not a private JWK: {exc}") from None
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except (ValueError, TypeError) as exc:
        raise KeyStoreError(f"{path} is not a readable private key: {exc}") from None
    if key_type(key) is None:  # e.g. secp256k1, P-521, RSA < 2048, DSA, Ed448
        raise KeyStoreError(f"{path}: unsupported key type {describe_key(key)}")
    return key  # type: ignore[return-value]


def load_signer(path: Path, *, passphrase: bytes | None = None) -> LocalSigner:
    """A signer from a key file; a JWK's own ``kid`` is kept, else the RFC 7638 thumbprint."""
    key = load_private_key(path, passphrase=passphrase)
    kid = None
    if path.read_bytes().lstrip().startswith(b"{"):
        stored = json.loads(path.read_bytes()).get("kid")
        kid = stored if isinstance(stored, str) else None
    return LocalSigner(key, kid=kid)


def load_public_jwk(path: Path) -> dict[str, Any]:
    """A public JWK from a JWK file, a JWKS with one key, or a private JWK (public part)."""
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise KeyStoreError(f"cannot read JWK file {path}: {exc}") from None
    if isinstance(value, dict) and isinstance(value.get("keys"), list) and len(value["keys"]) == 1:
        value = value["keys"][0]
    if not isinstance(value, dict):
        raise KeyStoreError(f"{path} does not hold a JWK")
    jwk = jwk_from_public_key(_public_of(value))
    return jwk


def _public_of(jwk: dict[str, Any]) -> PublicKey:
    try:
        if "d" in jwk or "priv" in jwk:
            return private_key_from_jwk(jwk).public_key()
        return public_key_from_jwk(jwk)
    except MalformedInput as exc:
        raise KeyStoreError(str(exc)) from None
