"""JSON Web Keys (RFC 7517/7518/8037, AKP for ML-DSA) and RFC 7638 thumbprints."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, rsa

from verifier import codes
from verifier._errors import MalformedInput
from verifier.jose._algorithms import (
    EC_CURVES,
    PrivateKey,
    PublicKey,
    algorithm_for_key,
    describe_key,
    key_type,
)
from verifier.jose._b64 import b64url_decode, b64url_encode

_MLDSA_PUBLIC: dict[str, type[mldsa.MLDSA44PublicKey] | type[mldsa.MLDSA65PublicKey]] = {
    "ML-DSA-44": mldsa.MLDSA44PublicKey,
    "ML-DSA-65": mldsa.MLDSA65PublicKey,
}
_MLDSA_PRIVATE: dict[str, type[mldsa.MLDSA44PrivateKey] | type[mldsa.MLDSA65PrivateKey]] = {
    "ML-DSA-44": mldsa.MLDSA44PrivateKey,
    "ML-DSA-65": mldsa.MLDSA65PrivateKey,
}
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"})
# RFC 7638 §3.2 required members (AKP: draft-ietf-cose-dilithium).
_THUMBPRINT_MEMBERS = {
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "RSA": ("e", "kty", "n"),
    "AKP": ("alg", "kty", "pub"),
}


def _member(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise MalformedInput(
            f"JWK member {name!r} is missing or not a string", code=codes.INPUT_JWK
        )
    return b64url_decode(value, what=f"JWK member {name!r}")


def public_key_from_jwk(jwk: object) -> PublicKey:
    """A public key from a JWK. A JWK carrying private members is refused (RFC 7800 cnf, OID4VCI)."""
    if not isinstance(jwk, Mapping):
        raise MalformedInput("JWK is not a JSON object", code=codes.INPUT_JWK)
    if _PRIVATE_MEMBERS & jwk.keys():
        raise MalformedInput(
            "a public JWK must not carry private key members", code=codes.INPUT_JWK
        )
    return _load(jwk, private=False)  # type: ignore[return-value]


def private_key_from_jwk(jwk: Mapping[str, Any]) -> PrivateKey:
    return _load(jwk, private=True)  # type: ignore[return-value]


def _load(jwk: Mapping[str, Any], *, private: bool) -> PublicKey | PrivateKey:
    kty = jwk.get("kty")
    try:
        if kty == "EC":
            curve = EC_CURVES.get(jwk.get("crv"))  # type: ignore[arg-type]
            if curve is None:  # RFC 7518 §3.4: ES256 is P-256, ES384 is P-384; nothing else
                raise MalformedInput(
                    f"EC JWK curve {jwk.get('crv')!r} is not one the policy accepts",
                    code=codes.INPUT_JWK,
                )
            size = _coordinate_size(curve)
            x, y = _member(jwk, "x"), _member(jwk, "y")
            if len(x) != size or len(y) != size:
                raise MalformedInput(
                    "EC JWK coordinates have the wrong length", code=codes.INPUT_JWK
                )
            if private:
                d = int.from_bytes(_member(jwk, "d"), "big")
                return ec.derive_private_key(d, curve)
            return ec.EllipticCurvePublicKey.from_encoded_point(curve, b"\x04" + x + y)
        if kty == "OKP" and jwk.get("crv") == "Ed25519":
            if private:
                return ed25519.Ed25519PrivateKey.from_private_bytes(_member(jwk, "d"))
            return ed25519.Ed25519PublicKey.from_public_bytes(_member(jwk, "x"))
        if kty == "AKP" and jwk.get("alg") in _MLDSA_PUBLIC:
            alg = str(jwk["alg"])
            if private:
                return _MLDSA_PRIVATE[alg].from_seed_bytes(_member(jwk, "priv"))
            return _MLDSA_PUBLIC[alg].from_public_bytes(_member(jwk, "pub"))
        if kty == "RSA":
            n = int.from_bytes(_member(jwk, "n"), "big")
            e = int.from_bytes(_member(jwk, "e"), "big")
            public = rsa.RSAPublicNumbers(e, n)
            if not private:
                return public.public_key()
            d = int.from_bytes(_member(jwk, "d"), "big")
            p = int.from_bytes(_member(jwk, "p"), "big")
            q = int.from_bytes(_member(jwk, "q"), "big")
            return rsa.RSAPrivateNumbers(
                p,
                q,
                d,
                rsa.rsa_crt_dmp1(d, p),
                rsa.rsa_crt_dmq1(d, q),
                rsa.rsa_crt_iqmp(p, q),
                public,
            ).private_key()
    except MalformedInput:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedInput(f"JWK is not a valid key ({exc})", code=codes.INPUT_JWK) from None
    raise MalformedInput(f"unsupported JWK key type {kty!r}", code=codes.INPUT_JWK)


def _coordinate_size(curve: ec.EllipticCurve) -> int:
    return (curve.key_size + 7) // 8  # RFC 7518 §6.2.1.2: the full coordinate length


def _policy_key_type(key: PublicKey | PrivateKey) -> str | None:
    """The key's curve (EC/OKP) or parameter set as the policy names it; a key the policy
    cannot use has no JWK here (``input.jwk``)."""
    found = key_type(key)
    if found is None:
        raise MalformedInput(f"no JWK for a {describe_key(key)} key", code=codes.INPUT_JWK)
    return found[1]


def jwk_from_public_key(key: PublicKey) -> dict[str, str]:
    crv = _policy_key_type(key)
    if isinstance(key, ec.EllipticCurvePublicKey):
        size = _coordinate_size(key.curve)
        numbers = key.public_numbers()
        return {
            "kty": "EC",
            "crv": str(crv),
            "x": b64url_encode(numbers.x.to_bytes(size, "big")),
            "y": b64url_encode(numbers.y.to_bytes(size, "big")),
        }
    if isinstance(key, ed25519.Ed25519PublicKey):
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(key.public_bytes_raw())}
    if isinstance(key, rsa.RSAPublicKey):
        nums = key.public_numbers()
        return {"kty": "RSA", "n": _int_b64(nums.n), "e": _int_b64(nums.e)}
    return {
        "kty": "AKP",
        "alg": algorithm_for_key(key).name,
        "pub": b64url_encode(key.public_bytes_raw()),
    }


def jwk_from_private_key(key: PrivateKey) -> dict[str, str]:
    jwk = jwk_from_public_key(key.public_key())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        size = _coordinate_size(key.curve)
        jwk["d"] = b64url_encode(key.private_numbers().private_value.to_bytes(size, "big"))
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        jwk["d"] = b64url_encode(key.private_bytes_raw())
    elif isinstance(key, rsa.RSAPrivateKey):
        nums = key.private_numbers()
        jwk.update(d=_int_b64(nums.d), p=_int_b64(nums.p), q=_int_b64(nums.q))
        jwk.update(dp=_int_b64(nums.dmp1), dq=_int_b64(nums.dmq1), qi=_int_b64(nums.iqmp))
    else:
        jwk["priv"] = b64url_encode(key.private_bytes_raw())
    return jwk


def _int_b64(value: int) -> str:
    return b64url_encode(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 JWK SHA-256 thumbprint, base64url: our ``kid`` for raw keys."""
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None:
        raise MalformedInput(f"unsupported JWK key type {jwk.get('kty')!r}", code=codes.INPUT_JWK)
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())


def public_jwk(jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The JWK without its private members."""
    return {k: v for k, v in jwk.items() if k not in _PRIVATE_MEMBERS}


_KEY_CACHE: dict[tuple[object, ...], PublicKey] = {}
_KEY_CACHE_SIZE = 4096


def cached_public_key_from_jwk(jwk: object) -> PublicKey:
    """:func:`public_key_from_jwk`, memoised per distinct public JWK (bounded, oldest evicted).

    Holder keys (``cnf.jwk``) recur: validating the point once per holder is enough.
    """
    if type(jwk) is not dict:
        return public_key_from_jwk(jwk)
    cache_key = tuple(sorted((k, v) for k, v in jwk.items() if isinstance(v, str)))
    if len(cache_key) != len(jwk):  # non-string members: not cacheable, let the parser judge
        return public_key_from_jwk(jwk)
    key = _KEY_CACHE.get(cache_key)
    if key is None:
        key = public_key_from_jwk(jwk)
        if len(_KEY_CACHE) >= _KEY_CACHE_SIZE:
            _KEY_CACHE.pop(next(iter(_KEY_CACHE)))
        _KEY_CACHE[cache_key] = key
    return key


def public_members(jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The RFC 7638 required members of a public JWK (what ``cnf.jwk`` needs), in that order."""
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None:
        raise MalformedInput(f"unsupported JWK key type {jwk.get('kty')!r}", code=codes.INPUT_JWK)
    return {m: jwk[m] for m in members}
