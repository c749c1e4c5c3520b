"""Trust: who may sign what, with which key (step 1: JWK Sets; the trust registry plugs in here)."""

from verifier.trust._resolver import IssuerKeyResolver, JwksResolver, ResolvedKey

__all__ = ["IssuerKeyResolver", "JwksResolver", "ResolvedKey"]
