"""The verified Status List Token and the checks its JWT and CWT forms share (§5, §8.3).

Every failure is a typed error with a stable code of the ``status`` family (:mod:`verifier.codes`,
docs/verification-codes.md); the lower layers' codes (JOSE, COSE, input) are re-coded to it in
:func:`status_errors`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from cryptography.hazmat.primitives.serialization import Encoding

from verifier import codes
from verifier._errors import (
    AlgorithmNotAllowed,
    MalformedInput,
    SignatureInvalid,
    StatusUnavailable,
)
from verifier.status._list import StatusList, TokenStatus
from verifier.status._reference import StatusReference

if TYPE_CHECKING:
    from verifier.signing import Signer

TokenFormat = Literal["jwt", "cwt"]
#: Default ceiling on an encoded Status List Token (characters for JWT, bytes for CWT).
DEFAULT_MAX_TOKEN_BYTES: Final = 16 * 1024 * 1024

_REGISTERED: Final = tuple(TokenStatus)  # value -> enum member without IntEnum's slow lookup
_RECODED = {codes.INPUT_SIZE: codes.STATUS_SIZE, codes.INPUT_CWT: codes.STATUS_CLAIMS}
_ALG_CODES = frozenset({codes.JWS_ALG, codes.COSE_ALG})


@contextmanager
def status_errors() -> Iterator[None]:
    """Re-code errors raised by the JOSE/COSE/CBOR layers as ``status.*``."""
    try:
        yield
    except AlgorithmNotAllowed as exc:
        raise AlgorithmNotAllowed(exc.message, code=codes.STATUS_ALG) from None
    except SignatureInvalid as exc:
        code = codes.STATUS_ALG if exc.code in _ALG_CODES else codes.STATUS_SIGNATURE
        raise SignatureInvalid(exc.message, code=code) from None
    except MalformedInput as exc:
        if codes.family(exc.code) == codes.STATUS_FAMILY:
            raise
        raise MalformedInput(
            exc.message, code=_RECODED.get(exc.code, codes.STATUS_FORMAT)
        ) from None


@dataclass(frozen=True, slots=True)
class StatusListToken:
    """A Status List Token whose signature and claims verified (§8.3 steps 3-5).

    ``status_list`` is the inflated list; treat it as read-only. ``certificate_chain`` is the
    ``x5c`` / ``x5chain`` header (DER, leaf first) for the caller's trust evaluation.
    """

    uri: str
    iat: int | float
    exp: int | float | None
    ttl: int | float | None
    status_list: StatusList
    format: TokenFormat
    issuer: str | None = None
    aggregation_uri: str | None = None
    kid: str | None = None
    certificate_chain: tuple[bytes, ...] = ()

    def status(self, index: int) -> int:
        """The status at ``index``; out of bounds MUST be rejected (§8.3 step 6)."""
        try:
            if type(index) is not int:
                raise IndexError(index)
            value = self.status_list.get(index)
        except IndexError:
            raise StatusUnavailable(
                f"index {index!r} is outside the status list (size {self.status_list.size})",
                code=codes.STATUS_INDEX_OUT_OF_RANGE,
            ) from None
        return _REGISTERED[value] if value < len(_REGISTERED) else value

    def lookup(self, reference: StatusReference) -> int:
        """The status a Referenced Token points at, after checking it points at *this* list."""
        if reference.uri != self.uri:  # §8.3 step 4a
            raise StatusUnavailable(
                f"the status list token is for {self.uri!r}, not {reference.uri!r}",
                code=codes.STATUS_SUB,
            )
        return self.status(reference.idx)

    def fresh_until(self, resolved_at: int | float) -> int | float | None:
        """Until when a copy fetched at ``resolved_at`` may be used (§8.3 step 4d, §13.7)."""
        refetch = None if self.ttl is None else resolved_at + self.ttl
        limits = [t for t in (self.exp, refetch) if t is not None]
        return min(limits) if limits else None


def _date(value: object, name: str) -> int | float:
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return value
    raise MalformedInput(f"{name} is not a NumericDate", code=codes.STATUS_CLAIMS)


def _text(value: object, name: str, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise MalformedInput(
            f"{name} is missing or not a non-empty string", code=codes.STATUS_CLAIMS
        )
    return value


def build_token(
    fmt: TokenFormat,
    *,
    sub: object,
    iat: object,
    exp: object,
    nbf: object,
    iss: object,
    ttl: int | float | None,
    bits: object,
    lst: bytes,
    aggregation_uri: object,
    kid: str | None,
    chain: tuple[bytes, ...],
    expected_uri: str,
    now: int | float,
    leeway: int | float,
    max_entries: int,
) -> StatusListToken:
    """Check the claims shared by §5.1 and §5.2 in §8.3 order; then inflate the list."""
    uri = _text(sub, "sub", required=True)  # §5.1/§5.2: sub REQUIRED
    issued = _date(iat, "iat") if iat is not None else None  # §5.1/§5.2: iat REQUIRED
    if issued is None:
        raise MalformedInput("iat is missing", code=codes.STATUS_CLAIMS)
    expires = None if exp is None else _date(exp, "exp")
    not_before = None if nbf is None else _date(nbf, "nbf")
    issuer = _text(iss, "iss", required=False)
    aggregation = _text(aggregation_uri, "aggregation_uri", required=False)
    if type(bits) is not int:
        raise MalformedInput(f"bits {bits!r} is not an integer", code=codes.STATUS_BITS)
    if uri != expected_uri:  # §5.1/§5.2 sub MUST equal the uri; §8.3 step 4a
        raise StatusUnavailable(
            f"the token's sub {uri!r} is not the referenced uri {expected_uri!r}",
            code=codes.STATUS_SUB,
        )
    if expires is not None and now >= expires + leeway:  # §8.3 step 4c; RFC 7519 §4.1.4
        raise StatusUnavailable("the status list token has expired", code=codes.STATUS_EXPIRED)
    if not_before is not None and now + leeway < not_before:  # RFC 7519 §4.1.5, RFC 8392 §3.1.5
        raise StatusUnavailable(
            "the status list token is not valid yet", code=codes.STATUS_NOT_YET_VALID
        )
    if now + leeway < issued:
        raise StatusUnavailable(
            "the status list token was issued in the future", code=codes.STATUS_NOT_YET_VALID
        )
    status_list = StatusList.from_compressed(lst, bits, max_entries)  # §8.3 step 5
    return StatusListToken(
        uri=uri,
        iat=issued,
        exp=expires,
        ttl=ttl,
        status_list=status_list,
        format=fmt,
        issuer=issuer,
        aggregation_uri=aggregation,
        kid=kid,
        certificate_chain=chain,
    )


def check_encode_arguments(
    uri: str, iat: int | float, exp: int | float | None, ttl: int | float | None
) -> None:
    """Refuse to sign a token a conforming verifier would reject."""
    try:
        StatusReference(idx=0, uri=uri)  # §5.1: sub MUST specify the URI of the token
    except MalformedInput as exc:
        raise ValueError(f"uri: {exc.message}") from None
    for name, value in (("iat", iat), ("exp", exp)):
        if value is not None and (type(value) is bool or not isinstance(value, int | float)):
            raise ValueError(f"{name} must be a NumericDate")
    if exp is not None and exp <= iat:
        raise ValueError("exp must be after iat")
    if ttl is not None and (type(ttl) is bool or not isinstance(ttl, int | float) or ttl <= 0):
        raise ValueError("ttl must be a positive number of seconds")  # §5.1, §5.2


def certificate_chain_der(signer: Signer) -> tuple[bytes, ...]:
    """The signer's chain (leaf first, no trust anchor) as DER, for x5c / x5chain."""
    return tuple(cert.public_bytes(Encoding.DER) for cert in signer.certificate_chain)


def check_decode_arguments(now: object, max_token_bytes: int, size: int) -> None:
    if type(now) is bool or not isinstance(now, int | float):
        raise TypeError("now must be a number of seconds since the epoch (never read from a clock)")
    if size > max_token_bytes:
        raise MalformedInput(
            f"the status list token exceeds {max_token_bytes} bytes", code=codes.STATUS_SIZE
        )
