"""Wallet attestations: client authentication with ``attest_jwt_client_auth``
(draft-ietf-oauth-attestation-based-client-auth §4, HAIP §4.3) at the PAR and token endpoints.

``OAuth-Client-Attestation``: a ``oauth-client-attestation+jwt`` signed by a trusted wallet
provider (a key of ``trusted_wallet_attesters``, named by ``kid`` or carried as ``jwk``), with
``iss``, ``sub`` (the client id), ``exp`` and ``cnf.jwk`` (the client instance key).

``OAuth-Client-Attestation-PoP``: a ``oauth-client-attestation-pop+jwt`` signed by that
``cnf.jwk``, with ``iss`` = the client id, ``aud`` = this issuer, a single-use ``jti`` and an
``iat`` in the proof window (§4.2, §5.2). Algorithms come from the crypto policy; every failure
is 401 ``invalid_client``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from issuer.errors import InvalidClient
from issuer.oid4vci._nonces import DpopReplay
from issuer.oid4vci._proof_jwt import ProofRejected, check_iat
from issuer.settings import OpenId4VciSettings
from issuer.storage import Database
from verifier import CivicredError
from verifier.jose import (
    AlgorithmPolicy,
    CompactJws,
    PublicKey,
    jwk_thumbprint,
    public_key_from_jwk,
    public_members,
)

ATTESTATION_HEADER = "OAuth-Client-Attestation"
POP_HEADER = "OAuth-Client-Attestation-PoP"
ATTESTATION_TYP = "oauth-client-attestation+jwt"
POP_TYP = "oauth-client-attestation-pop+jwt"
AUTH_METHOD = "attest_jwt_client_auth"
MAX_JWT_CHARS = 8192


@dataclass(frozen=True)
class AttestedClient:
    client_id: str
    #: RFC 7638 thumbprint of the client instance key (``cnf.jwk``).
    instance_jkt: str
    #: The wallet provider (``iss`` of the attestation).
    provider: str


class WalletAttestations:
    def __init__(
        self,
        settings: OpenId4VciSettings,
        *,
        audience: str,
        policy: AlgorithmPolicy,
        replay: DpopReplay,
        db: Database,
        clock: Callable[[], datetime],
    ) -> None:
        self._settings = settings
        self._db = db
        self._audience = audience
        self._policy = policy
        self._replay = replay
        self._clock = clock
        self._trusted: dict[str, tuple[str | None, PublicKey]] = {}
        for jwk in settings.trusted_wallet_attesters:
            members = public_members(jwk)
            self._trusted[jwk_thumbprint(members)] = (jwk.get("kid"), public_key_from_jwk(jwk))

    @property
    def configured(self) -> bool:
        return bool(self._trusted)

    def verify(
        self, attestations: Sequence[str], pops: Sequence[str], *, client_id: str | None
    ) -> AttestedClient:
        """The attested client of a request's two headers; ``client_id``, when the request
        names one, must be the attestation's ``sub``."""
        if not self._trusted:
            raise InvalidClient("this issuer trusts no wallet provider yet")
        if len(attestations) != 1 or len(pops) != 1:
            raise InvalidClient(
                f"exactly one {ATTESTATION_HEADER} and one {POP_HEADER} header are required"
            )
        try:
            client = self._attestation(attestations[0])
            if client_id is not None and client_id != client[0].client_id:
                raise ProofRejected("client_id is not the wallet attestation's sub")
            self._pop(pops[0], client[0], client[1])
        except ProofRejected as exc:
            raise InvalidClient(exc.message) from None
        return client[0]

    def _parse(self, token: str, typ: str, what: str) -> CompactJws:
        if len(token) > MAX_JWT_CHARS:
            raise ProofRejected(f"the {what} is too long")
        try:
            jws = CompactJws.parse(token, what=what)
            jws.algorithm(self._policy)
        except CivicredError as exc:
            raise ProofRejected(f"{what}: {exc}") from None
        if jws.header.get("typ") != typ:
            raise ProofRejected(f"the {what} header typ must be {typ}")
        return jws

    def _attestation(self, token: str) -> tuple[AttestedClient, PublicKey]:
        what = "wallet attestation"
        jws = self._parse(token, ATTESTATION_TYP, what)
        key = self._provider_key(jws.header)
        try:
            jws.verify(key, self._policy)
            claims = jws.payload_object(what=what)
        except CivicredError as exc:
            raise ProofRejected(f"{what}: {exc}") from None
        now = int(self._clock().timestamp())
        exp = claims.get("exp")
        if type(exp) not in (int, float) or exp <= now:
            raise ProofRejected("the wallet attestation has expired (exp)")
        iat = claims.get("iat")
        if iat is not None and (
            type(iat) not in (int, float) or iat > now + self._settings.proof_clock_skew_seconds
        ):
            raise ProofRejected("the wallet attestation is issued in the future (iat)")
        issuer, subject, cnf = claims.get("iss"), claims.get("sub"), claims.get("cnf")
        if not isinstance(issuer, str) or not issuer or not isinstance(subject, str) or not subject:
            raise ProofRejected("the wallet attestation needs iss and sub (the client id)")
        if not isinstance(cnf, Mapping) or not isinstance(cnf.get("jwk"), Mapping):
            raise ProofRejected("the wallet attestation has no cnf.jwk (the client instance key)")
        try:
            instance = public_key_from_jwk(cnf["jwk"])
            jkt = jwk_thumbprint(public_members(cnf["jwk"]))
        except CivicredError as exc:
            raise ProofRejected(f"the wallet attestation's cnf.jwk: {exc}") from None
        return AttestedClient(subject, jkt, issuer), instance

    def _provider_key(self, header: Mapping[str, Any]) -> PublicKey:
        jwk = header.get("jwk")
        if isinstance(jwk, Mapping):
            try:
                found = self._trusted.get(jwk_thumbprint(public_members(jwk)))
            except CivicredError:
                found = None
        else:
            kid = header.get("kid")
            found = next((t for t in self._trusted.values() if kid and t[0] == kid), None)
        if found is None:
            raise ProofRejected("the wallet attestation is not signed by a trusted wallet provider")
        return found[1]

    def _pop(self, token: str, client: AttestedClient, instance: PublicKey) -> None:
        what = "wallet attestation PoP"
        jws = self._parse(token, POP_TYP, what)
        try:
            jws.verify(instance, self._policy)
            claims = jws.payload_object(what=what)
        except CivicredError as exc:
            raise ProofRejected(f"{what}: {exc}") from None
        if claims.get("iss") != client.client_id:
            raise ProofRejected("the wallet attestation PoP's iss is not the client id")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self._audience not in audiences:
            raise ProofRejected("the wallet attestation PoP is not for this issuer (aud)")
        jti = claims.get("jti")
        if not isinstance(jti, str) or not 0 < len(jti) <= 256:
            raise ProofRejected("the wallet attestation PoP needs a jti")
        iat = check_iat(
            claims,
            now=int(self._clock().timestamp()),
            max_age=self._settings.proof_max_age_seconds,
            skew=self._settings.proof_clock_skew_seconds,
            what=what,
        )
        window = self._settings.proof_max_age_seconds + self._settings.proof_clock_skew_seconds
        remember = datetime.fromtimestamp(iat + window, UTC)
        with self._db.session() as session:
            first = self._replay.first_use(
                session, f"attestation-pop:{client.instance_jkt}", jti, remember_until=remember
            )
        if not first:
            raise ProofRejected("this wallet attestation PoP was already used (jti replay)")
