"""Why an operator changes a credential: a code from a fixed list and an optional short note.

The note is free text for a case or ticket reference ("INC-20431", "case 7F3K"), never personal
data. Names cannot be recognised mechanically; what looks like a national number, a telephone
number, a date or an e-mail address is refused (400 ``invalid_request``), and a note is at most
:data:`MAX_NOTE_LENGTH` printable characters. docs/operator-api.md lists the codes.
"""

from __future__ import annotations

import re
from enum import StrEnum

from issuer.errors import InvalidRequest

MAX_NOTE_LENGTH = 200
#: Nine or more digits, single spaces, dots, slashes or hyphens between them allowed: national
#: numbers (``85073003328``, ``85.07.30-333.28``), telephone numbers, account numbers.
_LONG_NUMBER = re.compile(r"\d(?:[ ./-]?\d){8,}")
#: Day, month and year in any order with separators (``1985-07-30``, ``30/07/1985``, ``30.7.85``).
_DATE = re.compile(r"(?<!\d)\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?!\d)")


class ReasonCode(StrEnum):
    """The documented reasons (docs/operator-api.md, "Reasons")."""

    HOLDER_REQUEST = "holder_request"
    DEVICE_LOST = "device_lost"
    ENTITLEMENT_ENDED = "entitlement_ended"
    DATA_CORRECTION = "data_correction"
    ISSUED_IN_ERROR = "issued_in_error"
    SUPERSEDED = "superseded"
    KEY_COMPROMISE = "key_compromise"
    FRAUD_SUSPECTED = "fraud_suspected"
    INVESTIGATION_CLOSED = "investigation_closed"
    #: The authentic source put the status under review (a source event, issuer.source_events).
    STATUS_UNDER_REVIEW = "status_under_review"
    OTHER = "other"
    #: Only the older ``/admin`` routes record it: they take no reason.
    UNSPECIFIED = "unspecified"


def checked_note(reason: ReasonCode, note: str | None) -> str | None:
    """``note`` stripped (``None`` when empty), or :class:`InvalidRequest` saying what is wrong
    — never quoting it."""
    note = (note or "").strip() or None
    if reason is ReasonCode.OTHER and note is None:
        raise InvalidRequest("reason 'other' needs a note (a case or ticket reference)")
    if note is None:
        return None
    if len(note) > MAX_NOTE_LENGTH or not note.isprintable():
        raise InvalidRequest(
            f"the note must be at most {MAX_NOTE_LENGTH} printable characters on one line"
        )
    if "@" in note or _LONG_NUMBER.search(note) or _DATE.search(note):
        raise InvalidRequest(
            "the note looks like it holds personal data (a long number, a date or an e-mail "
            "address): give a case or ticket reference instead"
        )
    return note
