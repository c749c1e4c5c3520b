"""Nonces and replay records in the database (docs/openid4vci.md, "State"): shared by every
process, single use by a conditional ``DELETE`` or a unique ``INSERT`` whose outcome is checked.

- ``c_nonce`` (OpenID4VCI 1.0 §7): unpredictable, single use, short-lived; a key proof must carry
  one. Stored as a digest; consuming it deletes it.
- Server DPoP nonces (RFC 9449 §8, §9): one current nonce for all clients, replaced after half of
  its lifetime and accepted for all of it, so a client that just received one never gets a
  ``use_dpop_nonce`` challenge on its next request.
- DPoP ``jti`` (RFC 9449 §11.1): each proof is accepted once while its ``iat`` is in the window.

Expired rows are deleted when a row of the same kind is written, at most once a minute per
process (:class:`Sweep`): an expired row is refused by its ``expires_at`` anyway, so the sweep is
housekeeping, not a check.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from issuer.oid4vci._secrets import digest, new_secret
from issuer.settings import OpenId4VciSettings
from issuer.storage import (
    CNonceRow,
    Database,
    DpopJtiRow,
    DpopNonceRow,
    insert_if_absent,
    table_of,
)

Clock = Callable[[], datetime]
SWEEP_INTERVAL = timedelta(seconds=60)


_C_NONCES = table_of(CNonceRow)
_CONSUME_C_NONCE = delete(_C_NONCES).where(
    _C_NONCES.c.digest == bindparam("digest"), _C_NONCES.c.expires_at > bindparam("now")
)


class Sweep:
    """When a table's expired rows are due to be deleted again (this process)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._next: datetime | None = None

    def due(self) -> bool:
        now = self._clock()
        if self._next is not None and now < self._next:
            return False
        self._next = now + SWEEP_INTERVAL
        return True


class CNonces:
    def __init__(self, db: Database, settings: OpenId4VciSettings, clock: Clock) -> None:
        self._db = db
        self._lifetime = timedelta(seconds=settings.c_nonce_lifetime_seconds)
        self._clock = clock
        self._sweep = Sweep(clock)

    def issue(self) -> str:
        value, now = new_secret(), self._clock()
        with self._db.session() as session:
            if self._sweep.due():
                session.execute(delete(CNonceRow).where(CNonceRow.expires_at <= now))
            session.execute(
                insert(CNonceRow).values(
                    digest=digest("c_nonce", value), expires_at=now + self._lifetime
                )
            )
        return value

    def consume(self, session: Session, value: str) -> bool:
        """True exactly once for an issued, unexpired ``value`` (in the caller's transaction)."""
        result = session.connection().execute(
            _CONSUME_C_NONCE, {"digest": digest("c_nonce", value), "now": self._clock()}
        )
        return bool(result.rowcount == 1)


class DpopNonces:
    """The server DPoP nonces. The newest one this process handed out or looked up is kept in
    memory with its expiry: a nonce is never withdrawn before it expires, so answering from it
    is what the database would answer, without a query on every request."""

    def __init__(self, db: Database, settings: OpenId4VciSettings, clock: Clock) -> None:
        self._db = db
        self._lifetime = timedelta(seconds=settings.dpop_nonce_lifetime_seconds)
        self._clock = clock
        self._sweep = Sweep(clock)
        self._known: tuple[str, datetime] | None = None  # (value, expires_at)

    def current(self, session: Session | None = None) -> str:
        """The nonce to hand out now: the newest one with more than half its lifetime left, or a
        new one (two processes may both make one: both are valid). Looked up in ``session``
        when given (inside a request's transaction), else in a transaction of its own."""
        now = self._clock()
        known = self._known
        if known is not None and known[1] > now + self._lifetime / 2:
            return known[0]
        if session is None:
            with self._db.session() as own:
                value, expires_at = self._newest(own, now)
        else:
            value, expires_at = self._newest(session, now)
        self._known = (value, expires_at)
        return value

    def _newest(self, session: Session, now: datetime) -> tuple[str, datetime]:
        found = session.execute(
            select(DpopNonceRow.value, DpopNonceRow.expires_at)
            .where(DpopNonceRow.expires_at > now + self._lifetime / 2)
            .order_by(DpopNonceRow.expires_at.desc())
            .limit(1)
        ).first()
        if found is not None:
            return found[0], found[1]
        value, expires_at = new_secret(), now + self._lifetime
        if self._sweep.due():
            session.execute(delete(DpopNonceRow).where(DpopNonceRow.expires_at <= now))
        session.execute(insert(DpopNonceRow).values(value=value, expires_at=expires_at))
        return value, expires_at

    def accepts(self, session: Session, value: object) -> bool:
        if not isinstance(value, str):
            return False
        now, known = self._clock(), self._known
        if known is not None and known[0] == value:
            return known[1] > now
        return (
            session.scalars(
                select(DpopNonceRow.value).where(
                    DpopNonceRow.value == value, DpopNonceRow.expires_at > now
                )
            ).first()
            is not None
        )


class DpopReplay:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._sweep = Sweep(clock)

    def first_use(self, session: Session, jkt: str, jti: str, *, remember_until: datetime) -> bool:
        """True the first time ``jti`` comes with the key ``jkt``; False for a replay (in the
        caller's transaction: on PostgreSQL a concurrent first use waits for that one's end)."""
        if self._sweep.due():
            session.execute(delete(DpopJtiRow).where(DpopJtiRow.expires_at <= self._clock()))
        return insert_if_absent(
            session, DpopJtiRow, digest=digest("dpop_jti", jkt, jti), expires_at=remember_until
        )
