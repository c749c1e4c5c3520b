"""Access tokens: opaque, random, short-lived, DPoP-bound (RFC 9449 §6), stored as digests.

A token carries no data; its row says which grant and configurations it covers and which key it
is bound to (``jkt``). Every process of the service reads the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from issuer.oid4vci._nonces import Sweep
from issuer.oid4vci._secrets import digest, new_secret
from issuer.settings import OpenId4VciSettings
from issuer.storage import AccessTokenRow, Database, OfferRow, table_of

_TOKENS, _OFFERS = table_of(AccessTokenRow), table_of(OfferRow)
#: Built once: the credential and notification endpoints run it on every request.
_GRANT_OF_TOKEN = (
    select(
        _TOKENS.c.grant_reference,
        _OFFERS.c.subject_id,
        _TOKENS.c.configuration_ids,
        _TOKENS.c.by_identifier,
        _TOKENS.c.jkt,
    )
    .join(_OFFERS, _OFFERS.c.id == _TOKENS.c.grant_reference)
    .where(_TOKENS.c.digest == bindparam("digest"), _TOKENS.c.expires_at > bindparam("now"))
)


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


@dataclass(frozen=True)
class TokenGrant:
    """What a presented access token allows."""

    grant_reference: str
    subject_id: str
    configuration_ids: tuple[str, ...]
    by_identifier: bool
    jkt: str


class AccessTokens:
    def __init__(
        self, db: Database, settings: OpenId4VciSettings, clock: Callable[[], datetime]
    ) -> None:
        self._db = db
        self._lifetime = settings.access_token_lifetime_seconds
        self._clock = clock
        self._sweep = Sweep(clock)

    def issue(
        self,
        grant_reference: str,
        *,
        jkt: str,
        configuration_ids: Sequence[str],
        by_identifier: bool,
    ) -> IssuedToken:
        token, now = new_secret(), self._clock()
        with self._db.session() as session:
            if self._sweep.due():
                session.execute(delete(AccessTokenRow).where(AccessTokenRow.expires_at <= now))
            session.add(
                AccessTokenRow(
                    digest=digest("access_token", token),
                    grant_reference=grant_reference,
                    jkt=jkt,
                    configuration_ids=list(configuration_ids),
                    by_identifier=by_identifier,
                    created_at=now,
                    expires_at=now + timedelta(seconds=self._lifetime),
                )
            )
        return IssuedToken(token, self._lifetime)

    def find(self, session: Session, token: str) -> TokenGrant | None:
        """The grant of an unexpired ``token``, or ``None`` (in the caller's transaction)."""
        found = (
            session.connection()
            .execute(
                _GRANT_OF_TOKEN,
                {"digest": digest("access_token", token), "now": self._clock()},
            )
            .first()
        )
        if found is None:
            return None
        grant_reference, subject_id, configuration_ids, by_identifier, jkt = found
        return TokenGrant(grant_reference, subject_id, tuple(configuration_ids), by_identifier, jkt)
