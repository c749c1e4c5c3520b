"""The crypto policy: every signature algorithm civicred knows, in one table.

Nothing else in the code base names a curve, a hash or a signature encoding. An algorithm is bound
to exactly one key type, so a key can never be used with an algorithm it was not made for (no
algorithm confusion, RFC 8725 §2.1/§3.1). ``none`` and MAC algorithms are not in the table at all.

JOSE names: RFC 7518 (ES256/ES384/RS256/PS256), RFC 8037 and RFC 9864 (EdDSA, Ed25519),
draft-ietf-cose-dilithium (ML-DSA-44/65, key type ``AKP``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
        kind = type(key)
        known = _MATCH_CACHE.get((self.name, kind, getattr(key, "key_size", 0)))
        if known is not None:
            return known
        result = self._matches(key)
        _MATCH_CACHE[(self.name, kind, getattr(key, "key_size", 0))] = result
        return result

    def _matches(self, key: PublicKey | PrivateKey) -> bool:
        if self.family == "EC":
            return isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) and (
                key.curve.name == _EC_CURVES[self.curve or ""].name
            )
        if self.family == "OKP":
            return isinstance(key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey)
        if self.family == "RSA":
            return isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey) and key.key_size >= 2048
        return isinstance(key, _MLDSA_TYPES[self.name])

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


# (algorithm, key class, key size) -> matches: key classes are few, isinstance on ABCs is not free.
_MATCH_CACHE: dict[tuple[str, type, int], bool] = {}
_EC_CURVES: dict[str, ec.EllipticCurve] = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}
_EC_HASH: dict[str, hashes.HashAlgorithm] = {"ES256": hashes.SHA256(), "ES384": hashes.SHA384()}
_EC_SIZE = {"ES256": 32, "ES384": 48}
_MLDSA_TYPES: dict[str, tuple[type, ...]] = {
    "ML-DSA-44": (mldsa.MLDSA44PublicKey, mldsa.MLDSA44PrivateKey),
    "ML-DSA-65": (mldsa.MLDSA65PublicKey, mldsa.MLDSA65PrivateKey),
}

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


def algorithm_for_key(key: PublicKey | PrivateKey) -> Algorithm:
    """The algorithm an issuer uses for a key: each key type has exactly one."""
    for name in ("ES256", "ES384", "EdDSA", "ML-DSA-44", "ML-DSA-65", "RS256"):
        if ALGORITHMS[name].matches(key):
            return ALGORITHMS[name]
    raise AlgorithmNotAllowed(f"no algorithm for key type {type(key).__name__}")
