"""The authorization-code flow of wallet-initiated issuance, as HAIP 1.0 §4 profiles it
(docs/portal.md, "Authorization-code flow"):

1. **PAR** (RFC 9126): the wallet pushes its request, authenticated by its wallet attestation;
   ``response_type=code``, PKCE ``S256`` (RFC 7636; HAIP: MUST), ``redirect_uri``, ``scope``
   (credential configuration ids, OpenID4VCI 1.0 §5.1.2) or ``authorization_details``
   (§5.1.1), ``state``; a DPoP proof (or ``dpop_jkt``) binds the code to the wallet's DPoP key
   (RFC 9449 §10). Answer: a single-use ``request_uri`` that lives ``authorization_request_
   lifetime_seconds``.
2. **Authorization endpoint**: only ``client_id`` and ``request_uri`` (RFC 9126 §4); the citizen
   logs in through the OpenID Connect provider (issuer.login), then
3. the **authorization response** to ``redirect_uri`` with ``code``, ``state`` and ``iss``
   (RFC 9207 §2) — or ``error=access_denied`` when the authentic source cannot back the asked
   credentials for her;
4. the **token request** (``grant_type=authorization_code``): the same attested client, the
   ``code_verifier`` whose S256 is the challenge (RFC 7636 §4.6), the same ``redirect_uri``
   (RFC 6749 §4.1.3), a DPoP proof of the bound key; the code is single use (a conditional
   ``UPDATE``). The grant then is an ordinary grant of :mod:`issuer.oid4vci`: an
   :class:`OfferRow` with the authorization's id, redeemed, for its subject.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select, update

from issuer.catalog._claims import CLAIM_BUILDERS
from issuer.errors import InvalidGrant, InvalidRequest, NotFound, OAuthError
from issuer.oid4vci._attestation import AttestedClient
from issuer.oid4vci._configurations import configurations
from issuer.oid4vci._secrets import digest, new_reference, new_secret
from issuer.settings import IssuerSettings, is_loopback
from issuer.sources import AuthenticSource
from issuer.storage import AuthorizationRow, Database, OfferRow

AUTHORIZATION_CODE_GRANT = "authorization_code"
REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:"
_PKCE_CHALLENGE = 43  # base64url of a SHA-256 digest, no padding
_UNUSABLE_CODE = "the authorization code is unknown, expired or already used"


@dataclass(frozen=True)
class PushedRequest:
    request_uri: str
    expires_in: int


@dataclass(frozen=True)
class AuthorizationGrant:
    reference: str
    configuration_ids: tuple[str, ...]
    by_identifier: bool


def _redirect_uri(value: str | None) -> str:
    """An absolute redirect URI without fragment (RFC 6749 §3.1.2): https, a wallet's own scheme,
    or http on a loopback address (RFC 8252 §7.3)."""
    if not value or len(value) > 1024:
        raise InvalidRequest("redirect_uri is required")
    parts = urlsplit(value)
    if (
        not parts.scheme
        or parts.fragment
        or (parts.scheme in ("http", "https") and not parts.hostname)
    ):
        raise InvalidRequest("redirect_uri must be an absolute URI without fragment")
    if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        raise InvalidRequest("redirect_uri may use http on a loopback address only")
    if parts.scheme in ("javascript", "data", "file"):
        raise InvalidRequest("redirect_uri has a scheme that cannot be a wallet")
    return value


def s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest())
        .rstrip(b"=")
        .decode()
    )


class Authorizations:
    def __init__(
        self,
        db: Database,
        settings: IssuerSettings,
        source: AuthenticSource,
        clock: Callable[[], datetime],
    ) -> None:
        self._db = db
        self._settings = settings
        self._config = settings.oid4vci
        self._source = source
        self._clock = clock

    # -- 1. PAR ----------------------------------------------------------------------------------
    def push(
        self,
        form: Mapping[str, str],
        client: AttestedClient,
        *,
        dpop_jkt: str | None,
        wanted: Sequence[str] | None,
    ) -> PushedRequest:
        """Store a pushed authorization request (RFC 9126 §2.1); ``wanted``: the configuration
        ids of ``authorization_details``, if given."""
        if "request_uri" in form or "request" in form:
            raise InvalidRequest(
                "a pushed request carries its parameters, not request or request_uri"
            )
        if form.get("response_type") != "code":
            raise OAuthError("response_type must be code")
        if form.get("code_challenge_method") != "S256":
            raise InvalidRequest("PKCE with code_challenge_method S256 is required (HAIP)")
        challenge = form.get("code_challenge", "")
        if len(challenge) != _PKCE_CHALLENGE:
            raise InvalidRequest("code_challenge must be the base64url S256 of the verifier")
        redirect_uri = _redirect_uri(form.get("redirect_uri"))
        state = form.get("state")
        if state is not None and len(state) > 512:
            raise InvalidRequest("state is limited to 512 characters")
        if wanted is not None:
            configuration_ids = list(wanted)
        else:
            scopes = [s for s in form.get("scope", "").split(" ") if s]
            unknown = [s for s in scopes if s not in configurations()]
            if not scopes or unknown:
                raise OAuthError("scope must name credential configurations of this issuer")
            configuration_ids = list(dict.fromkeys(scopes))
        bound = form.get("dpop_jkt")
        if bound is not None and dpop_jkt is not None and bound != dpop_jkt:
            raise InvalidRequest("dpop_jkt is not the key of the DPoP proof (RFC 9449 §10.1)")
        secret, now = new_secret(), self._clock()
        lifetime = self._config.authorization_request_lifetime_seconds
        with self._db.session() as session:
            session.add(
                AuthorizationRow(
                    id=new_reference(),
                    request_uri_digest=digest("request_uri", secret),
                    client_id=client.client_id,
                    client_jkt=client.instance_jkt,
                    redirect_uri=redirect_uri,
                    state=state,
                    code_challenge=challenge,
                    configuration_ids=configuration_ids,
                    by_identifier=wanted is not None,
                    dpop_jkt=dpop_jkt or bound,
                    request_expires_at=now + timedelta(seconds=lifetime),
                )
            )
        return PushedRequest(f"{REQUEST_URI_PREFIX}{secret}", lifetime)

    # -- 2. the authorization endpoint -----------------------------------------------------------
    def open(self, client_id: str | None, request_uri: str | None) -> str:
        """The authorization's reference for a pushed request, used once (RFC 9126 §4). Errors
        here are shown, never redirected: the redirect URI is not known to be the client's."""
        if not client_id or not request_uri or not request_uri.startswith(REQUEST_URI_PREFIX):
            raise InvalidRequest("client_id and the request_uri of a pushed request are required")
        key = digest("request_uri", request_uri.removeprefix(REQUEST_URI_PREFIX))
        now = self._clock()
        with self._db.session() as session:
            row = session.scalars(
                select(AuthorizationRow).where(AuthorizationRow.request_uri_digest == key)
            ).first()
            if row is None or not hmac.compare_digest(row.client_id, client_id):
                raise NotFound("no such authorization request (unknown, expired or used)")
            opened = session.execute(
                update(AuthorizationRow)
                .where(
                    AuthorizationRow.id == row.id,
                    AuthorizationRow.request_used_at.is_(None),
                    AuthorizationRow.request_expires_at > now,
                )
                .values(request_used_at=now)
            )
            if opened.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFound("no such authorization request (unknown, expired or used)")
            return row.id

    # -- 3. the authorization response -----------------------------------------------------------
    def respond(self, reference: str, subject_id: str) -> str:
        """The redirect to the wallet after the citizen ``subject_id`` logged in: with a code,
        or ``error=access_denied`` when the source cannot back the credentials asked for."""
        now = self._clock()
        with self._db.session() as session:
            row = session.get(AuthorizationRow, reference)
            login_until = (
                None
                if row is None or row.request_used_at is None
                else row.request_used_at
                + timedelta(seconds=self._config.authorization_login_seconds)
            )
            if (
                row is None
                or row.subject_id is not None
                or login_until is None
                or login_until <= now
            ):
                raise NotFound("no such authorization request (unknown, expired or used)")
            redirect, state = row.redirect_uri, row.state
            if not self._eligible(subject_id, row.configuration_ids):
                session.execute(
                    update(AuthorizationRow)
                    .where(AuthorizationRow.id == reference)
                    .values(subject_id=subject_id)
                )
                return self._redirect(redirect, {"error": "access_denied", "state": state})
            code = new_secret()
            claimed = session.execute(
                update(AuthorizationRow)
                .where(AuthorizationRow.id == reference, AuthorizationRow.subject_id.is_(None))
                .values(
                    subject_id=subject_id,
                    code_digest=digest("authorization_code", code),
                    code_expires_at=now
                    + timedelta(seconds=self._config.authorization_code_lifetime_seconds),
                )
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFound("no such authorization request (unknown, expired or used)")
        return self._redirect(redirect, {"code": code, "state": state})

    def _eligible(self, subject_id: str, configuration_ids: Sequence[str]) -> bool:
        try:
            person = self._source.person(subject_id)
        except KeyError:
            return False
        today = self._clock().date()
        for cid in configuration_ids:
            try:
                CLAIM_BUILDERS[configurations()[cid].id](person, today)
            except ValueError:
                return False
        return True

    def _redirect(self, redirect_uri: str, parameters: Mapping[str, str | None]) -> str:
        query = {k: v for k, v in parameters.items() if v is not None}
        query["iss"] = self._settings.credential_issuer  # RFC 9207 §2
        separator = "&" if urlsplit(redirect_uri).query else "?"
        return f"{redirect_uri}{separator}{urlencode(query)}"

    # -- 4. the token request --------------------------------------------------------------------
    def redeem(
        self, form: Mapping[str, str], client: AttestedClient, *, dpop_jkt: str
    ) -> AuthorizationGrant:
        code, verifier = form.get("code"), form.get("code_verifier")
        if not code:
            raise OAuthError("code is required (RFC 6749 §4.1.3)")
        if not verifier or not 43 <= len(verifier) <= 128:
            raise InvalidGrant("code_verifier is required (PKCE, RFC 7636 §4.5)")
        now = self._clock()
        with self._db.session() as session:
            row = session.scalars(
                select(AuthorizationRow).where(
                    AuthorizationRow.code_digest == digest("authorization_code", code)
                )
            ).first()
            if (
                row is None
                or row.code_redeemed_at is not None
                or row.code_expires_at is None
                or row.code_expires_at <= now
                or row.subject_id is None
            ):
                raise InvalidGrant(_UNUSABLE_CODE)
            if row.client_id != client.client_id or row.client_jkt != client.instance_jkt:
                raise InvalidGrant("the authorization code was issued to another client")
            if not hmac.compare_digest(s256(verifier), row.code_challenge):
                raise InvalidGrant(
                    "code_verifier does not match the code_challenge (RFC 7636 §4.6)"
                )
            if form.get("redirect_uri") != row.redirect_uri:
                raise InvalidGrant("redirect_uri is not the one of the authorization request")
            if row.dpop_jkt is not None and row.dpop_jkt != dpop_jkt:
                raise InvalidGrant(
                    "the DPoP key is not the one the code is bound to (RFC 9449 §10)"
                )
            redeemed = session.execute(
                update(AuthorizationRow)
                .where(AuthorizationRow.id == row.id, AuthorizationRow.code_redeemed_at.is_(None))
                .values(code_redeemed_at=now)
            )
            if redeemed.rowcount != 1:  # type: ignore[attr-defined]
                raise InvalidGrant(_UNUSABLE_CODE)
            # the grant as the rest of issuer.oid4vci knows grants (a redeemed offer row)
            session.add(
                OfferRow(
                    id=row.id,
                    handle_digest=digest("authorization_handle", new_secret()),
                    code_digest=digest("pre-authorized_code", new_secret()),
                    subject_id=row.subject_id,
                    configuration_ids=list(row.configuration_ids),
                    tx_code_attempts=0,
                    created_at=now,
                    expires_at=now,
                    redeemed_at=now,
                )
            )
            return AuthorizationGrant(row.id, tuple(row.configuration_ids), row.by_identifier)
