"""Compact JWS (RFC 7515 §7.1): parse, verify, sign.

Parsing never trusts the token: the header is only read to pick an algorithm from the caller's
policy; the key always comes from the caller (a resolver backed by the trust registry), never from
``jwk``/``jku``/``x5u`` header members (RFC 8725 §3.10).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from verifier import codes
from verifier._errors import MalformedInput, SignatureInvalid
from verifier.jose._algorithms import Algorithm, AlgorithmPolicy, PublicKey
from verifier.jose._b64 import b64url_decode, b64url_encode
from verifier.jose._json import dumps_compact, loads_object


class JwsSigner(Protocol):
    """What JWS signing needs from a signer (see :class:`verifier.signing.Signer`)."""

    @property
    def algorithm(self) -> Algorithm: ...

    def sign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True, slots=True)
class CompactJws:
    """A parsed, *unverified* compact JWS."""

    header: dict[str, Any]
    payload: bytes
    signing_input: bytes
    signature: bytes

    @classmethod
    def parse(cls, token: str, *, what: str = "JWS") -> CompactJws:
        if not isinstance(token, str):
            raise MalformedInput(f"{what} is not text", code=codes.INPUT_JWS)
        parts = token.split(".")
        if len(parts) != 3:
            raise MalformedInput(f"{what} does not have three parts", code=codes.INPUT_JWS)
        header_b64, payload_b64, signature_b64 = parts
        header = loads_object(
            b64url_decode(header_b64, what=f"{what} header"), what=f"{what} header"
        )
        if "crit" in header:
            # RFC 7515 §4.1.11: we understand no extension, so any "crit" must be rejected.
            raise MalformedInput(
                f"{what} header has unsupported critical parameters", code=codes.INPUT_JWS
            )
        return cls(
            header,
            b64url_decode(payload_b64, what=f"{what} payload"),
            token[: len(token) - len(signature_b64) - 1].encode("ascii"),
            b64url_decode(signature_b64, what=f"{what} signature"),
        )

    def payload_object(self, *, what: str = "JWS payload") -> dict[str, Any]:
        return loads_object(self.payload, what=what)

    def algorithm(self, policy: AlgorithmPolicy) -> Algorithm:
        return policy.get(self.header.get("alg"))

    def verify(self, key: PublicKey, policy: AlgorithmPolicy) -> Algorithm:
        """Verify with ``key`` under ``policy``; raise if the algorithm or the signature is bad."""
        algorithm = self.algorithm(policy)
        if not algorithm.matches(key):
            raise SignatureInvalid(
                f"the trusted key is not a {algorithm.name} key (algorithm confusion refused)",
                code=codes.JWS_ALG,
            )
        if not algorithm.verify(key, self.signature, self.signing_input):
            raise SignatureInvalid("the signature does not verify", code=codes.JWS_SIGNATURE)
        return algorithm


def sign_compact(header: Mapping[str, Any], payload: bytes, signer: JwsSigner) -> str:
    """Sign ``payload``; ``alg`` always comes from the signer, never from the caller's header."""
    full_header = {"alg": signer.algorithm.name, **{k: v for k, v in header.items() if k != "alg"}}
    signing_input = (
        b64url_encode(dumps_compact(full_header).encode("utf-8")) + "." + b64url_encode(payload)
    )
    signature = signer.sign(signing_input.encode("ascii"))
    return signing_input + "." + b64url_encode(signature)


def sign_compact_json(
    header: Mapping[str, Any], claims: Mapping[str, Any], signer: JwsSigner
) -> str:
    return sign_compact(header, dumps_compact(claims).encode("utf-8"), signer)
