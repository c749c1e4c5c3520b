"""Forging hostile SD-JWTs for the negative tests (RFC 9901 README "Negative tests to DERIVE").

Everything is built by hand (JSON, base64url, hashlib) rather than with the engine under test, so
a forged input can carry exactly one defect: the issuer JWT is re-signed with the (published or
test-time) issuer key after the edit, and the KB-JWT is rebuilt over the edited SD-JWT unless the
KB-JWT itself is the defect.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from verifier.sdjwt import VerificationPolicy
from verifier.signing import LocalSigner
from verifier.trust import IssuerKeyResolver

_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def b64(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64_json(value: Any) -> str:
    return b64(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


def sha256_b64(text: str) -> str:
    return b64(hashlib.sha256(text.encode("ascii")).digest())


def disclosure(*elements: Any) -> tuple[str, str]:
    """Any JSON array as a Disclosure (RFC 9901 §4.2.1/§4.2.2): ``(encoded, digest)``."""
    encoded = b64_json(list(elements))
    return encoded, sha256_b64(encoded)


def salt() -> str:
    return b64(secrets.token_bytes(16))


def random_digest() -> str:
    return b64(secrets.token_bytes(32))


def flip_salt_char(encoded: str) -> str:
    """Flip one bit of the salt inside a Disclosure, keeping valid base64url and JSON.

    ``["`` + salt fills the first bytes; the 8th base64url character holds the low 6 bits of
    the 4th salt character, so toggling its lowest bit turns one printable ASCII salt
    character into another (never ``"`` or ``\\``): a well-formed Disclosure, another digest.
    """
    head = unb64(encoded)[:6]
    assert head[:2] == b'["' and b'"' not in head[2:], "a Disclosure starting with a salt string"
    index = 7
    flipped = _B64URL[_B64URL.index(encoded[index]) ^ 1]
    return encoded[:index] + flipped + encoded[index + 1 :]


@dataclass(frozen=True)
class Parts:
    """``<issuer JWT>~<D1>~...~<Dn>~<KB-JWT>`` (RFC 9901 §4)."""

    jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str

    @classmethod
    def of(cls, presentation: str) -> Parts:
        pieces = presentation.split("~")
        return cls(pieces[0], tuple(pieces[1:-1]), pieces[-1])

    @property
    def header(self) -> dict[str, Any]:
        return json.loads(unb64(self.jwt.split(".")[0]))

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(unb64(self.jwt.split(".")[1]))


def sd_jwt_of(jwt: str, disclosures: Sequence[str]) -> str:
    return jwt + "~" + "".join(d + "~" for d in disclosures)


def unsigned_jws(header: dict[str, Any], payload: dict[str, Any] | bytes, signature: bytes) -> str:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
    return f"{b64_json(header)}.{b64(body)}.{b64(signature)}"


def signed_jws(header: dict[str, Any], payload: dict[str, Any] | bytes, signer: LocalSigner) -> str:
    """A JWS with exactly ``header`` (its ``alg`` included) signed by ``signer``."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
    signing_input = f"{b64_json(header)}.{b64(body)}"
    return f"{signing_input}.{b64(signer.sign(signing_input.encode('ascii')))}"


@dataclass(frozen=True)
class Attempt:
    """What one negative case hands to the verifier (``None``: the material's own)."""

    presentation: Any
    policy: VerificationPolicy | None = None
    resolver: IssuerKeyResolver | None = None


@dataclass(frozen=True)
class Material:
    """A valid SD-JWT+KB with the keys that made it, to derive negatives from."""

    name: str
    issuer: LocalSigner
    holder: LocalSigner
    issuance: str  # the SD-JWT as issued (every disclosure)
    presentation: str  # SD-JWT+KB, valid under ``policy`` with ``resolver``
    policy: VerificationPolicy
    resolver: IssuerKeyResolver

    @property
    def parts(self) -> Parts:
        return Parts.of(self.presentation)

    def resign(
        self,
        edit_payload: Callable[[dict[str, Any]], object] | None = None,
        edit_header: Callable[[dict[str, Any]], object] | None = None,
        signer: LocalSigner | None = None,
    ) -> str:
        """The issuer JWT, edited in place and re-signed (by the issuer unless ``signer``)."""
        header, payload = copy.deepcopy(self.parts.header), copy.deepcopy(self.parts.payload)
        if edit_payload is not None:
            edit_payload(payload)
        if edit_header is not None:
            edit_header(header)
        return signed_jws(header, payload, signer or self.issuer)

    def kb_jwt(
        self,
        sd_jwt: str,
        *,
        header: dict[str, Any] | None = None,
        holder: LocalSigner | None = None,
        **claims: Any,
    ) -> str:
        """A KB-JWT (RFC 9901 §4.3) over ``sd_jwt``; ``claims`` override or (None) remove."""
        body = {
            "iat": self.policy.now,
            "aud": self.policy.expected_aud,
            "nonce": self.policy.expected_nonce,
            "sd_hash": sha256_b64(sd_jwt),
        }
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        return signed_jws(header or {"alg": "ES256", "typ": "kb+jwt"}, body, holder or self.holder)

    def bind(self, jwt: str, disclosures: Sequence[str], **kb: Any) -> str:
        """SD-JWT+KB with a KB-JWT made for exactly this SD-JWT (the defect is elsewhere)."""
        sd_jwt = sd_jwt_of(jwt, disclosures)
        return sd_jwt + self.kb_jwt(sd_jwt, **kb)
