"""OpenID4VCI 1.0 issuance with the pre-authorized code flow, one method per endpoint
(docs/openid4vci.md). No HTTP here: the routers of :mod:`issuer.api` hand over the request's
body, content type and headers and turn the results into responses."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from issuer.audit import AuditLog
from issuer.catalog._claims import CLAIM_BUILDERS
from issuer.errors import (
    InvalidAuthorizationDetails,
    InvalidCredentialRequest,
    InvalidDpopProof,
    InvalidNotificationRequest,
    InvalidRequest,
    IssuanceRefused,
    NotFound,
    OAuthError,
    ServiceError,
    UnsupportedGrantType,
    UseDpopNonce,
)
from issuer.issuance import CredentialIssuer
from issuer.observability import metrics
from issuer.oid4vci._attestation import WalletAttestations
from issuer.oid4vci._authorizations import AUTHORIZATION_CODE_GRANT, Authorizations
from issuer.oid4vci._configurations import configurations
from issuer.oid4vci._credential_endpoint import Ahead, CredentialEndpoint
from issuer.oid4vci._dpop import DpopGuard, DpopProof
from issuer.oid4vci._key_proofs import KeyProofChecker
from issuer.oid4vci._metadata import authorization_server_metadata, issuer_metadata
from issuer.oid4vci._nonces import CNonces, DpopNonces, DpopReplay
from issuer.oid4vci._offers import PRE_AUTHORIZED_GRANT, CreatedOffer, Offers
from issuer.oid4vci._recorder import IssuanceRecorder
from issuer.oid4vci._requests import (
    parse_credential_request,
    parse_form,
    parse_json_object,
    parse_notification_request,
)
from issuer.oid4vci._resource import ResourceGuard, ResourceRequest
from issuer.oid4vci._responses import CredentialResponses
from issuer.oid4vci._tokens import AccessTokens, IssuedToken
from issuer.settings import IssuerSettings
from issuer.sources import AuthenticSource
from issuer.status import StatusService
from issuer.storage import Database
from verifier import MalformedInput
from verifier.jose import CREDENTIAL_ALGORITHMS, loads_json

#: Key proofs and DPoP proofs: the credential policy of :mod:`verifier.jose`, the one verifiers
#: apply to the KB-JWT signed later with the same holder key.
PROOF_ALGORITHMS = CREDENTIAL_ALGORITHMS
MAX_CONFIGURATIONS_PER_OFFER = 10


@dataclass(frozen=True)
class Answer:
    """A JSON body for a successful response and the DPoP nonce for the client's next proof."""

    body: dict[str, Any]
    dpop_nonce: str


class OpenId4VciService:
    def __init__(
        self,
        *,
        db: Database,
        settings: IssuerSettings,
        credentials: CredentialIssuer,
        status: StatusService,
        source: AuthenticSource,
        recorder: IssuanceRecorder,
        audit: AuditLog,
        clock: Callable[[], datetime],
    ) -> None:
        config = settings.oid4vci
        self._settings = settings
        self._db = db
        self._source = source
        self._clock = clock
        self._signing_alg = credentials.signer.algorithm.name
        self.offers = Offers(db, settings, clock, audit)
        self.c_nonces = CNonces(db, config, clock)
        self.dpop = DpopGuard(
            DpopNonces(db, config, clock), DpopReplay(clock), config, PROOF_ALGORITHMS, clock
        )
        self.tokens = AccessTokens(db, config, clock)
        self.attestations = WalletAttestations(
            config,
            audience=settings.credential_issuer,
            policy=PROOF_ALGORITHMS,
            replay=DpopReplay(clock),
            db=db,
            clock=clock,
        )
        self.authorizations = Authorizations(db, settings, source, clock)
        self.resources = ResourceGuard(self.tokens, self.dpop)
        self.responses = CredentialResponses(clock)
        self.credential_endpoint = CredentialEndpoint(
            credentials=credentials,
            status=status,
            source=source,
            recorder=recorder,
            proofs=KeyProofChecker(settings.credential_issuer, PROOF_ALGORITHMS, config),
            nonces=self.c_nonces,
            responses=self.responses,
            clock=clock,
        )

    # -- metadata (§12.2, RFC 8414) ---------------------------------------------------------
    def issuer_metadata(self) -> dict[str, Any]:
        return issuer_metadata(
            self._settings, signing_alg=self._signing_alg, proof_policy=PROOF_ALGORITHMS
        )

    def authorization_server_metadata(self) -> dict[str, Any]:
        return authorization_server_metadata(
            self._settings,
            dpop_policy=PROOF_ALGORITHMS,
            authorization_code=self.authorization_code_enabled,
        )

    @property
    def authorization_code_enabled(self) -> bool:
        """Wallet-initiated issuance needs a login provider and a trusted wallet provider."""
        return self._settings.login.issuer_url is not None and self.attestations.configured

    # -- offers (§4) -------------------------------------------------------------------------
    def create_offer(
        self, *, subject_id: str, configuration_ids: Sequence[str], tx_code: bool, actor: str
    ) -> CreatedOffer:
        """An offer for a subject of the authentic source, refused at once when the subject
        cannot get one of the credentials today (checked again at issuance)."""
        if not configuration_ids or len(configuration_ids) > MAX_CONFIGURATIONS_PER_OFFER:
            raise InvalidRequest(
                f"offer between 1 and {MAX_CONFIGURATIONS_PER_OFFER} credential configurations"
            )
        if len(set(configuration_ids)) != len(configuration_ids):
            raise InvalidRequest("credential_configuration_ids must be unique")
        unknown = [c for c in configuration_ids if c not in configurations()]
        if unknown:
            raise InvalidRequest(f"unknown credential configuration(s): {', '.join(unknown)}")
        try:
            person = self._source.person(subject_id)
        except KeyError:
            raise NotFound("no such subject in the authentic source") from None
        today = self._clock().date()
        for cid in configuration_ids:
            try:
                CLAIM_BUILDERS[configurations()[cid].id](person, today)
            except ValueError as exc:
                raise IssuanceRefused(f"{cid} cannot be issued to this subject: {exc}") from None
        return self.offers.create(
            subject_id=subject_id, configuration_ids=configuration_ids, tx_code=tx_code, actor=actor
        )

    def offer(self, handle: str) -> dict[str, Any]:
        return self.offers.document(handle)

    # -- token endpoint (§6, RFC 9449 §5) ----------------------------------------------------
    def token(
        self,
        body: bytes,
        *,
        content_type: str | None,
        dpop: Sequence[str],
        attestation: Sequence[str] = (),
        attestation_pop: Sequence[str] = (),
    ) -> Answer:
        try:
            return self._token(body, content_type, dpop, attestation, attestation_pop)
        except OAuthError as exc:
            metrics.token_error(exc.error)
            raise

    def _token(
        self,
        body: bytes,
        content_type: str | None,
        dpop: Sequence[str],
        attestation: Sequence[str],
        attestation_pop: Sequence[str],
    ) -> Answer:
        form = parse_form(body, content_type)
        grant_type = form.get("grant_type")
        if not grant_type:
            raise OAuthError("grant_type is required")
        if grant_type == AUTHORIZATION_CODE_GRANT and self.authorization_code_enabled:
            return self._authorization_code_token(form, dpop, attestation, attestation_pop)
        if grant_type != PRE_AUTHORIZED_GRANT:
            raise UnsupportedGrantType(f"{grant_type[:64]} is not supported here")
        code = form.get("pre-authorized_code")
        if not code:
            raise OAuthError("pre-authorized_code is required (§6.1)")
        wanted = _authorization_details(form.get("authorization_details"), self._settings)
        # DPoP before the grant: a nonce challenge or a bad proof spends no code and no attempt
        proof = self._admitted_dpop_proof(dpop, "token")
        grant = self.offers.redeem(code, form.get("tx_code"), wanted=wanted)
        ids = grant.configuration_ids if wanted is None else tuple(wanted)
        issued = self.tokens.issue(
            grant.reference, jkt=proof.jkt, configuration_ids=ids, by_identifier=wanted is not None
        )
        return self._token_answer(issued, ids, by_identifier=wanted is not None, scope=False)

    # -- the authorization-code flow (§5, §6.1; RFC 9126, RFC 7636, RFC 9207) -------------------
    def push_authorization_request(
        self,
        body: bytes,
        *,
        content_type: str | None,
        dpop: Sequence[str],
        attestation: Sequence[str],
        attestation_pop: Sequence[str],
    ) -> Answer:
        """PAR (RFC 9126 §2): the wallet attestation authenticates the client; a DPoP proof, if
        sent, binds the code to its key (RFC 9449 §10.1)."""
        if not self.authorization_code_enabled:
            raise NotFound("this issuer takes no authorization requests")
        form = parse_form(body, content_type)
        jkt = None
        if dpop:  # first: a nonce challenge spends no attestation PoP
            proof = self._admitted_dpop_proof(dpop, "par")
            jkt = proof.jkt
        client = self.attestations.verify(
            attestation, attestation_pop, client_id=form.get("client_id")
        )
        wanted = _authorization_details(form.get("authorization_details"), self._settings)
        if wanted is not None and not set(wanted) <= set(configurations()):
            raise InvalidAuthorizationDetails(
                "authorization_details names an unknown configuration"
            )
        pushed = self.authorizations.push(form, client, dpop_jkt=jkt, wanted=wanted)
        return Answer(
            {"request_uri": pushed.request_uri, "expires_in": pushed.expires_in},
            self.dpop.current_nonce(),
        )

    def _authorization_code_token(
        self,
        form: dict[str, str],
        dpop: Sequence[str],
        attestation: Sequence[str],
        attestation_pop: Sequence[str],
    ) -> Answer:
        # DPoP first: a nonce challenge spends neither the attestation PoP nor the code
        proof = self._admitted_dpop_proof(dpop, "token")
        client = self.attestations.verify(
            attestation, attestation_pop, client_id=form.get("client_id")
        )
        grant = self.authorizations.redeem(form, client, dpop_jkt=proof.jkt)
        issued = self.tokens.issue(
            grant.reference,
            jkt=proof.jkt,
            configuration_ids=grant.configuration_ids,
            by_identifier=grant.by_identifier,
        )
        return self._token_answer(
            issued, grant.configuration_ids, by_identifier=grant.by_identifier, scope=True
        )

    def _admitted_dpop_proof(self, dpop: Sequence[str], endpoint: str) -> DpopProof:
        """The request's DPoP proof for ``endpoint``, checked and admitted (server nonce, ``jti``
        spent) in a transaction of its own: a nonce challenge or a bad proof spends nothing
        else (no code, no tx_code attempt, no attestation PoP)."""
        proof = self.dpop.verify(
            dpop,
            method="POST",
            url=self._settings.endpoint(endpoint),
            access_token=None,
            invalid=InvalidDpopProof,
        )
        with self._db.session() as session, _keeping_refusals() as refused:
            self.dpop.admit(session, proof, invalid=InvalidDpopProof, use_nonce=UseDpopNonce)
        refused.raise_kept()
        return proof

    def _token_answer(
        self, issued: IssuedToken, ids: Sequence[str], *, by_identifier: bool, scope: bool
    ) -> Answer:
        """The token response (§6.2): by identifier, one dataset per configuration, identified
        by the configuration id; else the granted ``scope`` where the request used scopes."""
        answer: dict[str, Any] = {
            "access_token": issued.access_token,
            "token_type": "DPoP",
            "expires_in": issued.expires_in,
        }
        if by_identifier:
            answer["authorization_details"] = [
                {
                    "type": "openid_credential",
                    "credential_configuration_id": cid,
                    "credential_identifiers": [cid],
                }
                for cid in ids
            ]
        elif scope:
            answer["scope"] = " ".join(ids)
        return Answer(answer, self.dpop.current_nonce())

    # -- nonce endpoint (§7) -----------------------------------------------------------------
    def nonce(self) -> Answer:
        return Answer({"c_nonce": self.c_nonces.issue()}, self.dpop.current_nonce())

    # -- credential endpoint (§8) ------------------------------------------------------------
    def credential(
        self, request: ResourceRequest, body: bytes, *, content_type: str | None
    ) -> Answer:
        """One transaction per credential response (docs/openid4vci.md, "One transaction per
        credential request"); what needs no database is checked before it begins."""
        try:
            presented = self.resources.present(request, url=self._settings.endpoint("credential"))
            parsed = Ahead.run(
                lambda: parse_credential_request(
                    parse_json_object(body, content_type, invalid=InvalidCredentialRequest)
                )
            )
            now = self._clock()
            keys = self.credential_endpoint.verify_ahead(parsed, now)
            with self._db.session() as session, _keeping_refusals() as refused:
                grant = self.resources.grant(session, presented)
                issued = self.credential_endpoint.issue(session, grant, parsed.get(), keys, now)
            refused.raise_kept()
        except ServiceError as exc:
            if exc.status_code < 500:
                metrics.credential_error(exc.error)
            raise
        for _ in issued.credentials:
            metrics.issued(issued.credential_type)
        return Answer(
            {
                "credentials": [{"credential": c} for c in issued.credentials],
                "notification_id": issued.notification_id,
            },
            self.dpop.current_nonce(),
        )

    # -- notification endpoint (§11) ---------------------------------------------------------
    def notification(
        self, request: ResourceRequest, body: bytes, *, content_type: str | None
    ) -> str:
        """Record the event; returns the DPoP nonce for the client's next proof."""
        presented = self.resources.present(request, url=self._settings.endpoint("notification"))
        with self._db.session() as session, _keeping_refusals() as refused:
            grant = self.resources.grant(session, presented)
            parsed = parse_json_object(body, content_type, invalid=InvalidNotificationRequest)
            notification = parse_notification_request(parsed)
            self.responses.notify(
                session, grant.grant_reference, notification.notification_id, notification.event
            )
        refused.raise_kept()
        return self.dpop.current_nonce()


class _KeptRefusal:
    refusal: ServiceError | None = None

    def raise_kept(self) -> None:
        if self.refusal is not None:
            raise self.refusal


@contextmanager
def _keeping_refusals() -> Iterator[_KeptRefusal]:
    """Inside a transaction: a refusal (4xx) is held until the transaction has committed, so
    what the request consumed before it (a DPoP ``jti``, ``c_nonce`` values) stays consumed;
    any other exception rolls the transaction back."""
    kept = _KeptRefusal()
    try:
        yield kept
    except ServiceError as exc:
        if exc.status_code >= 500:
            raise
        kept.refusal = exc


def _authorization_details(value: str | None, settings: IssuerSettings) -> list[str] | None:
    """The configuration ids of ``authorization_details`` (RFC 9396 §2, OpenID4VCI 1.0 §5.1.1),
    or ``None`` when the parameter is absent."""
    if value is None:
        return None
    try:
        details = loads_json(value, what="authorization_details")
    except MalformedInput:
        raise InvalidAuthorizationDetails("authorization_details is not JSON") from None
    if not isinstance(details, list) or not details:
        raise InvalidAuthorizationDetails("authorization_details must be a non-empty array")
    wanted: list[str] = []
    for detail in details:
        if not isinstance(detail, dict) or detail.get("type") != "openid_credential":
            raise InvalidAuthorizationDetails("each authorization detail must be openid_credential")
        cid = detail.get("credential_configuration_id")
        if not isinstance(cid, str) or cid in wanted:
            raise InvalidAuthorizationDetails(
                "each authorization detail names one distinct credential_configuration_id"
            )
        locations = detail.get("locations")
        if locations is not None and (
            not isinstance(locations, list) or settings.credential_issuer not in locations
        ):
            raise InvalidAuthorizationDetails("locations must name this credential issuer")
        wanted.append(cid)
    return wanted
