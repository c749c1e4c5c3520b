"""Strict base64url without padding (RFC 7515 §2, RFC 4648 §5)."""

from __future__ import annotations

import base64
import re

from verifier._errors import MalformedInput

_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, *, what: str = "value") -> bytes:
    """Decode unpadded base64url; anything else (padding, '+', '/', spaces) is malformed."""
    if not isinstance(text, str) or _B64URL.fullmatch(text) is None or len(text) % 4 == 1:
        raise MalformedInput(f"{what} is not unpadded base64url", code="input.base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
