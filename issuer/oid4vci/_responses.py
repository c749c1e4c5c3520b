"""Credential responses in the database: one per grant and configuration (a unique key makes the
claim atomic across processes), with the copies' status handles and the wallet's notification."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from issuer.errors import CredentialRequestDenied, InvalidNotificationId
from issuer.oid4vci._secrets import new_reference
from issuer.storage import CredentialResponseRow, Database

ALREADY_ISSUED = (
    "this credential was already issued for this offer (one credential response per "
    "configuration and grant): ask the issuer for a new offer"
)


class CredentialResponses:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    def exists(self, grant_reference: str, configuration_id: str) -> bool:
        with self._db.session() as session:
            return (
                session.scalars(
                    select(CredentialResponseRow.notification_id).where(
                        CredentialResponseRow.grant_reference == grant_reference,
                        CredentialResponseRow.configuration_id == configuration_id,
                    )
                ).first()
                is not None
            )

    def claim(self, grant_reference: str, configuration_id: str) -> str:
        """The notification id of a new response; :class:`CredentialRequestDenied` if another
        request (in any process) claimed this grant and configuration first."""
        notification_id = new_reference()
        try:
            with self._db.session() as session:
                session.execute(
                    insert(CredentialResponseRow).values(
                        notification_id=notification_id,
                        grant_reference=grant_reference,
                        configuration_id=configuration_id,
                        claimed_at=self._clock(),
                    )
                )
        except IntegrityError:
            raise CredentialRequestDenied(ALREADY_ISSUED) from None
        return notification_id

    def complete(self, notification_id: str, credential_ids: Sequence[str]) -> None:
        with self._db.session() as session:
            session.execute(
                update(CredentialResponseRow)
                .where(CredentialResponseRow.notification_id == notification_id)
                .values(credential_ids=list(credential_ids), issued_at=self._clock())
            )

    def release(self, notification_id: str) -> None:
        """Give up a claim whose credentials were not issued (the wallet may try again)."""
        with self._db.session() as session:
            session.execute(
                delete(CredentialResponseRow).where(
                    CredentialResponseRow.notification_id == notification_id,
                    CredentialResponseRow.issued_at.is_(None),
                )
            )

    def notify(self, grant_reference: str, notification_id: str, event: str) -> None:
        """Record the wallet's latest event (§11: identical notifications succeed again)."""
        with self._db.session() as session:
            result = session.execute(
                update(CredentialResponseRow)
                .where(
                    CredentialResponseRow.notification_id == notification_id,
                    CredentialResponseRow.grant_reference == grant_reference,
                    CredentialResponseRow.issued_at.is_not(None),
                )
                .values(event=event, event_at=self._clock())
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise InvalidNotificationId(
                    "unknown notification_id (not from a credential response of this token)"
                )
