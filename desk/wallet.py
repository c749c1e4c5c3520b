"""Wallet presentations at the desk over OpenID4VP 1.0 (docs/desk.md §OpenID4VP), as
transactions the HTTP routes drive and a test can drive without HTTP.

A **transaction** is made when the page asks for a wallet request: fresh random ids (the page's
handle, the request id in ``request_uri``, ``state``), a fresh ``nonce`` (§14.1), for
``direct_post.jwt`` a fresh P-256 key to encrypt the response to (§8.3), and the request object
signed once (:mod:`verifier.oid4vp`). Then:

1. the wallet fetches the request object by its request id while the transaction is pending;
2. the wallet posts its response: the transaction is found by the JWE's ``kid`` (or, unencrypted,
   by ``state``: ``direct_post``, and error responses) and **taken under the lock**, so that exactly one response is ever judged for
   one nonce; a response that cannot be opened or does not answer the query gives the
   transaction back (a stranger who read the request object cannot spoil it); a presentation is
   verified with the transaction's nonce and the client id as the KB-JWT's ``nonce`` and
   ``aud``, and its verdict kept;
3. the page collects the verdict once, with its own handle, and the transaction is forgotten.

A transaction lives ``lifetime``; after that its request object is gone and its responses are
``oid4vp.expired`` for one more lifetime, ``oid4vp.state`` later (it is forgotten entirely).
Every refusal is a :class:`~verifier.oid4vp.Refused` with its ``oid4vp.*`` code.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric import ec

from desk.identity import VerifierIdentity
from desk.sources import Channel, Presentation
from desk.verdicts import Verdict, verdict_of
from verifier import Check, CheckResult, VerificationReport, codes
from verifier.jose import EC_CURVES, KEY_AGREEMENTS, jwk_from_public_key
from verifier.oid4vp import (
    DIRECT_POST_JWT,
    AuthorizationRequest,
    DcqlQuery,
    Refused,
    ResponseForm,
    dcql_query,
    open_response,
    parse_form,
    presentations_of,
    sign_request,
    wallet_link,
)
from verifier.policies import Policy

#: ``(presentation, audience) → verdict``: the desk's verification under its policy.
Judge = Callable[[Presentation, str], Verdict]
REQUEST_PATH = "/oid4vp/request/"
RESPONSE_PATH = "/oid4vp/response"
_ENCRYPTION_ALG = "ECDH-ES"


class Phase(StrEnum):
    PENDING = "pending"  # the wallet may fetch the request and answer
    ANSWERING = "answering"  # one response is being judged
    DONE = "done"  # the verdict waits for the page


@dataclass
class Transaction:
    id: str
    request_id: str
    request: AuthorizationRequest
    request_object: str
    link: str
    expires_at: datetime
    key: ec.EllipticCurvePrivateKey | None = field(repr=False)
    kid: str | None = None
    phase: Phase = Phase.PENDING
    verdict: Verdict | None = field(default=None, repr=False)

    @property
    def state(self) -> str:
        return self.request.state


@dataclass(frozen=True, slots=True)
class Started:
    id: str
    link: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Pending:
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Finished:
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class Answered:
    """The response was judged (whatever the verdict: the wallet learns nothing of it)."""


@dataclass(frozen=True, slots=True)
class Busy:
    """Too many open requests: the desk makes no more until some end."""

    message: str


class WalletRequests:
    """The desk's open wallet requests, in memory only (they are worth minutes)."""

    def __init__(
        self,
        *,
        policy: Policy,
        identity: VerifierIdentity,
        base_url: str,
        response_mode: str = DIRECT_POST_JWT,
        lifetime: timedelta = timedelta(minutes=3),
        max_open: int = 64,
    ) -> None:
        self.policy = policy
        self.query: DcqlQuery | None = dcql_query(policy)
        self.identity = identity
        self.base_url = base_url.rstrip("/")
        self.response_mode = response_mode
        self.lifetime = lifetime
        self.max_open = max_open
        self._lock = threading.Lock()
        self._by_id: dict[str, Transaction] = {}
        self._by_request: dict[str, Transaction] = {}
        self._by_answer: dict[str, Transaction] = {}  # by state, and by kid when encrypted

    @property
    def enabled(self) -> bool:
        """A purpose that accepts no SD-JWT VC asks no wallet."""
        return self.query is not None

    # -- the page asks for a request -----------------------------------------------------------
    def start(self, now: datetime) -> Started | Busy:
        """A new transaction, or :class:`Busy` when ``max_open`` are open."""
        assert self.query is not None, "the purpose asks no wallet"
        with self._lock:
            self._sweep(now)
            if len(self._by_id) >= self.max_open:
                return Busy(f"{self.max_open} wallet requests are open")
        key = kid = jwk = None
        if self.response_mode == DIRECT_POST_JWT:
            key = ec.generate_private_key(EC_CURVES[KEY_AGREEMENTS[_ENCRYPTION_ALG].curve])
            kid = _token()
            jwk = {**jwk_from_public_key(key.public_key()), "kid": kid, "use": "enc",
                   "alg": _ENCRYPTION_ALG}  # fmt: skip
        at = int(now.timestamp())
        expires = now + self.lifetime
        request = AuthorizationRequest(
            client_id=self.identity.client_id, response_uri=self.base_url + RESPONSE_PATH,
            response_mode=self.response_mode, nonce=_token(), state=_token(), query=self.query,
            issued_at=at, expires_at=int(expires.timestamp()), encryption_jwk=jwk,
        )  # fmt: skip
        request_id = _token()
        link = wallet_link(self.identity.client_id, self.base_url + REQUEST_PATH + request_id)
        signed = sign_request(request, self.identity.signer)
        transaction = Transaction(_token(), request_id, request, signed, link, expires, key, kid)
        with self._lock:
            if len(self._by_id) >= self.max_open:  # others started meanwhile
                return Busy(f"{self.max_open} wallet requests are open")
            self._by_id[transaction.id] = transaction
            self._by_request[request_id] = transaction
            self._by_answer[request.state] = transaction
            if kid is not None:
                self._by_answer[kid] = transaction
        return Started(transaction.id, link, expires)

    # -- the wallet fetches the request object ------------------------------------------------
    def request_object(self, request_id: str, now: datetime) -> str | Refused:
        with self._lock:
            self._sweep(now)
            transaction = self._by_request.get(request_id)
            if transaction is None or transaction.phase is not Phase.PENDING:
                return Refused(codes.OID4VP_REQUEST, "no open request has this id")
            if now >= transaction.expires_at:
                return Refused(codes.OID4VP_EXPIRED, "the request has expired")
            return transaction.request_object

    # -- the wallet answers --------------------------------------------------------------------
    def respond(
        self, body: bytes, media_type: str, now: datetime, judge: Judge
    ) -> Answered | Refused:
        form = parse_form(body, media_type)
        if isinstance(form, Refused):
            return form
        transaction = self._take(form, now)
        if isinstance(transaction, Refused):
            return transaction
        try:
            verdict = self._judge(transaction, form, judge)
        except BaseException:
            self._give_back(transaction)
            raise
        if isinstance(verdict, Refused):
            self._give_back(transaction)
            return verdict
        with self._lock:
            transaction.verdict, transaction.phase = verdict, Phase.DONE
            transaction.key = None  # the response is read: its key is not needed any more
        return Answered()

    def _take(self, form: ResponseForm, now: datetime) -> Transaction | Refused:
        handle = form.kid if form.encrypted is not None else form.state
        with self._lock:
            self._sweep(now)
            transaction = self._by_answer.get(handle) if handle else None
            if transaction is None:
                return Refused(codes.OID4VP_STATE, "no request is waiting for this response")
            if now >= transaction.expires_at:
                return Refused(codes.OID4VP_EXPIRED, "the request has expired")
            if transaction.phase is not Phase.PENDING:
                return Refused(codes.OID4VP_STATE, "this request has been answered")
            transaction.phase = Phase.ANSWERING
            return transaction

    def _give_back(self, transaction: Transaction) -> None:
        with self._lock:
            if transaction.phase is Phase.ANSWERING:
                transaction.phase = Phase.PENDING

    def _judge(
        self, transaction: Transaction, form: ResponseForm, judge: Judge
    ) -> Verdict | Refused:
        response = open_response(form, transaction.key)
        if isinstance(response, Refused):
            return response
        if response.state != transaction.state:  # §8.2: state ties the response to the request
            return Refused(codes.OID4VP_STATE, "the response is for another request")
        if response.error is not None:  # §8.5: the holder declined, or the wallet could not
            return verdict_of(_declined(response.error), self.policy)
        assert self.query is not None
        presented = presentations_of(response.vp_token, self.query)
        if isinstance(presented, Refused):
            return presented
        (only,) = presented  # every answer the query allows is one credential (DcqlQuery.options)
        asked = self.query.credential(only.credential_id)
        assert asked is not None
        presentation = Presentation(only.presentation.encode("utf-8"), Channel.WALLET,
                                    nonce=transaction.request.nonce, types=frozenset({asked.vct}))  # fmt: skip
        return judge(presentation, transaction.request.client_id)

    # -- the page collects the verdict ---------------------------------------------------------
    def outcome(self, transaction_id: str, now: datetime) -> Pending | Finished | Refused:
        with self._lock:
            self._sweep(now)
            transaction = self._by_id.get(transaction_id)
            if transaction is None:
                return Refused(codes.OID4VP_STATE, "no such wallet request")
            verdict = transaction.verdict
            if transaction.phase is Phase.DONE and verdict is not None:
                self._forget(transaction)
                return Finished(verdict)
            if now >= transaction.expires_at and transaction.phase is Phase.PENDING:
                self._forget(transaction)
                return Refused(codes.OID4VP_EXPIRED, "the request has expired")
            return Pending(transaction.expires_at)

    def cancel(self, transaction_id: str) -> None:
        """The page moved on: the request is withdrawn and its answer will not be looked at."""
        with self._lock:
            transaction = self._by_id.get(transaction_id)
            if transaction is not None:
                self._forget(transaction)

    def _forget(self, transaction: Transaction) -> None:
        self._by_id.pop(transaction.id, None)
        self._by_request.pop(transaction.request_id, None)
        self._by_answer.pop(transaction.state, None)
        if transaction.kid is not None:
            self._by_answer.pop(transaction.kid, None)
        transaction.key = transaction.verdict = None

    def _sweep(self, now: datetime) -> None:
        """Forget what ended more than one lifetime ago (expired requests, uncollected
        verdicts); until then a late response is told ``oid4vp.expired``."""
        ended = now - self.lifetime
        for transaction in [t for t in self._by_id.values() if t.expires_at <= ended]:
            if transaction.phase is not Phase.ANSWERING:
                self._forget(transaction)


def _declined(error: str) -> VerificationReport:
    shown = error if error.replace("_", "").isalnum() else "error"
    return VerificationReport.from_checks(
        [
            Check(
                codes.OID4VP_WALLET_ERROR,
                CheckResult.UNDETERMINED,
                f"the wallet answered {shown[:40]}",
            )
        ]
    )


def _token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits (§14.1: a nonce an attacker cannot guess)
