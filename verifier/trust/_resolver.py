"""Issuer key resolution: the seam between a verifier and what it trusts.

A resolver gets the (unverified) JOSE header and payload of an issuer-signed JWT and returns the
trusted key for it, or raises :class:`UntrustedIssuer`. It never takes a key from the token itself
unless that key chains to something the resolver was configured to trust.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from verifier import codes
from verifier._errors import MalformedInput, UntrustedIssuer
from verifier.jose import PublicKey, jwk_thumbprint, public_key_from_jwk


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """A trusted key and what the trust source says about it."""

    key: PublicKey
    kid: str | None
    issuer: str | None
    source: str  # human-readable: "JWKS file", "trust list 2026-11-23", "x5c chain to root …"
    alg: str | None = None  # when the trust source pins an algorithm for the key


class IssuerKeyResolver(Protocol):
    def resolve(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> ResolvedKey: ...


class JwksResolver:
    """Trust exactly the keys of one JWK Set, selected by ``kid`` (or the only key).

    ``issuer`` optionally binds the set to one ``iss`` value (compared exactly).
    """

    def __init__(
        self, jwks: Mapping[str, Any], *, issuer: str | None = None, source: str = "JWKS"
    ) -> None:
        keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
        if not isinstance(keys, list) or not keys:
            raise MalformedInput("a JWK Set needs a non-empty 'keys' array", code=codes.INPUT_JWKS)
        self._issuer = issuer
        self._source = source
        self._by_kid: dict[str, tuple[PublicKey, str | None]] = {}
        for jwk in keys:
            if not isinstance(jwk, Mapping):
                raise MalformedInput("a JWK Set member is not an object", code=codes.INPUT_JWKS)
            kid = jwk.get("kid") if isinstance(jwk.get("kid"), str) else jwk_thumbprint(jwk)
            alg = jwk.get("alg") if isinstance(jwk.get("alg"), str) else None
            self._by_kid[str(kid)] = (public_key_from_jwk(jwk), alg)

    @classmethod
    def from_file(cls, path: Path, *, issuer: str | None = None) -> JwksResolver:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise MalformedInput(f"cannot read JWKS {path}: {exc}", code=codes.INPUT_JWKS) from None
        if isinstance(data, Mapping) and "keys" not in data and "kty" in data:
            data = {"keys": [data]}
        return cls(data, issuer=issuer, source=f"JWKS file {path.name}")

    def resolve(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> ResolvedKey:
        iss = payload.get("iss")
        if self._issuer is not None and iss != self._issuer:
            raise UntrustedIssuer(f"issuer {iss!r} is not the one this key set belongs to")
        kid = header.get("kid")
        if kid is None and len(self._by_kid) == 1:
            kid = next(iter(self._by_kid))
        if not isinstance(kid, str) or kid not in self._by_kid:
            raise UntrustedIssuer(f"no trusted key with kid {kid!r}", code=codes.ISSUER_KEY)
        key, alg = self._by_kid[kid]
        return ResolvedKey(key, kid, iss if isinstance(iss, str) else None, self._source, alg)
