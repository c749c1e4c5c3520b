"""CBOR Web Token claims (RFC 8392): labels, bounded decoding, registered-claim types."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from verifier import codes
from verifier._errors import MalformedInput
from verifier.cose._cbor import DEFAULT_MAX_CBOR_BYTES, as_map, dumps_cbor, loads_cbor


class CwtClaim:
    """Claim keys: RFC 8392 §4, RFC 8747 (cnf), draft-ietf-oauth-status-list §14.3."""

    ISS: Final = 1
    SUB: Final = 2
    AUD: Final = 3
    EXP: Final = 4
    NBF: Final = 5
    IAT: Final = 6
    CTI: Final = 7
    CNF: Final = 8
    STATUS_LIST: Final = 65533
    TTL: Final = 65534
    STATUS: Final = 65535


def numeric_date(value: object, *, what: str, code: str = codes.INPUT_CWT) -> int | float:
    """A NumericDate (RFC 8392 §2): an int or a finite float; tag 1 MUST be omitted."""
    if type(value) is int:
        return value
    if type(value) is float and math.isfinite(value):
        return value
    raise MalformedInput(f"{what} is not a NumericDate", code=code)


def _optional_text(claims: Mapping[Any, Any], key: int, name: str) -> str | None:
    value = claims.get(key)
    if value is not None and not isinstance(value, str):  # StringOrURI is a text string (§3.1)
        raise MalformedInput(f"CWT claim {name} ({key}) is not a text string", code=codes.INPUT_CWT)
    return value


def _optional_date(claims: Mapping[Any, Any], key: int, name: str) -> int | float | None:
    value = claims.get(key)
    return None if value is None else numeric_date(value, what=f"CWT claim {name} ({key})")


@dataclass(frozen=True, slots=True)
class CwtClaims:
    """A decoded CWT Claims Set; the registered claims type-checked, all claims in ``claims``."""

    iss: str | None = None
    sub: str | None = None
    aud: str | None = None
    exp: int | float | None = None
    nbf: int | float | None = None
    iat: int | float | None = None
    cti: bytes | None = None
    claims: Mapping[int | str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_mapping(cls, value: object) -> CwtClaims:
        claims = as_map(value, what="CWT claims set", code=codes.INPUT_CWT)
        for key in claims:  # RFC 8392 §3: a claim key is an integer or a text string
            if type(key) is not int and not isinstance(key, str):
                raise MalformedInput("a CWT claim key is not int or text", code=codes.INPUT_CWT)
        cti = claims.get(CwtClaim.CTI)
        if cti is not None and not isinstance(cti, bytes):
            raise MalformedInput("CWT claim cti (7) is not a byte string", code=codes.INPUT_CWT)
        return cls(
            iss=_optional_text(claims, CwtClaim.ISS, "iss"),
            sub=_optional_text(claims, CwtClaim.SUB, "sub"),
            aud=_optional_text(claims, CwtClaim.AUD, "aud"),
            exp=_optional_date(claims, CwtClaim.EXP, "exp"),
            nbf=_optional_date(claims, CwtClaim.NBF, "nbf"),
            iat=_optional_date(claims, CwtClaim.IAT, "iat"),
            cti=cti,
            claims=MappingProxyType(dict(claims)),
        )

    @classmethod
    def decode(cls, payload: bytes, *, max_size: int = DEFAULT_MAX_CBOR_BYTES) -> CwtClaims:
        """Decode a CWT payload (the COSE payload bstr) into type-checked claims."""
        return cls.from_mapping(loads_cbor(payload, max_size=max_size, what="CWT claims set"))


def encode_cwt_claims(claims: Mapping[int | str, Any]) -> bytes:
    """The CWT payload for ``claims`` (key order is kept, so output is reproducible)."""
    return dumps_cbor(dict(claims))
