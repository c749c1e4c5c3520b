"""Random handles and the digests they are stored under.

Every secret is 256 random bits (``secrets``), base64url; the database keeps
:func:`digest` of it, with a label per kind so that one kind of secret never matches another.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

SECRET_BYTES = 32


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def new_reference() -> str:
    """A random internal reference (grant references, notification ids): 128 bits, hex."""
    return secrets.token_hex(16)


def digest(label: str, *values: str) -> str:
    """SHA-256 (hex) over ``label`` and ``values``, unambiguously separated (length-prefixed)."""
    sha = hashlib.sha256(label.encode("ascii"))
    for value in values:
        data = value.encode("utf-8")
        sha.update(len(data).to_bytes(4, "big") + data)
    return sha.hexdigest()


def derive(label: str, secret: str) -> str:
    """A second secret computed from ``secret`` (base64url SHA-256): knowing it reveals nothing
    of ``secret``; knowing ``secret`` gives it back at any time without storing it."""
    return base64.urlsafe_b64encode(bytes.fromhex(digest(label, secret))).rstrip(b"=").decode()
