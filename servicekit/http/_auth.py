"""Admin bearer-token authentication (RFC 6750 §2.1), shared by the issuer and the registry.

Each service wraps :func:`authenticate_admin` in a FastAPI dependency that passes its configured
tokens (``SecretStr``, never logged or shown in a ``repr``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from pydantic import SecretStr

from servicekit._errors import InvalidToken, Unauthorized


def authenticate_admin(authorization: str | None, tokens: Sequence[SecretStr]) -> str:
    """The audit actor ``admin#<n>`` for ``Authorization: Bearer <token>``.

    Raises :class:`Unauthorized` (401, ``WWW-Authenticate: Bearer``) without a bearer token and
    :class:`InvalidToken` (403) with one that is not configured. The presented token is compared
    with every configured token, in constant time and without an early exit; both sides are
    hashed first so that neither the length nor a prefix of a token leaks through timing.
    """
    scheme, _, presented = (authorization or "").partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        raise Unauthorized("an admin bearer token is required")
    given = _digest(presented)
    matches = [hmac.compare_digest(given, _digest(t.get_secret_value())) for t in tokens]
    if not any(matches):
        raise InvalidToken("the admin token is not accepted")
    return f"admin#{matches.index(True)}"


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
