"""Compact JWE (RFC 7516 §7.1) with ECDH-ES in Direct Key Agreement mode (RFC 7518 §4.6) and
AES GCM (RFC 7518 §5.3): what an encrypted OpenID4VP response is (``direct_post.jwt``, OpenID4VP
1.0 §8.3). The algorithms come from an :class:`EncryptionPolicy` (docs/crypto-policy.md).

Decryption never trusts the token: ``alg`` and ``enc`` must be in the caller's policy, the
ephemeral key must lie on the agreement's curve, compression (``zip``) and critical extensions
(``crit``) are refused, and every failure is a :class:`MalformedInput` with the code
``input.jwe`` (or ``jws.alg`` for an algorithm outside the policy), never a traceback.
"""

from __future__ import annotations

import secrets
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash

from verifier import codes
from verifier._errors import MalformedInput
from verifier.jose._algorithms import (
    EC_CURVES,
    ContentEncryption,
    EncryptionPolicy,
    KeyAgreement,
)
from verifier.jose._b64 import b64url_decode, b64url_encode
from verifier.jose._json import dumps_compact, loads_object
from verifier.jose._jwk import jwk_from_public_key, public_key_from_jwk

#: A JWE this large holds more than any presentation a desk asks for (the SD-JWT limit is 256 k).
MAX_JWE_CHARS = 512 * 1024
_IV_BYTES = 12  # RFC 7518 §5.3: a 96-bit IV
_TAG_BYTES = 16  # RFC 7518 §5.3: a 128-bit authentication tag


@dataclass(frozen=True, slots=True)
class DecryptedJwe:
    header: dict[str, Any]
    plaintext: bytes


def decrypt_compact(
    token: object,
    key: ec.EllipticCurvePrivateKey,
    policy: EncryptionPolicy,
    *,
    max_chars: int = MAX_JWE_CHARS,
) -> DecryptedJwe:
    """Decrypt a compact JWE addressed to ``key`` (RFC 7516 §5.2)."""
    if not isinstance(token, str):
        raise MalformedInput("the JWE is not text", code=codes.INPUT_JWE)
    if len(token) > max_chars:
        raise MalformedInput(f"the JWE exceeds {max_chars} characters", code=codes.INPUT_SIZE)
    parts = token.split(".")
    if len(parts) != 5:
        raise MalformedInput("a compact JWE has five parts", code=codes.INPUT_JWE)
    header_b64, encrypted_key, iv_b64, ciphertext_b64, tag_b64 = parts
    header = loads_object(b64url_decode(header_b64, what="JWE header"), what="JWE header")
    if "crit" in header:  # RFC 7516 §4.1.13: we understand no extension
        raise MalformedInput("the JWE header has critical parameters", code=codes.INPUT_JWE)
    if "zip" in header:  # no compression: a small JWE never inflates into a large plaintext
        raise MalformedInput("compressed JWEs are not accepted", code=codes.INPUT_JWE)
    agreement = policy.key_agreement(header.get("alg"))
    content = policy.content_encryption(header.get("enc"))
    if encrypted_key:  # RFC 7518 §4.6: Direct Key Agreement, the JWE Encrypted Key is empty
        raise MalformedInput(
            "ECDH-ES direct: the encrypted key must be empty", code=codes.INPUT_JWE
        )
    if not agreement.matches(key):
        raise MalformedInput(f"the recipient key is not on {agreement.curve}", code=codes.INPUT_JWE)
    ephemeral = _ephemeral_key(header.get("epk"), agreement)
    apu = _party_info(header, "apu")
    apv = _party_info(header, "apv")
    iv = b64url_decode(iv_b64, what="JWE IV")
    tag = b64url_decode(tag_b64, what="JWE tag")
    if len(iv) != _IV_BYTES or len(tag) != _TAG_BYTES:
        raise MalformedInput("the JWE IV or tag has the wrong length", code=codes.INPUT_JWE)
    ciphertext = b64url_decode(ciphertext_b64, what="JWE ciphertext")
    cek = _content_key(key.exchange(ec.ECDH(), ephemeral), agreement, content, apu, apv)
    try:  # RFC 7516 §5.2 step 14: the AAD is the ASCII of the encoded protected header
        plaintext = AESGCM(cek).decrypt(iv, ciphertext + tag, header_b64.encode("ascii"))
    except InvalidTag:
        raise MalformedInput(
            "the JWE does not decrypt with this key", code=codes.INPUT_JWE
        ) from None
    return DecryptedJwe(header, plaintext)


def encrypt_compact(
    plaintext: bytes,
    recipient: ec.EllipticCurvePublicKey,
    policy: EncryptionPolicy,
    *,
    alg: str,
    enc: str,
    header: Mapping[str, Any] | None = None,
    apu: bytes = b"",
    apv: bytes = b"",
) -> str:
    """Encrypt ``plaintext`` to ``recipient`` with a fresh ephemeral key (RFC 7516 §5.1): what a
    wallet does with the verifier's key; ``header`` adds members such as ``kid``."""
    agreement = policy.key_agreement(alg)
    content = policy.content_encryption(enc)
    if not agreement.matches(recipient):
        raise MalformedInput(f"the recipient key is not on {agreement.curve}", code=codes.INPUT_JWE)
    ephemeral = ec.generate_private_key(EC_CURVES[agreement.curve])
    protected: dict[str, Any] = {**(header or {}), "alg": alg, "enc": enc}
    protected["epk"] = jwk_from_public_key(ephemeral.public_key())
    if apu:
        protected["apu"] = b64url_encode(apu)
    if apv:
        protected["apv"] = b64url_encode(apv)
    header_b64 = b64url_encode(dumps_compact(protected).encode("utf-8"))
    cek = _content_key(ephemeral.exchange(ec.ECDH(), recipient), agreement, content, apu, apv)
    iv = secrets.token_bytes(_IV_BYTES)
    sealed = AESGCM(cek).encrypt(iv, plaintext, header_b64.encode("ascii"))
    ciphertext, tag = sealed[:-_TAG_BYTES], sealed[-_TAG_BYTES:]
    return ".".join(
        (header_b64, "", b64url_encode(iv), b64url_encode(ciphertext), b64url_encode(tag))
    )


def _ephemeral_key(epk: object, agreement: KeyAgreement) -> ec.EllipticCurvePublicKey:
    key = public_key_from_jwk(epk)  # an EC point is validated on load
    if not isinstance(key, ec.EllipticCurvePublicKey) or not agreement.matches(key):
        raise MalformedInput(f"the JWE epk is not a {agreement.curve} key", code=codes.INPUT_JWE)
    return key


def _party_info(header: Mapping[str, Any], name: str) -> bytes:
    value = header.get(name)
    if value is None:
        return b""
    if not isinstance(value, str):
        raise MalformedInput(f"the JWE {name} is not a string", code=codes.INPUT_JWE)
    return b64url_decode(value, what=f"JWE {name}")


def _content_key(
    shared: bytes, agreement: KeyAgreement, content: ContentEncryption, apu: bytes, apv: bytes
) -> bytes:
    """RFC 7518 §4.6.2: Concat KDF; AlgorithmID is the ``enc`` value (Direct Key Agreement)."""

    def field(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data

    other = (
        field(content.name.encode("ascii"))
        + field(apu)
        + field(apv)
        + struct.pack(">I", content.key_bytes * 8)
    )
    kdf = ConcatKDFHash(algorithm=agreement.kdf_hash, length=content.key_bytes, otherinfo=other)
    return kdf.derive(shared)
