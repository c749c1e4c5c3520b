"""Credential offers with a pre-authorized grant (OpenID4VCI 1.0 §4.1, §3.5).

An offer is a random *handle*: the offer URI is ``/offers/<handle>`` and the pre-authorized code
is derived from it (:func:`~issuer.oid4vci._secrets.derive`), so fetching the offer by reference
gives the same document every time (wallets fetch it twice) while the database holds digests
only. The transaction code is hashed together with the pre-authorized code.

Redemption at the token endpoint is single use (a conditional ``UPDATE … WHERE redeemed_at IS
NULL``, row count checked). Each transaction code try first reserves an attempt (``UPDATE …
WHERE tx_code_attempts < max``): with ``tx_code_max_attempts`` = N at most N codes are ever
compared, however many requests race, and the offer is burned after N wrong ones (1.0 Final sets
no limit; §13.3.1 asks for replay mitigations).
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import select, update

from issuer.audit import AuditLog
from issuer.errors import InvalidAuthorizationDetails, InvalidGrant, NotFound, OAuthError
from issuer.oid4vci._secrets import derive, digest, new_reference, new_secret
from issuer.settings import IssuerSettings
from issuer.storage import Database, OfferRow

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
#: The wallet's offer endpoint when the issuer knows no other (§12.1).
OFFER_SCHEME = "openid-credential-offer://"
_UNUSABLE = "the pre-authorized code is unknown, expired or already used"


@dataclass(frozen=True)
class Grant:
    """A redeemed pre-authorized grant."""

    reference: str
    subject_id: str
    configuration_ids: tuple[str, ...]


@dataclass(frozen=True)
class CreatedOffer:
    grant_reference: str
    credential_offer: dict[str, Any]
    credential_offer_uri: str
    #: The transaction code, for the operator to hand over on a second channel (never stored).
    tx_code: str | None
    expires_at: datetime

    @property
    def by_value(self) -> str:
        """The offer as a link or QR code content (§4.1.2)."""
        document = json.dumps(self.credential_offer, separators=(",", ":"), ensure_ascii=False)
        return f"{OFFER_SCHEME}?{urlencode({'credential_offer': document}, quote_via=quote)}"

    @property
    def by_reference(self) -> str:
        """The short form for QR codes: the wallet fetches the offer (§4.1.3)."""
        uri = self.credential_offer_uri
        return f"{OFFER_SCHEME}?{urlencode({'credential_offer_uri': uri}, quote_via=quote)}"


class Offers:
    def __init__(
        self,
        db: Database,
        settings: IssuerSettings,
        clock: Callable[[], datetime],
        audit: AuditLog,
    ) -> None:
        self._db = db
        self._audit = audit
        self._settings = settings
        self._config = settings.oid4vci
        self._clock = clock

    def create(
        self, *, subject_id: str, configuration_ids: Sequence[str], tx_code: bool, actor: str
    ) -> CreatedOffer:
        """A new offer (the operator is recorded in the audit log)."""
        handle, now = new_secret(), self._clock()
        code = derive("pre-authorized_code", handle)
        pin = self._new_tx_code() if tx_code else None
        row = OfferRow(
            id=new_reference(),
            handle_digest=digest("offer_handle", handle),
            code_digest=digest("pre-authorized_code", code),
            subject_id=subject_id,
            configuration_ids=list(configuration_ids),
            tx_code_digest=None if pin is None else digest("tx_code", code, pin),
            tx_code_length=None if pin is None else len(pin),
            tx_code_attempts=0,
            created_at=now,
            expires_at=now + timedelta(seconds=self._config.offer_lifetime_seconds),
        )
        with self._db.session() as session:
            session.add(row)
            session.flush()
            self._audit.append(
                session,
                actor=actor,
                action="oid4vci:offer",
                target=f"grant:{row.id}",
                detail={"configurations": list(configuration_ids), "tx_code": pin is not None},
            )
        return CreatedOffer(
            row.id, self._document(row, code), self.uri(handle), pin, row.expires_at
        )

    def uri(self, handle: str) -> str:
        return self._settings.endpoint(f"offers/{handle}")

    def document(self, handle: str) -> dict[str, Any]:
        """The offer behind ``/offers/<handle>``, the same on every fetch while it can still be
        redeemed; :class:`NotFound` once it expired, was redeemed or burned."""
        with self._db.session() as session:
            row = session.scalars(
                select(OfferRow).where(OfferRow.handle_digest == digest("offer_handle", handle))
            ).first()
        if row is None or not self._usable(row):
            raise NotFound("no such credential offer (unknown, expired or already used)")
        return self._document(row, derive("pre-authorized_code", handle))

    def redeem(
        self, code: str, tx_code: str | None, *, wanted: Collection[str] | None = None
    ) -> Grant:
        """The grant of ``code`` (OpenID4VCI 1.0 §6.1, §6.3), once. ``wanted`` (the
        configurations of ``authorization_details``) must be offered: checked before anything
        is spent."""
        code_digest = digest("pre-authorized_code", code)
        with self._db.session() as session:
            row = session.scalars(
                select(OfferRow).where(OfferRow.code_digest == code_digest)
            ).first()
        if row is None or row.redeemed_at is not None or row.expires_at <= self._clock():
            raise InvalidGrant(_UNUSABLE)
        if self._burned(row):
            raise InvalidGrant(self._burned_message)
        if wanted is not None and not set(wanted) <= set(row.configuration_ids):
            raise InvalidAuthorizationDetails(
                "authorization_details asks for a credential configuration the offer does not grant"
            )
        if row.tx_code_digest is None:
            if tx_code is not None:
                raise OAuthError("this offer has no transaction code: send no tx_code (§6.3)")
        else:
            if tx_code is None:
                raise OAuthError("this offer requires its transaction code (tx_code, §6.1)")
            self._check_tx_code(row, code, tx_code)
        now = self._clock()
        with self._db.session() as session:
            redeemed = session.execute(
                update(OfferRow)
                .where(
                    OfferRow.id == row.id,
                    OfferRow.redeemed_at.is_(None),
                    OfferRow.expires_at > now,
                )
                .values(redeemed_at=now)
            )
            if redeemed.rowcount != 1:  # type: ignore[attr-defined]
                raise InvalidGrant(_UNUSABLE)
        return Grant(row.id, row.subject_id, tuple(row.configuration_ids))

    def _check_tx_code(self, row: OfferRow, code: str, tx_code: str) -> None:
        limit = self._config.tx_code_max_attempts
        with self._db.session() as session:
            reserved = session.execute(
                update(OfferRow)
                .where(
                    OfferRow.id == row.id,
                    OfferRow.redeemed_at.is_(None),
                    OfferRow.expires_at > self._clock(),
                    OfferRow.tx_code_attempts < limit,
                )
                .values(tx_code_attempts=OfferRow.tx_code_attempts + 1)
            )
            if reserved.rowcount != 1:  # type: ignore[attr-defined]
                raise InvalidGrant(self._burned_message)
        expected = row.tx_code_digest or ""
        if not hmac.compare_digest(digest("tx_code", code, tx_code), expected):
            raise InvalidGrant("the transaction code is wrong")

    def _usable(self, row: OfferRow) -> bool:
        return row.redeemed_at is None and row.expires_at > self._clock() and not self._burned(row)

    def _burned(self, row: OfferRow) -> bool:
        return (
            row.tx_code_digest is not None
            and row.tx_code_attempts >= self._config.tx_code_max_attempts
        )

    @property
    def _burned_message(self) -> str:
        return (
            f"{self._config.tx_code_max_attempts} wrong transaction codes: this offer can no "
            "longer be used, ask for a new one"
        )

    def _new_tx_code(self) -> str:
        length = self._config.tx_code_length
        return str(secrets.randbelow(10**length)).zfill(length)

    def _document(self, row: OfferRow, code: str) -> dict[str, Any]:
        grant: dict[str, Any] = {"pre-authorized_code": code}
        if row.tx_code_length is not None:
            grant["tx_code"] = {
                "input_mode": "numeric",
                "length": row.tx_code_length,
                "description": self._config.tx_code_description,
            }
        return {
            "credential_issuer": self._settings.credential_issuer,
            "credential_configuration_ids": list(row.configuration_ids),
            "grants": {PRE_AUTHORIZED_GRANT: grant},
        }
