"""Login attempts: what the relying party remembers between sending the citizen to the provider
and her coming back (state, nonce, PKCE verifier, where to resume), in the database so that any
replica can finish what another started. Single use (a conditional ``DELETE``), short-lived, and
bound to the browser: the state is accepted only with the login cookie set when it started
(OAuth 2.0 Security BCP, RFC 9700 §4.7: CSRF on the redirect URI)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from issuer.errors import LoginFailed
from issuer.oid4vci._secrets import digest, new_secret
from issuer.storage import Database, LoginAttemptRow

PORTAL = "portal"
AUTHORIZE = "authorize"
_UNUSABLE = "this login is unknown, expired or already used: start again"


@dataclass(frozen=True)
class StartedLogin:
    state: str
    #: The value of the browser's login cookie (what binds the state to it).
    binding: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class ReturnedLogin:
    purpose: str
    resume: str
    nonce: str
    code_verifier: str


class LoginAttempts:
    def __init__(self, db: Database, lifetime_seconds: int, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._lifetime = lifetime_seconds
        self._clock = clock

    def start(self, *, purpose: str, resume: str) -> StartedLogin:
        started = StartedLogin(new_secret(), new_secret(), new_secret(), new_secret())
        now = self._clock()
        with self._db.session() as session:
            session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.expires_at <= now))
            session.add(
                LoginAttemptRow(
                    state_digest=digest("login_state", started.state),
                    binding_digest=digest("login_binding", started.binding),
                    nonce=started.nonce,
                    code_verifier=started.code_verifier,
                    purpose=purpose,
                    resume=resume,
                    expires_at=now + timedelta(seconds=self._lifetime),
                )
            )
        return started

    def finish(self, state: str, binding: str | None) -> ReturnedLogin:
        """The attempt of ``state``, once, from the browser that started it."""
        state_digest = digest("login_state", state)
        with self._db.session() as session:
            row = session.scalars(
                select(LoginAttemptRow).where(LoginAttemptRow.state_digest == state_digest)
            ).first()
            if row is None or row.expires_at <= self._clock():
                raise LoginFailed(_UNUSABLE)
            if binding is None or not hmac.compare_digest(
                row.binding_digest, digest("login_binding", binding)
            ):
                raise LoginFailed("this login was started in another browser: start again")
            removed = session.execute(
                delete(LoginAttemptRow).where(LoginAttemptRow.state_digest == state_digest)
            )
            if removed.rowcount != 1:  # type: ignore[attr-defined]
                raise LoginFailed(_UNUSABLE)
            return ReturnedLogin(row.purpose, row.resume, row.nonce, row.code_verifier)
