"""Bearer-token authentication (RFC 6750 §2.1), shared by the issuer and the registry.

Each service wraps :func:`authenticate_bearer` (tokens per role) or :func:`authenticate_admin`
(one role) in a FastAPI dependency that passes its configured tokens (``SecretStr``, never
logged or shown in a ``repr``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import SecretStr

from servicekit._errors import InvalidToken, Unauthorized


@dataclass(frozen=True)
class Principal:
    """Who presented a token: its role and the token's position in that role's list."""

    role: str
    index: int

    @property
    def actor(self) -> str:
        """The audit actor ``<role>#<index>``: names the token, never shows it."""
        return f"{self.role}#{self.index}"


def authenticate_bearer(
    authorization: str | None, tokens_by_role: Mapping[str, Sequence[SecretStr]]
) -> Principal:
    """The :class:`Principal` whose token is ``Authorization: Bearer <token>``.

    Raises :class:`Unauthorized` (401, ``WWW-Authenticate: Bearer``) without a bearer token and
    :class:`InvalidToken` (403) with one that is not configured for any role. The presented token
    is compared with every configured token of every role, in constant time and without an early
    exit; both sides are hashed first so that neither the length nor a prefix of a token leaks
    through timing. A token configured for two roles takes the first role of the mapping.
    """
    scheme, _, presented = (authorization or "").partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        raise Unauthorized("a bearer token is required")
    given = _digest(presented)
    found: Principal | None = None
    for role, tokens in tokens_by_role.items():
        for index, token in enumerate(tokens):
            if hmac.compare_digest(given, _digest(token.get_secret_value())) and found is None:
                found = Principal(role, index)
    if found is None:
        raise InvalidToken("the bearer token is not accepted")
    return found


def authenticate_admin(authorization: str | None, tokens: Sequence[SecretStr]) -> str:
    """The audit actor ``admin#<n>`` for ``Authorization: Bearer <token>`` (one role, ``admin``;
    errors as :func:`authenticate_bearer`)."""
    return authenticate_bearer(authorization, {"admin": tokens}).actor


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
