"""Strict base64url without padding (RFC 7515 §2, RFC 4648 §5).

Hot path of every verification: implemented on ``binascii`` directly (``strict_mode`` rejects
any character outside the alphabet); ``+``, ``/`` and ``=`` are refused before translation.
"""

from __future__ import annotations

import binascii

from verifier._errors import MalformedInput

_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_PADDING = (b"", b"", b"==", b"=")  # by len % 4; a remainder of 1 is never valid


def b64url_encode(data: bytes) -> str:
    return (
        binascii.b2a_base64(data, newline=False).rstrip(b"=").translate(_TO_URLSAFE).decode("ascii")
    )


def b64url_decode(text: str, *, what: str = "value") -> bytes:
    """Decode unpadded base64url; anything else (padding, '+', '/', spaces) is malformed."""
    try:
        data = text.encode("ascii")
        if b"+" in data or b"/" in data or b"=" in data or len(data) % 4 == 1:
            raise ValueError("not base64url")
        return binascii.a2b_base64(
            data.translate(_TO_STANDARD) + _PADDING[len(data) % 4], strict_mode=True
        )
    except (AttributeError, UnicodeEncodeError, binascii.Error, ValueError):
        raise MalformedInput(f"{what} is not unpadded base64url", code="input.base64") from None
