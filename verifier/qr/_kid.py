"""Key identifiers of signed QR documents: ``<framework>:<thumbprint type>:<thumbprint>``.

EHIC PDF QR PoC v0.5 §2.3.1: ``kid`` MUST be ``EESSI:x5t#S256:<base64url(SHA-256(cert DER))>``
(the RFC 7515 §4.1.8 X.509 SHA-256 thumbprint, unpadded). The schema package V01.00 also allows
``jkt`` (an RFC 7638 JWK thumbprint). The spec says the pattern will change when more trust
frameworks join, so the first segment is an *opaque* trust-framework selector: it is kept exactly
as written (no case folding) and handed to the trust registry, which decides what it means.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from verifier import codes
from verifier._errors import MalformedInput
from verifier.jose import b64url_encode

ThumbprintKind = Literal["x5t#S256", "jkt"]
X5T_S256: ThumbprintKind = "x5t#S256"
JKT: ThumbprintKind = "jkt"
EESSI_FRAMEWORK = "EESSI"

_FRAMEWORK = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}", re.ASCII)
_THUMBPRINT = re.compile(r"[A-Za-z0-9_-]{43}", re.ASCII)  # unpadded base64url of 32 bytes
_KINDS: dict[str, ThumbprintKind] = {"x5t#S256": X5T_S256, "jkt": JKT}
_MAX_KID = 128


@dataclass(frozen=True, slots=True)
class KeyId:
    """A parsed ``kid``: the trust framework (opaque), the thumbprint type and the thumbprint."""

    framework: str
    kind: ThumbprintKind
    thumbprint: str

    def __str__(self) -> str:
        return f"{self.framework}:{self.kind}:{self.thumbprint}"


def certificate_thumbprint(cert: x509.Certificate | bytes) -> str:
    """RFC 7515 §4.1.8 ``x5t#S256``: base64url (no padding) of SHA-256 over the certificate DER."""
    der = cert if isinstance(cert, bytes) else cert.public_bytes(Encoding.DER)
    return b64url_encode(hashlib.sha256(der).digest())


def format_kid(framework: str, thumbprint: str, *, kind: ThumbprintKind = X5T_S256) -> str:
    """``<framework>:<kind>:<thumbprint>``; every part is checked, so the result always parses."""
    return str(parse_kid(f"{framework}:{kind}:{thumbprint}"))


def framework_kid(framework: str, cert: x509.Certificate | bytes) -> str:
    """The ``x5t#S256`` kid of ``cert`` under a trust framework (e.g. ``BE-SSH``)."""
    return format_kid(framework, certificate_thumbprint(cert))


def eessi_kid(cert: x509.Certificate | bytes) -> str:
    """``EESSI:x5t#S256:<thumbprint>`` (EHIC PDF QR PoC v0.5 §2.3.1, §2.4)."""
    return framework_kid(EESSI_FRAMEWORK, cert)


def parse_kid(kid: object) -> KeyId:
    """Parse a kid; anything else is :class:`MalformedInput` with code ``qr.kid``."""
    if not isinstance(kid, str):
        raise MalformedInput("the JWS header kid is missing or not a string", code=codes.QR_KID)
    return _parse_kid_text(kid)


@functools.lru_cache(maxsize=256)  # a verifier sees few signers; failures are not cached
def _parse_kid_text(kid: str) -> KeyId:
    if len(kid) > _MAX_KID:
        raise MalformedInput(f"the kid is longer than {_MAX_KID} characters", code=codes.QR_KID)
    parts = kid.split(":")
    if len(parts) != 3:
        raise MalformedInput(
            f"kid {kid!r} is not <framework>:<thumbprint type>:<thumbprint>", code=codes.QR_KID
        )
    framework, kind, thumbprint = parts
    if _FRAMEWORK.fullmatch(framework) is None:
        raise MalformedInput(f"kid trust framework {framework!r} is malformed", code=codes.QR_KID)
    if kind not in _KINDS:
        raise MalformedInput(
            f"kid thumbprint type {kind!r} is neither 'x5t#S256' nor 'jkt'", code=codes.QR_KID
        )
    if _THUMBPRINT.fullmatch(thumbprint) is None:
        raise MalformedInput(
            "kid thumbprint is not an unpadded base64url SHA-256 value (43 characters)",
            code=codes.QR_KID,
        )
    return KeyId(framework, _KINDS[kind], thumbprint)
