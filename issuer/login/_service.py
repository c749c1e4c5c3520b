"""Citizens' login: the OpenID Connect relying party (PKCE S256, state bound to the browser,
nonce, RFC 9207 ``iss``) and the step from the provider's identity to the authentic source's
pseudonymous subject.

The national number (the ``identifier_claim`` of the ID token) is used once, to ask the source
for its subject id, and then forgotten: it is never stored, logged or put in a URL; sessions,
issuances and audit entries know the subject id only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import httpx

from issuer.errors import LoginFailed, LoginUnavailable, UnknownCitizen
from issuer.login._attempts import LoginAttempts, ReturnedLogin
from issuer.login._provider import OidcProvider
from issuer.settings import IssuerSettings
from issuer.sources import AuthenticSource
from issuer.storage import Database

#: Where the provider sends the citizen back (one redirect URI for the portal and the wallet's
#: authorization requests).
CALLBACK_PATH = "portal/login/callback"
MAX_PARAMETER_CHARS = 2048


@dataclass(frozen=True)
class LoginRedirect:
    url: str
    #: The login cookie's value (:class:`issuer.login._attempts.StartedLogin`).
    binding: str


@dataclass(frozen=True)
class CitizenIdentity:
    subject_id: str
    purpose: str
    resume: str


class CitizenLogin:
    def __init__(
        self,
        db: Database,
        settings: IssuerSettings,
        source: AuthenticSource,
        clock: Callable[[], datetime],
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._settings = settings.login
        self._source = source
        self.attempts = LoginAttempts(db, self._settings.attempt_lifetime_seconds, clock)
        self.redirect_uri = settings.endpoint(CALLBACK_PATH)
        self._provider = (
            None
            if self._settings.issuer_url is None
            else OidcProvider(
                self._settings,
                self.redirect_uri,
                transport=transport,
                clock=lambda: clock().timestamp(),
            )
        )

    @property
    def configured(self) -> bool:
        return self._provider is not None

    def _required_provider(self) -> OidcProvider:
        if self._provider is None:
            raise LoginUnavailable(
                "no login provider is configured (CIVICRED_ISSUER_LOGIN__ISSUER_URL)"
            )
        return self._provider

    def begin(self, *, purpose: str, resume: str) -> LoginRedirect:
        provider = self._required_provider()
        started = self.attempts.start(purpose=purpose, resume=resume)
        url = provider.authorization_url(
            state=started.state, nonce=started.nonce, code_verifier=started.code_verifier
        )
        return LoginRedirect(url, started.binding)

    def complete(self, query: Mapping[str, str], binding: str | None) -> CitizenIdentity:
        """The provider's authorization response (OpenID Connect Core 1.0 §3.1.2.5-6)."""
        provider = self._required_provider()
        state = query.get("state")
        if not state or len(state) > MAX_PARAMETER_CHARS:
            raise LoginFailed("the login response has no state")
        returned = self.attempts.finish(state, binding)  # spent even if what follows fails
        provider.check_response_issuer(query.get("iss"))
        if "error" in query:
            raise LoginFailed("the login provider did not log the citizen in")
        code = query.get("code")
        if not code or len(code) > MAX_PARAMETER_CHARS:
            raise LoginFailed("the login response has no code")
        claims = provider.redeem(code, nonce=returned.nonce, code_verifier=returned.code_verifier)
        return self._identity(claims, returned)

    def _identity(self, claims: Mapping[str, object], returned: ReturnedLogin) -> CitizenIdentity:
        number = claims.get(self._settings.identifier_claim)
        if not isinstance(number, str) or not number:
            raise LoginFailed("the ID token does not carry the citizen's identifier")
        subject_id = self._source.subject_for(number)
        if subject_id is None:
            raise UnknownCitizen("the authentic source has no record of this citizen")
        return CitizenIdentity(subject_id, returned.purpose, returned.resume)

    def dev_identity(self, subject_id: str, *, purpose: str, resume: str) -> CitizenIdentity:
        """DEV ONLY (``dev_login``): a subject chosen from a list, no authentication."""
        try:
            self._source.person(subject_id)
        except KeyError:
            raise UnknownCitizen("the authentic source has no record of this citizen") from None
        return CitizenIdentity(subject_id, purpose, resume)
