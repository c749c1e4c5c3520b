"""DPoP (RFC 9449): proof checks at the token endpoint and at the protected resources.

:meth:`DpopGuard.verify` is RFC 9449 §4.3 steps 1-9 and 11-12 (one ``DPoP`` header, a
``dpop+jwt`` signed by its public ``jwk`` with an algorithm of the policy, ``jti``, ``htm`` and
``htu`` of this request, ``iat`` in the window, and with an access token its hash ``ath``);
:meth:`DpopGuard.admit` is step 10 (a server nonce, §8/§9) and the ``jti`` replay check (§11.1),
done last so a proof that fails elsewhere leaves no trace. The caller names the error classes:
400 JSON errors at the token endpoint (§5), 401 ``WWW-Authenticate: DPoP`` challenges at the
resources (§7.1).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from issuer.errors import ServiceError
from issuer.oid4vci._nonces import DpopNonces, DpopReplay
from issuer.oid4vci._proof_jwt import ProofRejected, check_iat, verify_proof_jwt
from issuer.settings import OpenId4VciSettings
from verifier.jose import AlgorithmPolicy, b64url_encode

DPOP_TYP = "dpop+jwt"
NONCE_HEADER = "DPoP-Nonce"
MAX_JTI_CHARS = 256
_DEFAULT_PORTS = {"http": 80, "https": 443}

ErrorClass = type[ServiceError]


@dataclass(frozen=True)
class DpopProof:
    """A DPoP proof that passed :meth:`DpopGuard.verify`."""

    jkt: str  # RFC 7638 thumbprint of its key (the access token's ``cnf.jkt``, §6)
    jti: str
    iat: int
    nonce: object  # the ``nonce`` claim as sent (``None`` when absent)


def normalized_uri(uri: str) -> tuple[str, str, int | None, str] | None:
    """Scheme, host, port and path after RFC 3986 §6.2.2/§6.2.3 case and port normalization,
    without query and fragment (RFC 9449 §4.3 step 9); ``None`` when it is not a URI."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname or scheme not in _DEFAULT_PORTS or parts.username is not None:
        return None
    return (
        scheme,
        parts.hostname.lower(),
        None if port == _DEFAULT_PORTS[scheme] else port,
        (parts.path or "/"),
    )


def access_token_hash(access_token: str) -> str:
    """``ath``: base64url SHA-256 of the token's ASCII octets (RFC 9449 §4.2)."""
    return b64url_encode(hashlib.sha256(access_token.encode("ascii")).digest())


class DpopGuard:
    def __init__(
        self,
        nonces: DpopNonces,
        replay: DpopReplay,
        settings: OpenId4VciSettings,
        policy: AlgorithmPolicy,
        clock: Callable[[], datetime],
    ) -> None:
        self._nonces = nonces
        self._replay = replay
        self._settings = settings
        self._policy = policy
        self._clock = clock

    @property
    def algorithms(self) -> list[str]:
        return sorted(self._policy.allowed)

    def current_nonce(self) -> str:
        return self._nonces.current()

    def verify(
        self,
        headers: Sequence[str],
        *,
        method: str,
        url: str,
        access_token: str | None,
        invalid: ErrorClass,
    ) -> DpopProof:
        """Every check but the nonce and the replay (raises ``invalid``)."""
        try:
            return self._verify(headers, method, url, access_token)
        except ProofRejected as exc:
            raise invalid(exc.message) from None

    def _verify(
        self, headers: Sequence[str], method: str, url: str, access_token: str | None
    ) -> DpopProof:
        if not headers:
            raise ProofRejected("a DPoP proof is required (DPoP header, RFC 9449)")
        if len(headers) > 1:
            raise ProofRejected("exactly one DPoP header is allowed (RFC 9449 §4.3)")
        proof = verify_proof_jwt(headers[0], typ=DPOP_TYP, policy=self._policy, what="DPoP proof")
        claims = proof.claims
        jti = claims.get("jti")
        if not isinstance(jti, str) or not 0 < len(jti) <= MAX_JTI_CHARS:
            raise ProofRejected("the DPoP proof needs a jti string")
        if claims.get("htm") != method:
            raise ProofRejected(f"the DPoP proof is not for this method (htm must be {method})")
        htu = claims.get("htu")
        if not isinstance(htu, str) or normalized_uri(htu) != normalized_uri(url):
            raise ProofRejected(f"the DPoP proof is not for this URL (htu must be {url})")
        iat = check_iat(
            claims,
            now=int(self._clock().timestamp()),
            max_age=self._settings.proof_max_age_seconds,
            skew=self._settings.proof_clock_skew_seconds,
            what="DPoP proof",
        )
        if access_token is not None and claims.get("ath") != access_token_hash(access_token):
            raise ProofRejected("the DPoP proof's ath is not the hash of this access token")
        return DpopProof(proof.thumbprint, jti, iat, claims.get("nonce"))

    def admit(
        self, session: Session, proof: DpopProof, *, invalid: ErrorClass, use_nonce: ErrorClass
    ) -> None:
        """The server nonce (else ``use_nonce`` with a fresh ``DPoP-Nonce``) and single use of
        the ``jti`` (else ``invalid``), in the caller's transaction."""
        if not self._nonces.accepts(session, proof.nonce):
            missing = "no" if proof.nonce is None else "an unknown or expired"
            raise use_nonce(
                f"the DPoP proof has {missing} server nonce: retry with the DPoP-Nonce header",
                headers={NONCE_HEADER: self._nonces.current(session)},
            )
        window = self._settings.proof_max_age_seconds + self._settings.proof_clock_skew_seconds
        remember_until = datetime.fromtimestamp(proof.iat + window, UTC)
        if not self._replay.first_use(session, proof.jkt, proof.jti, remember_until=remember_until):
            raise invalid("this DPoP proof was already used (jti replay)")
