"""Strict, canonical base64url without padding (RFC 7515 §2, RFC 4648 §5).

Hot path of every verification: implemented on ``binascii`` directly (``strict_mode`` rejects
any character outside the alphabet); ``+``, ``/`` and ``=`` are refused before translation.

Canonical: RFC 4648 §3.5 says the pad bits of the last character "MUST be set to zero" by
encoders, and ``binascii`` ignores them, so a string of length 4n+2 (4n+3) would have 16 (4)
spellings of the same bytes: one JWS signature, several token texts. Every base64url value the
verifier reads (JWS header, payload and signature, SD-JWT disclosures and KB-JWTs, JWK members,
status-list ``lst``) is decoded here, and a non-zero pad bit is ``input.base64.canonical``.
Certificates in ``x5c`` are standard base64 with padding (RFC 7515 §4.1.6): :func:`b64_decode`,
held to the same rule.
"""

from __future__ import annotations

import binascii

from verifier import codes
from verifier._errors import MalformedInput

_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_PADDING = (b"", b"", b"==", b"=")  # by len % 4; a remainder of 1 is never valid
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# by len % 4: the last characters whose unused low bits (4 after 2 characters, 2 after 3) are 0
_CANONICAL_LAST: tuple[frozenset[int], ...] = (
    frozenset(_ALPHABET),
    frozenset(),
    frozenset(c for i, c in enumerate(_ALPHABET) if i & 0b1111 == 0),
    frozenset(c for i, c in enumerate(_ALPHABET) if i & 0b11 == 0),
)


_STANDARD_TO_URLSAFE = str.maketrans("+/", "-_")


def b64url_encode(data: bytes) -> str:
    return (
        binascii.b2a_base64(data, newline=False).rstrip(b"=").translate(_TO_URLSAFE).decode("ascii")
    )


def b64url_decode(text: str, *, what: str = "value") -> bytes:
    """Decode unpadded, canonical base64url; anything else (padding, '+', '/', spaces) is
    ``input.base64``, non-zero pad bits are ``input.base64.canonical`` (RFC 4648 §3.5)."""
    try:
        data = text.encode("ascii")
        if b"+" in data or b"/" in data or b"=" in data or len(data) % 4 == 1:
            raise ValueError("not base64url")
        decoded = binascii.a2b_base64(
            data.translate(_TO_STANDARD) + _PADDING[len(data) % 4], strict_mode=True
        )
    except (AttributeError, UnicodeEncodeError, binascii.Error, ValueError):
        raise MalformedInput(f"{what} is not unpadded base64url", code=codes.INPUT_BASE64) from None
    if data and data[-1] not in _CANONICAL_LAST[len(data) % 4]:
        raise MalformedInput(
            f"{what} is not canonical base64url: the pad bits of its last character are not "
            "zero (RFC 4648 §3.5)",
            code=codes.INPUT_BASE64_CANONICAL,
        )
    return decoded


def b64_decode(text: str, *, what: str = "value") -> bytes:
    """Decode padded standard base64 (RFC 4648 §4), canonically: the ``x5c`` certificates
    (RFC 7515 §4.1.6: "base64-encoded (Section 4 of [RFC4648] -- not base64url-encoded)")."""
    if not isinstance(text, str) or len(text) % 4 or "-" in text or "_" in text:
        raise MalformedInput(f"{what} is not padded standard base64", code=codes.INPUT_BASE64)
    unpadded = text.rstrip("=")
    if len(text) - len(unpadded) > 2:
        raise MalformedInput(f"{what} is not padded standard base64", code=codes.INPUT_BASE64)
    return b64url_decode(unpadded.translate(_STANDARD_TO_URLSAFE), what=what)
