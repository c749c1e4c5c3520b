"""Portal sessions: a random secret in the citizen's cookie, its digest in the database (any
replica finds it), an idle and an absolute limit, and a CSRF token derived from the secret (a
page's forms carry it; nothing else has to be stored).

A login always makes a new session (the old one, if any, is ended first: no session fixation);
logout ends it. Only the source's pseudonymous subject id is kept.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from issuer.oid4vci._secrets import derive, digest, new_secret
from issuer.settings import LoginSettings
from issuer.storage import Database, PortalSessionRow

#: ``last_seen_at`` is written at most this often (the idle limit is coarse anyway).
TOUCH_SECONDS = 30


@dataclass(frozen=True)
class PortalSession:
    secret: str
    subject_id: str

    @property
    def csrf_token(self) -> str:
        return derive("portal_csrf", self.secret)

    def csrf_matches(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token, self.csrf_token)


class PortalSessions:
    def __init__(
        self, db: Database, settings: LoginSettings, clock: Callable[[], datetime]
    ) -> None:
        self._db = db
        self._idle = timedelta(seconds=settings.session_idle_seconds)
        self._lifetime = timedelta(seconds=settings.session_lifetime_seconds)
        self._clock = clock

    def open(self, subject_id: str, *, replacing: str | None = None) -> PortalSession:
        """A new session for ``subject_id``; ``replacing`` (the browser's old session secret)
        is ended first."""
        if replacing is not None:
            self.end(replacing)
        secret, now = new_secret(), self._clock()
        with self._db.session() as session:
            session.execute(delete(PortalSessionRow).where(PortalSessionRow.expires_at <= now))
            session.add(
                PortalSessionRow(
                    id_digest=digest("portal_session", secret),
                    subject_id=subject_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + self._lifetime,
                )
            )
        return PortalSession(secret, subject_id)

    def find(self, secret: str | None) -> PortalSession | None:
        """The live session of ``secret`` (its idle time restarts), or ``None``."""
        if not secret or len(secret) > 128:
            return None
        key, now = digest("portal_session", secret), self._clock()
        with self._db.session() as session:
            row = session.scalars(
                select(PortalSessionRow).where(PortalSessionRow.id_digest == key)
            ).first()
            if row is None or row.expires_at <= now or row.last_seen_at + self._idle <= now:
                if row is not None:
                    session.delete(row)
                return None
            if now - row.last_seen_at > timedelta(seconds=TOUCH_SECONDS):
                session.execute(
                    update(PortalSessionRow)
                    .where(PortalSessionRow.id_digest == key)
                    .values(last_seen_at=now)
                )
            return PortalSession(secret, row.subject_id)

    def end(self, secret: str) -> None:
        with self._db.session() as session:
            session.execute(
                delete(PortalSessionRow).where(
                    PortalSessionRow.id_digest == digest("portal_session", secret)
                )
            )
