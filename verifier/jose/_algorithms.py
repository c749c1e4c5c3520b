"""The crypto policy: every signature algorithm civicred knows, in one table.

Nothing else in the code base names a curve, a hash or a signature encoding. An algorithm is bound
to exactly one key type *and curve* (:func:`key_type`), so a key can never be used with an
algorithm it was not made for (no algorithm or curve confusion, RFC 8725 §2.1/§3.1; ES256 is
P-256 + SHA-256 and ES384 P-384 + SHA-384, RFC 7518 §3.4). ``none`` and MAC algorithms are not in the table at all.

JOSE names: RFC 7518 (ES256/ES384/RS256/PS256), RFC 8037 and RFC 9864 (EdDSA, Ed25519),
draft-ietf-cose-dilithium (ML-DSA-44/65, key type ``AKP``). Encryption (JWE, RFC 7516): the key
agreement and content encryption algorithms of RFC 7518 §4.6 and §5.3 that OpenID4VP responses
use (:data:`RESPONSE_ENCRYPTION`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, TypeAlias

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from verifier._errors import AlgorithmNotAllowed

PublicKey: TypeAlias = (
    ec.EllipticCurvePublicKey
    | ed25519.Ed25519PublicKey
    | rsa.RSAPublicKey
    | mldsa.MLDSA44PublicKey
    | mldsa.MLDSA65PublicKey
)
PrivateKey: TypeAlias = (
    ec.EllipticCurvePrivateKey
    | ed25519.Ed25519PrivateKey
    | rsa.RSAPrivateKey
    | mldsa.MLDSA44PrivateKey
    | mldsa.MLDSA65PrivateKey
)
KeyFamily = Literal["EC", "OKP", "RSA", "AKP"]
#: ``(family, curve)``: the JWK ``crv`` of EC/OKP keys, the ML-DSA parameter set, ``None`` for RSA.
KeyType: TypeAlias = tuple[KeyFamily, str | None]


@dataclass(frozen=True)
class Algorithm:
    """One signature algorithm with its key type, wire encoding and COSE identifier."""

    name: str
    family: KeyFamily
    curve: str | None  # JWK "crv" (EC/OKP) or the ML-DSA parameter set (AKP)
    cose_id: int
    legacy: bool = False  # accepted on verify where a spec demands it; never chosen by our issuer

    # -- key matching -----------------------------------------------------------------------
    def matches(self, key: PublicKey | PrivateKey) -> bool:
        """Is ``key`` of this algorithm's key type *and* curve (RFC 7518 §3.4: ES256 is P-256,
        ES384 is P-384; RFC 8037: EdDSA here is Ed25519 only; RSA at least 2048 bits)?"""
        return key_type(key) == (self.family, self.curve)

    # -- signatures --------------------------------------------------------------------------
    def sign(self, key: PrivateKey, message: bytes) -> bytes:
        if not self.matches(key):
            raise AlgorithmNotAllowed(f"key does not match algorithm {self.name}")
        if self.family == "EC":
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            r, s = decode_dss_signature(key.sign(message, ec.ECDSA(_EC_HASH[self.name])))
            size = _EC_SIZE[self.name]
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")  # RFC 7518 §3.4
        if self.family == "RSA":
            assert isinstance(key, rsa.RSAPrivateKey)
            return key.sign(message, _rsa_padding(self.name), hashes.SHA256())
        assert not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey)
        return key.sign(message)

    def verify(self, key: PublicKey, signature: bytes, message: bytes) -> bool:
        """True if ``signature`` over ``message`` verifies with ``key`` under this algorithm."""
        if not self.matches(key):
            return False
        try:
            if self.family == "EC":
                assert isinstance(key, ec.EllipticCurvePublicKey)
                size = _EC_SIZE[self.name]
                if len(signature) != 2 * size:
                    return False
                der = encode_dss_signature(
                    int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
                )
                key.verify(der, message, ec.ECDSA(_EC_HASH[self.name]))
            elif self.family == "RSA":
                assert isinstance(key, rsa.RSAPublicKey)
                key.verify(signature, message, _rsa_padding(self.name), hashes.SHA256())
            else:
                assert not isinstance(key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey)
                key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def _rsa_padding(name: str) -> padding.AsymmetricPadding:
    if name == "PS256":
        return padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    return padding.PKCS1v15()


#: JWK ``crv`` → the curve (RFC 7518 §6.2.1.1). The only EC curves of the policy.
EC_CURVES: Mapping[str, ec.EllipticCurve] = MappingProxyType(
    {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}
)
_CRV_BY_CURVE_NAME = {curve.name: crv for crv, curve in EC_CURVES.items()}
_EC_HASH: dict[str, hashes.HashAlgorithm] = {"ES256": hashes.SHA256(), "ES384": hashes.SHA384()}
_EC_SIZE = {"ES256": 32, "ES384": 48}
_MIN_RSA_BITS = 2048
#: Key classes by family (and the curve or parameter set the class itself fixes).
_KEY_CLASSES: tuple[tuple[tuple[type, ...], KeyFamily, str | None], ...] = (
    ((ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey), "EC", None),
    ((ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey), "OKP", "Ed25519"),
    ((rsa.RSAPublicKey, rsa.RSAPrivateKey), "RSA", None),
    ((mldsa.MLDSA44PublicKey, mldsa.MLDSA44PrivateKey), "AKP", "ML-DSA-44"),
    ((mldsa.MLDSA65PublicKey, mldsa.MLDSA65PrivateKey), "AKP", "ML-DSA-65"),
)
# key class -> (family, curve fixed by the class) or None: isinstance on ABCs is not free and
# classes are few. Only the class is cached: the curve is a property of each key.
_CLASS_CACHE: dict[type, KeyType | None] = {}


def _class_type(kind: type) -> KeyType | None:
    for classes, family, curve in _KEY_CLASSES:
        if issubclass(kind, classes):
            return family, curve
    return None


def key_type(key: object) -> KeyType | None:
    """The policy's name for a key: ``("EC", "P-256")``, ``("OKP", "Ed25519")``,
    ``("RSA", None)``, ``("AKP", "ML-DSA-44")``…; ``None`` for a key no algorithm may use
    (another curve, RSA below 2048 bits, DSA, Ed448, X25519, not a key).

    The one place where a key is bound to a curve (RFC 7518 §3.4, RFC 8725 §3.1): the key's class
    is cached, its curve is read from the key itself every time, since two keys of one class and
    size may lie on different curves (P-256, secp256k1, brainpoolP256r1).
    """
    kind = type(key)
    try:
        found = _CLASS_CACHE[kind]
    except KeyError:
        found = _CLASS_CACHE[kind] = _class_type(kind)
    if found is None:
        return None
    family = found[0]
    if family == "EC":
        crv = _CRV_BY_CURVE_NAME.get(key.curve.name)  # type: ignore[attr-defined]
        return None if crv is None else ("EC", crv)
    if family == "RSA" and key.key_size < _MIN_RSA_BITS:  # type: ignore[attr-defined]
        return None
    return found


def describe_key(key: object) -> str:
    """A short description for error messages: ``EC secp256k1``, ``RSA 1024``, ``Ed448``…"""
    curve = getattr(key, "curve", None)
    if curve is not None:
        return f"EC {curve.name}"
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        return f"RSA {key.key_size}"
    name = type(key).__name__
    for suffix in ("PublicKey", "PrivateKey"):
        name = name.removesuffix(suffix)
    return name


ES256 = Algorithm("ES256", "EC", "P-256", -7)
ES384 = Algorithm("ES384", "EC", "P-384", -35)
EDDSA = Algorithm("EdDSA", "OKP", "Ed25519", -8)
ED25519 = Algorithm("Ed25519", "OKP", "Ed25519", -19)  # RFC 9864 fully-specified name
ML_DSA_44 = Algorithm("ML-DSA-44", "AKP", "ML-DSA-44", -48)
ML_DSA_65 = Algorithm("ML-DSA-65", "AKP", "ML-DSA-65", -49)
RS256 = Algorithm("RS256", "RSA", None, -257, legacy=True)
PS256 = Algorithm("PS256", "RSA", None, -37, legacy=True)

ALGORITHMS: dict[str, Algorithm] = {
    a.name: a for a in (ES256, ES384, EDDSA, ED25519, ML_DSA_44, ML_DSA_65, RS256, PS256)
}
ALGORITHMS_BY_COSE_ID: dict[int, Algorithm] = {a.cose_id: a for a in ALGORITHMS.values()}

DEFAULT_ALGORITHM = "ES256"


@dataclass(frozen=True)
class AlgorithmPolicy:
    """Which algorithms a verifier accepts (and an issuer may use) for one purpose."""

    allowed: frozenset[str]

    @classmethod
    def of(cls, names: Iterable[str]) -> AlgorithmPolicy:
        names = frozenset(names)
        unknown = names - ALGORITHMS.keys()
        if unknown:
            raise ValueError(f"unknown algorithm(s): {', '.join(sorted(unknown))}")
        return cls(names)

    def get(self, name: object) -> Algorithm:
        """The algorithm for a header ``alg`` value, or :class:`AlgorithmNotAllowed`."""
        if not isinstance(name, str) or name not in self.allowed:
            shown = name if isinstance(name, str) else type(name).__name__
            raise AlgorithmNotAllowed(f"algorithm {shown!r} is not allowed by the policy")
        return ALGORITHMS[name]

    def get_cose(self, cose_id: object) -> Algorithm:
        alg = ALGORITHMS_BY_COSE_ID.get(cose_id) if isinstance(cose_id, int) else None
        if alg is None or alg.name not in self.allowed:
            raise AlgorithmNotAllowed(f"COSE algorithm {cose_id!r} is not allowed by the policy")
        return alg


#: Credentials and status lists: the modern set (ES256 is the mandatory-to-implement one, HAIP).
CREDENTIAL_ALGORITHMS = AlgorithmPolicy.of(
    ["ES256", "ES384", "EdDSA", "Ed25519", "ML-DSA-44", "ML-DSA-65"]
)
#: eEHIC/ePRC QR tokens: the spec allows ES256 and RS256 (EHIC PDF QR PoC v0.5 §2.3.1).
EESSI_QR_ALGORITHMS = AlgorithmPolicy.of(["ES256", "ES384", "RS256", "PS256"])
#: ID tokens of the citizens' OpenID Connect provider (national eIDs sign with RS256 or PS256;
#: RS256 is what OpenID Connect Core 1.0 §15.1 makes mandatory for providers).
ID_TOKEN_ALGORITHMS = AlgorithmPolicy.of(["ES256", "ES384", "PS256", "RS256"])


#: The algorithm an issuer signs with, per key type (EdDSA rather than Ed25519: what wallets know).
_ISSUER_ALGORITHMS: dict[KeyType, Algorithm] = {
    (a.family, a.curve): a for a in (ES256, ES384, EDDSA, ML_DSA_44, ML_DSA_65, RS256)
}


def algorithm_for_key(key: PublicKey | PrivateKey) -> Algorithm:
    """The algorithm an issuer uses for a key: each key type has exactly one. A key no algorithm
    may use (secp256k1, brainpool, P-521, RSA < 2048, DSA, Ed448…) is :class:`AlgorithmNotAllowed`."""
    found = key_type(key)
    algorithm = None if found is None else _ISSUER_ALGORITHMS.get(found)
    if algorithm is None:
        raise AlgorithmNotAllowed(
            f"unsupported key type {describe_key(key)}: the crypto policy signs with EC P-256 or "
            "P-384, Ed25519, ML-DSA-44/65 or RSA of at least 2048 bits"
        )
    return algorithm


# -- encryption (JWE, RFC 7516) ------------------------------------------------------------------
@dataclass(frozen=True)
class KeyAgreement:
    """A JWE key management algorithm: ECDH-ES in Direct Key Agreement mode (RFC 7518 §4.6), bound
    to one curve for the recipient's and the ephemeral key, with the Concat KDF's hash
    (§4.6.2: SHA-256)."""

    name: str
    curve: str  # JWK "crv"
    kdf_hash: hashes.HashAlgorithm

    def matches(self, key: PublicKey | PrivateKey) -> bool:
        return key_type(key) == ("EC", self.curve)


@dataclass(frozen=True)
class ContentEncryption:
    """A JWE content encryption algorithm: AES GCM (RFC 7518 §5.3), with its key length."""

    name: str
    key_bytes: int


ECDH_ES = KeyAgreement("ECDH-ES", "P-256", hashes.SHA256())
A128GCM = ContentEncryption("A128GCM", 16)
A256GCM = ContentEncryption("A256GCM", 32)
KEY_AGREEMENTS: Mapping[str, KeyAgreement] = MappingProxyType({ECDH_ES.name: ECDH_ES})
CONTENT_ENCRYPTIONS: Mapping[str, ContentEncryption] = MappingProxyType(
    {a.name: a for a in (A128GCM, A256GCM)}
)


@dataclass(frozen=True)
class EncryptionPolicy:
    """Which JWE ``alg`` and ``enc`` values a recipient accepts for one purpose."""

    key_agreements: frozenset[str]
    contents: tuple[str, ...]  # in the recipient's order of preference

    @classmethod
    def of(cls, key_agreements: Iterable[str], contents: Iterable[str]) -> EncryptionPolicy:
        algs, encs = frozenset(key_agreements), tuple(contents)
        unknown = (algs - KEY_AGREEMENTS.keys()) | (set(encs) - CONTENT_ENCRYPTIONS.keys())
        if unknown or not algs or not encs:
            raise ValueError(f"unknown or no encryption algorithm(s): {sorted(unknown)}")
        return cls(algs, encs)

    def key_agreement(self, name: object) -> KeyAgreement:
        if not isinstance(name, str) or name not in self.key_agreements:
            raise AlgorithmNotAllowed(f"JWE alg {str(name)[:20]!r} is not allowed by the policy")
        return KEY_AGREEMENTS[name]

    def content_encryption(self, name: object) -> ContentEncryption:
        if not isinstance(name, str) or name not in self.contents:
            raise AlgorithmNotAllowed(f"JWE enc {str(name)[:20]!r} is not allowed by the policy")
        return CONTENT_ENCRYPTIONS[name]


#: OpenID4VP encrypted responses (HAIP 1.0 §5: ECDH-ES with P-256; A128GCM and A256GCM; OpenID4VP
#: 1.0 §8.3: A128GCM is the default ``enc`` when the verifier names none).
RESPONSE_ENCRYPTION = EncryptionPolicy.of(["ECDH-ES"], ["A128GCM", "A256GCM"])
