"""Credential responses in the database: one per grant and configuration (a unique key makes it
atomic across processes), with the copies' status handles and the wallet's notification."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from issuer.errors import CredentialRequestDenied, InvalidNotificationId
from issuer.oid4vci._secrets import new_reference
from issuer.storage import CredentialResponseRow, insert_if_absent, table_of

ALREADY_ISSUED = (
    "this credential was already issued for this offer (one credential response per "
    "configuration and grant): ask the issuer for a new offer"
)


_RESPONSES = table_of(CredentialResponseRow)
_RESPONSE_OF_GRANT = select(_RESPONSES.c.notification_id).where(
    _RESPONSES.c.grant_reference == bindparam("grant"),
    _RESPONSES.c.configuration_id == bindparam("configuration"),
)


class CredentialResponses:
    """Every method works in the caller's transaction."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock

    def exists(self, session: Session, grant_reference: str, configuration_id: str) -> bool:
        found = session.connection().execute(
            _RESPONSE_OF_GRANT, {"grant": grant_reference, "configuration": configuration_id}
        )
        return found.first() is not None

    def record(
        self,
        session: Session,
        grant_reference: str,
        configuration_id: str,
        credential_ids: Sequence[str],
    ) -> str:
        """The notification id of the new response; :class:`CredentialRequestDenied` if another
        request (in any process) recorded this grant and configuration first."""
        notification_id, now = new_reference(), self._clock()
        if not insert_if_absent(
            session,
            CredentialResponseRow,
            notification_id=notification_id,
            grant_reference=grant_reference,
            configuration_id=configuration_id,
            credential_ids=list(credential_ids),
            claimed_at=now,
            issued_at=now,
        ):
            raise CredentialRequestDenied(ALREADY_ISSUED)
        return notification_id

    def notify(
        self, session: Session, grant_reference: str, notification_id: str, event: str
    ) -> None:
        """Record the wallet's latest event (§11: identical notifications succeed again)."""
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
