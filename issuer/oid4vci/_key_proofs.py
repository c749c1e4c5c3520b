"""Key proofs of a credential request (OpenID4VCI 1.0 §8.2, Appendix F.1 and F.4).

``proofs`` is ``{"jwt": [<proof>, …]}``: one credential per proof, at most ``batch_size``, each
proof signed by a different key. A proof is an ``openid4vci-proof+jwt`` signed by the public key
of its ``jwk`` header (:mod:`issuer.oid4vci._proof_jwt`), for ``aud`` = the credential issuer
identifier, with a recent ``iat`` and a ``nonce`` from the nonce endpoint. Which error answers
what is listed in docs/openid4vci.md ("Errors"): the request's shape is
``invalid_credential_request``, a proof's content ``invalid_proof``, its nonce ``invalid_nonce``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from issuer.errors import InvalidCredentialRequest, InvalidNonce, InvalidProof
from issuer.oid4vci._proof_jwt import ProofRejected, check_iat, verify_proof_jwt
from issuer.settings import OpenId4VciSettings
from verifier.jose import AlgorithmPolicy

PROOF_TYP = "openid4vci-proof+jwt"
PROOF_TYPE = "jwt"


@dataclass(frozen=True)
class ProvenKey:
    """A holder key whose possession a proof showed: ``jwk`` goes into ``cnf``."""

    jwk: Mapping[str, Any]
    thumbprint: str
    nonce: str


@dataclass(frozen=True)
class KeyProofChecker:
    audience: str
    policy: AlgorithmPolicy
    settings: OpenId4VciSettings

    def verify(self, proofs: object, *, now: int) -> list[ProvenKey]:
        """The proven keys, in request order: every check but the nonces' single use (no
        database: done before the request's transaction begins)."""
        entries = self._entries(proofs)
        keys = [self._check_one(entry, i, now) for i, entry in enumerate(entries, 1)]
        if len({k.thumbprint for k in keys}) != len(keys):
            raise InvalidProof("each key proof must use a different key (one credential per key)")
        return keys

    @staticmethod
    def spend_nonces(keys: Sequence[ProvenKey], consume_nonce: Callable[[str], bool]) -> None:
        """Every nonce the proofs used, consumed (single use), in request order."""
        for nonce in dict.fromkeys(k.nonce for k in keys):  # distinct, in order
            if not consume_nonce(nonce):
                raise InvalidNonce(
                    "the proof nonce is unknown, expired or already used: get a new c_nonce "
                    "from the nonce endpoint"
                )

    def _entries(self, proofs: object) -> list[object]:
        if proofs is None:
            raise InvalidProof("proofs is required: this configuration binds credentials to keys")
        if not isinstance(proofs, Mapping) or len(proofs) != 1:
            raise InvalidCredentialRequest(
                "proofs must be an object with exactly one proof type (OpenID4VCI 1.0 §8.2)"
            )
        ((proof_type, entries),) = proofs.items()
        if proof_type != PROOF_TYPE:
            raise InvalidProof(f"proof type {str(proof_type)[:40]} is not supported; use jwt")
        if not isinstance(entries, list) or not entries:
            raise InvalidCredentialRequest("proofs.jwt must be a non-empty array of JWTs")
        limit = self.settings.batch_size
        if len(entries) > limit:
            raise InvalidCredentialRequest(
                f"{len(entries)} key proofs but batch_size is {limit}: send at most {limit}"
            )
        return entries

    def _check_one(self, entry: object, position: int, now: int) -> ProvenKey:
        what = f"key proof {position}"
        try:
            proof = verify_proof_jwt(entry, typ=PROOF_TYP, policy=self.policy, what=what)
            claims = proof.claims
            if claims.get("aud") != self.audience:
                raise ProofRejected(f"the {what} aud must be the credential issuer identifier")
            check_iat(
                claims,
                now=now,
                max_age=self.settings.proof_max_age_seconds,
                skew=self.settings.proof_clock_skew_seconds,
                what=what,
            )
            nonce = claims.get("nonce")
            if not isinstance(nonce, str) or not nonce:
                # §8.3.1.2: a proof without a c_nonce is invalid_proof (the issuer has a nonce
                # endpoint, so the nonce is required, Appendix F.1)
                raise ProofRejected(f"the {what} has no nonce: get one from the nonce endpoint")
        except ProofRejected as exc:
            raise InvalidProof(exc.message) from None
        return ProvenKey(proof.jwk, proof.thumbprint, nonce)
