"""Access to the DPoP-protected resources, the credential and notification endpoints (RFC 6750
§2-3, RFC 9449 §7): the token only in ``Authorization: DPoP <token>``, with a DPoP proof for
this request, signed by the token's key and carrying a server nonce."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from issuer.errors import (
    AccessTokenInQuery,
    AccessTokenInvalid,
    AccessTokenRequired,
    ResourceDpopProofInvalid,
    ResourceUseDpopNonce,
)
from issuer.oid4vci._dpop import DpopGuard, DpopProof
from issuer.oid4vci._tokens import AccessTokens, TokenGrant

MAX_TOKEN_CHARS = 512


@dataclass(frozen=True)
class ResourceRequest:
    """What a protected endpoint needs of an HTTP request."""

    authorization: Sequence[str]  # every Authorization header value
    dpop: Sequence[str]  # every DPoP header value
    query: Collection[str]  # the names of the query parameters


@dataclass(frozen=True)
class PresentedToken:
    """An access token as presented, with the DPoP proof that passed :meth:`DpopGuard.verify`."""

    token: str
    proof: DpopProof


class ResourceGuard:
    def __init__(self, tokens: AccessTokens, dpop: DpopGuard) -> None:
        self._tokens = tokens
        self._dpop = dpop

    def present(self, request: ResourceRequest, *, url: str) -> PresentedToken:
        """The token and its verified DPoP proof, or the RFC 6750 / RFC 9449 error: every check
        that needs no database (done before the request's transaction begins)."""
        if "access_token" in request.query:
            raise AccessTokenInQuery(
                "access tokens in the URI query are refused (RFC 6750 §2.3): send "
                "Authorization: DPoP <token>"
            )
        if not request.authorization:
            raise AccessTokenRequired("a DPoP-bound access token is required")
        if len(request.authorization) > 1:
            raise AccessTokenInvalid("exactly one Authorization header is allowed")
        scheme, _, token = request.authorization[0].partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer":
            raise AccessTokenInvalid(
                "the access token is DPoP-bound: send it with the DPoP scheme, not Bearer "
                "(RFC 9449 §7.2)"
            )
        if scheme.lower() != "dpop" or not token:
            raise AccessTokenRequired("a DPoP-bound access token is required (DPoP scheme)")
        if len(token) > MAX_TOKEN_CHARS or not token.isascii() or not token.isprintable():
            raise AccessTokenInvalid("the access token is unknown or expired")
        proof = self._dpop.verify(
            request.dpop,
            method="POST",
            url=url,
            access_token=token,
            invalid=ResourceDpopProofInvalid,
        )
        return PresentedToken(token, proof)

    def grant(self, session: Session, presented: PresentedToken) -> TokenGrant:
        """The grant of the presented token, its proof's server nonce checked and its ``jti``
        spent, in the caller's transaction; or the RFC 6750 / RFC 9449 error."""
        grant = self._tokens.find(session, presented.token)
        if grant is None:
            raise AccessTokenInvalid("the access token is unknown or expired")
        if grant.jkt != presented.proof.jkt:
            raise ResourceDpopProofInvalid(
                "the DPoP proof is not signed by the key the access token is bound to"
            )
        self._dpop.admit(
            session,
            presented.proof,
            invalid=ResourceDpopProofInvalid,
            use_nonce=ResourceUseDpopNonce,
        )
        return grant
