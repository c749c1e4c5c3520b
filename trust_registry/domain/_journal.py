"""Every admin change: an audit entry and, when trust data changed, a new trust-list sequence.

Both happen in the caller's transaction, so a change and its audit entry commit together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trust_registry.domain._views import jsonable
from trust_registry.storage import AuditRow, TrustListSequenceRow

Clock = Callable[[], datetime]
STATE_ROW_ID = 1


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    before: Any = None,
    after: Any = None,
    trust_data: bool = True,
    lists: bool = False,
) -> None:
    """Audit ``action`` on ``target``; bump the trust-list sequence and/or the lists version."""
    session.add(
        AuditRow(
            at=at,
            actor=actor,
            action=action,
            target=target,
            before=jsonable(before),
            after=jsonable(after),
        )
    )
    if trust_data or lists:
        session.execute(
            update(TrustListSequenceRow)
            .where(TrustListSequenceRow.id == STATE_ROW_ID)
            .values(
                sequence=TrustListSequenceRow.sequence + int(trust_data),
                lists_version=TrustListSequenceRow.lists_version + int(lists),
                changed_at=at,
            )
        )


def versions(session: Session) -> tuple[int, int]:
    """``(trust-list sequence, lists version)``."""
    row = session.execute(
        select(TrustListSequenceRow).where(TrustListSequenceRow.id == STATE_ROW_ID)
    ).scalar_one()
    return row.sequence, row.lists_version
